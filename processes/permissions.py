"""Who may do what: one permission table, checked where each rule lives.

Pages hide what a user may not do, but the check that counts is here, in the
process a page (or a crafted request) calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from i18n import N_, _
from processes.errors import PermissionDenied
from sheets.tabs import (
    ALERTS,
    ALL_TABS,
    AUDIT,
    FORECAST,
    FORECAST_RUNS,
    MESSAGES,
    OUTBOX,
    SETTINGS,
    STOCK_MOVES,
    SUMMARY,
)

ROLES = ("staff", "manager", "admin")


class Permission(StrEnum):
    APPROVE_PO_OVER_LIMIT = "approve a purchase order over the approval limit"
    APPROVE_STOCK_ADJUSTMENT = "approve a stock adjustment"
    APPROVE_REFUND_OVER_LIMIT = "approve a refund over the approval limit"
    WAIVE_THREE_QUOTES = "choose a supplier with fewer than three quotes"
    ACKNOWLEDGE_ALERTS = "acknowledge alerts"
    EDIT_SETTINGS = "edit Settings"
    MANAGE_USERS = "manage users"
    DECIDE_SUGGESTIONS = "adopt or reject a suggestion"
    MANAGE_CHANNELS = "look after the shop connections"


MANAGERS = frozenset({"manager", "admin"})

#: The one permission table. A permission not listed here is nobody's.
GRANTED_TO: dict[Permission, frozenset[str]] = {
    Permission.APPROVE_PO_OVER_LIMIT: MANAGERS,
    Permission.APPROVE_STOCK_ADJUSTMENT: MANAGERS,
    Permission.APPROVE_REFUND_OVER_LIMIT: MANAGERS,
    Permission.WAIVE_THREE_QUOTES: MANAGERS,
    Permission.ACKNOWLEDGE_ALERTS: MANAGERS,
    Permission.EDIT_SETTINGS: MANAGERS,
    Permission.MANAGE_USERS: MANAGERS,
    Permission.DECIDE_SUGGESTIONS: MANAGERS,
    Permission.MANAGE_CHANNELS: MANAGERS,
}


EVERYONE = frozenset(ROLES)

#: Tabs nobody edits row by row in the app, and why: the app or the jobs write them.
WRITTEN_BY_THE_APP: dict[str, str] = {
    AUDIT.name: N_("it is the record of every change, written by the app itself"),
    SUMMARY.name: N_("the scheduled checks rewrite it"),
    FORECAST.name: N_("demand planning rewrites it every cycle"),
    FORECAST_RUNS.name: N_("demand planning adds a row each time it computes the forecast"),
    MESSAGES.name: N_("it is each ticket's conversation, written by the mail job and the ticket page"),
    STOCK_MOVES.name: N_(
        "it is the stock ledger: a correction is a new move, made by a stocktake or a transfer"
    ),
}

#: Who may edit each tab's rows in the app's grid (/tabs/...): the second permission table.
#: Staff may not edit Settings, the Alerts history or the Outbox; a tab missing here is nobody's.
EDITORS: dict[str, frozenset[str]] = {
    **{tab.name: EVERYONE for tab in ALL_TABS if tab.name not in WRITTEN_BY_THE_APP},
    SETTINGS.name: MANAGERS,
    ALERTS.name: MANAGERS,
    OUTBOX.name: MANAGERS,
}


#: Who may read each tab's rows in the app: one rule for the grid (/tabs/...) and for an export.
#: The Audit tab (who did what, for every person) is a manager's; every other tab is everyone's,
#: Settings included (the Settings page shows everyone the values in force). Nobody edits a tab
#: they may not read (EDITORS is within READERS).
READERS: dict[str, frozenset[str]] = {
    **{tab.name: EVERYONE for tab in ALL_TABS},
    AUDIT.name: MANAGERS,
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user (or a command-line operator, or a job)."""

    name: str
    role: str

    def may(self, permission: Permission) -> bool:
        return self.role in GRANTED_TO.get(permission, frozenset())

    def may_read(self, tab_name: str) -> bool:
        """Whether this user may see the rows of `tab_name` in the grid and export them."""
        return self.role in READERS.get(tab_name, frozenset())

    def may_edit(self, tab_name: str) -> bool:
        """Whether this user may edit, add and delete rows of `tab_name` in the app."""
        return self.role in EDITORS.get(tab_name, frozenset())


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`."""
    if not actor.may(permission):
        granted = [role for role in ROLES if role in GRANTED_TO.get(permission, ())]
        raise PermissionDenied(
            _(
                "Only {who} may {permission}; you are logged in as {role}.",
                who=_who(granted),
                permission=_(permission.value),
                role=_(actor.role),
            )
        )


def who_may_read(tab_name: str) -> str:
    """The roles that may read `tab_name`, as the subject of a sentence: "a manager or an admin"."""
    return _who([role for role in ROLES if role in READERS.get(tab_name, ())])


def why_not_read(actor: Actor, tab_name: str) -> str | None:
    """Why `actor` may not read `tab_name` (in the grid or an export), in one sentence; None when they may."""
    if actor.may_read(tab_name):
        return None
    return _(
        "Only {who} may read {tab}; you are logged in as {role}.",
        who=who_may_read(tab_name),
        tab=_(tab_name),
        role=_(actor.role),
    )


def require_read(actor: Actor, tab_name: str) -> None:
    """Raise PermissionDenied unless `actor` may read the rows of `tab_name`."""
    _refuse_if(why_not_read(actor, tab_name))


def why_not_edit(actor: Actor, tab_name: str) -> str | None:
    """Why `actor` may not edit `tab_name` in the app, in one sentence; None when they may."""
    if actor.may_edit(tab_name):
        return None
    if tab_name in WRITTEN_BY_THE_APP:
        return _(
            "Nobody edits {tab} in the app: {why}.", tab=_(tab_name), why=_(WRITTEN_BY_THE_APP[tab_name])
        )
    granted = [role for role in ROLES if role in EDITORS.get(tab_name, ())]
    return _(
        "Only {who} may edit {tab}; you are logged in as {role}.",
        who=_who(granted),
        tab=_(tab_name),
        role=_(actor.role),
    )


def require_edit(actor: Actor, tab_name: str) -> None:
    """Raise PermissionDenied unless `actor` may edit the rows of `tab_name`."""
    _refuse_if(why_not_edit(actor, tab_name))


def _refuse_if(reason: str | None) -> None:
    if reason:
        raise PermissionDenied(reason)


#: A role as the subject of "Only … may": with its article in English.
_SOMEONE = {"staff": N_("a staff member"), "manager": N_("a manager"), "admin": N_("an admin")}


def _who(roles: list[str]) -> str:
    return _(" or ").join(_(_SOMEONE[role]) for role in roles) or _("nobody")
