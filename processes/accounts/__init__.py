"""Accounts: who may log in, with which role, and the brakes on guessing passwords.

    accounts = Accounts(AccountStore(data_dir))
    accounts.add_user("lin", "manager", password)              # the command line
    actor = accounts.authenticate("lin", password, "10.0.0.7")  # the login page
    accounts.still_acting(actor)                                # before every action after that

Within WINDOW_SECONDS, further attempts are refused, without even checking
the password, after

- MAX_FAILURES failed attempts for one user name from one address (someone
  guessing one person's password);
- MAX_FAILURES_PER_NAME for one user name from any address (guessing from
  many machines);
- failures for MAX_NAMES_PER_ADDRESS different names from one address (one
  machine trying many logins): only then is the address itself paused, so one
  person mistyping their password in the office does not lock out the others
  behind the same address;

until enough of those failures are older than the window.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from i18n import LANGUAGES, _, ngettext
from processes.accounts import tokens
from processes.accounts.passwords import hash_password, verify_password, weakness
from processes.accounts.store import AccountStore
from processes.errors import ProcessError
from processes.permissions import ROLES, Actor, Permission, require

log = logging.getLogger(__name__)

MAX_FAILURES = 5
MAX_FAILURES_PER_NAME = 20
MAX_NAMES_PER_ADDRESS = 10
WINDOW_SECONDS = 15 * 60
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")
#: Verified against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = hash_password("not a real password")


class LoginRefused(ProcessError):
    def __init__(self) -> None:
        super().__init__(
            _("Wrong user name or password. Forgotten it? A manager can set a new one on the Users page.")
        )


class LoginThrottled(ProcessError):
    def __init__(self, minutes: int) -> None:
        super().__init__(
            ngettext(
                "Too many failed attempts: logging in is paused for {count} minute. "
                "Ask a manager if you forgot your password.",
                "Too many failed attempts: logging in is paused for {count} minutes. "
                "Ask a manager if you forgot your password.",
                minutes,
            )
        )
        self.minutes = minutes


class LoginEnded(ProcessError):
    """The acting login is disabled, unknown, or no longer this browser's: the action is refused."""


class RoleChanged(ProcessError):
    """The acting login's role is not the one it acted with: refused, so no action runs on an old role."""

    def __init__(self, was: Actor, now: Actor) -> None:
        super().__init__(
            _(
                "Your role changed from {was} to {now}, so nothing was saved. "
                "Do it again if your new role allows it.",
                was=_(was.role),
                now=_(now.role),
            )
        )
        self.now = now


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    active: bool
    created_at: str


class Accounts:
    def __init__(self, store: AccountStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    # looking up ------------------------------------------------------------

    def has_users(self) -> bool:
        return self.store.count() > 0

    def actor(self, name: str) -> Actor | None:
        """The active user called `name` as an Actor, or None (unknown or disabled)."""
        user = self.store.get(name)
        return Actor(user.name, user.role) if user and user.active else None

    def still_acting(self, actor: Actor) -> None:
        """Refuse unless `actor`'s login is enabled now, with the role it acts with (one lookup).

        An Actor is who someone was when a page opened or a session began; a login
        disabled or a role changed since then must stop at the next action.
        """
        now = self.actor(actor.name)
        if now is None:
            raise LoginEnded(
                _(
                    "Your login {name} has been disabled, so nothing was saved. "
                    "Ask a manager if you need it again.",
                    name=actor.name,
                )
            )
        if now.role != actor.role:
            raise RoleChanged(actor, now)

    def language_of(self, name: str) -> str | None:
        """The interface language `name` chose, or None (not chosen: the browser's is used)."""
        return self.store.language_of(name)

    def set_language(self, name: str, language: str, *, by: Actor) -> None:
        """Remember the interface language of `name`: anyone for themself, a manager for others."""
        if language not in LANGUAGES:
            raise ProcessError(
                _(
                    "Unknown language {language!r}; choose one of {join}.",
                    language=language,
                    join=", ".join(LANGUAGES),
                )
            )
        if by.name.casefold() != name.casefold():
            self._check_manager(by)
        self.store.update(self._existing(name).name, language=language)

    def list_users(self, *, by: Actor | None = None) -> list[UserView]:
        self._check_manager(by)
        return [UserView(u.name, u.role, u.active, u.created_at) for u in self.store.all()]

    # changing --------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str, *, by: Actor | None = None) -> UserView:
        """Create a login; `by` is the user doing it (None: the operator at the command line)."""
        self._check_manager(by, granting=role)
        name = name.strip()
        if not USERNAME.match(name):
            raise ProcessError(
                _(
                    "A user name has 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit."
                )
            )
        if role not in ROLES:
            raise ProcessError(_("The role must be one of: {join}.", join=", ".join(ROLES)))
        self._refuse_weak(name, password)
        now = _now_text()
        if not self.store.insert(name, role, hash_password(password), now):
            raise ProcessError(_("There is already a user called {name}.", name=name))
        log.info("user %s added with role %s by %s", name, role, by.name if by else "the command line")
        return UserView(name, role, True, now)

    def change_password(self, name: str, password: str, *, by: Actor | None = None) -> None:
        user = self._existing(name)
        if by is not None and by.name.casefold() != user.name.casefold():
            self._check_manager(by, granting=user.role)
        self._refuse_weak(user.name, password)
        self.store.update(user.name, password_hash=hash_password(password), password_changed_at=_now_text())
        self.store.forget_failures(username=user.name)

    def set_active(self, name: str, active: bool, *, by: Actor | None = None) -> None:
        user = self._existing(name)
        self._check_manager(by, granting=user.role)
        if by is not None and by.name.casefold() == user.name.casefold() and not active:
            raise ProcessError(_("You cannot disable your own login."))
        self.store.update(user.name, active=int(active))
        log.info(
            "user %s %s by %s",
            user.name,
            "enabled" if active else "disabled",
            by.name if by else "the command line",
        )

    # API tokens ------------------------------------------------------------

    def issue_token(self, name: str, *, by: Actor | None = None) -> str:
        """A new API token for `name`, returned once: only its hash is kept (tokens.py)."""
        user = self._existing(name)
        self._check_manager(by, granting=user.role)
        token = tokens.new_token()
        self.store.add_token(tokens.digest(token), user.name, _now_text())
        log.info("API token issued for %s by %s", user.name, by.name if by else "the command line")
        return token

    def revoke_tokens(self, name: str, *, by: Actor | None = None) -> int:
        """Revoke every token of `name`; how many there were."""
        user = self._existing(name)
        self._check_manager(by, granting=user.role)
        revoked = self.store.revoke_tokens(user.name, _now_text())
        log.info("%d API token(s) of %s revoked", revoked, user.name)
        return revoked

    def actor_for_token(self, token: str) -> Actor | None:
        """The enabled login a live token belongs to, with its role now; None for anything else."""
        if not tokens.well_formed(token):
            return None
        name = self.store.token_user(tokens.digest(token))
        return self.actor(name) if name else None

    # logging in ------------------------------------------------------------

    def authenticate(self, name: str, password: str, address: str) -> Actor:
        """The Actor for a correct name and password; LoginRefused or LoginThrottled otherwise."""
        name = name.strip()
        now = self.clock()
        self._refuse_if_throttled(name, address, now)
        user = self.store.get(name) if name else None
        matches = verify_password(password, user.password_hash if user else _DUMMY_HASH)
        if not (user and user.active and matches):
            self.store.add_failure(name, address, now)
            log.warning("failed login for %r from %s", name, address)
            raise LoginRefused()
        self.store.forget_failures(username=user.name)
        self.store.forget_failures(before=now - WINDOW_SECONDS)
        return Actor(user.name, user.role)

    def _refuse_if_throttled(self, name: str, address: str, now: float) -> None:
        since = now - WINDOW_SECONDS
        for recent, limit in (
            (self.store.failures_since(since, username=name, address=address), MAX_FAILURES),
            (self.store.failures_since(since, username=name), MAX_FAILURES_PER_NAME),
            (self.store.last_failure_per_name(since, address), MAX_NAMES_PER_ADDRESS),
        ):
            if len(recent) >= limit:
                # Paused until enough of the failures have left the window.
                opens_at = recent[-limit] + WINDOW_SECONDS
                log.warning("login for %r from %s refused: too many failures", name, address)
                raise LoginThrottled(max(1, round((opens_at - now) / 60)))

    # helpers ---------------------------------------------------------------

    def _existing(self, name: str):
        user = self.store.get(name.strip())
        if user is None:
            raise ProcessError(_("There is no user called {strip}.", strip=name.strip()))
        return user

    def _check_manager(self, by: Actor | None, granting: str | None = None) -> None:
        if by is None:
            return  # the command line: whoever runs it already controls the server
        require(by, Permission.MANAGE_USERS)
        if granting == "admin" and by.role != "admin":
            raise ProcessError(_("Only an admin may create or change an admin's login."))

    @staticmethod
    def _refuse_weak(name: str, password: str) -> None:
        problem = weakness(password, name)
        if problem:
            raise ProcessError(problem[0].upper() + problem[1:] + ".")


def _now_text() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")
