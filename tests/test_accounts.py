"""Accounts below the pages: passwords, roles, throttling (the rules, not the forms)."""

from __future__ import annotations

import stat

import pytest

from processes.accounts import (
    MAX_FAILURES,
    MAX_FAILURES_PER_NAME,
    MAX_NAMES_PER_ADDRESS,
    WINDOW_SECONDS,
    Accounts,
    LoginEnded,
    LoginRefused,
    LoginThrottled,
    RoleChanged,
)
from processes.accounts.passwords import hash_password, verify_password
from processes.accounts.store import FILE_NAME, AccountStore
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor

GOOD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path, clock) -> Accounts:
    made = Accounts(AccountStore(tmp_path), clock=clock)
    made.add_user("mia", "manager", GOOD)
    made.add_user("sam", "staff", GOOD)
    return made


def test_passwords_are_stored_as_scrypt_hashes_in_the_app_state_not_the_sheet(accounts, tmp_path):
    stored = accounts.store.get("mia").password_hash
    assert stored.startswith("scrypt$16384$8$1$") and GOOD not in stored
    assert (tmp_path / FILE_NAME).exists()
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600


def test_a_hash_verifies_only_its_own_password():
    stored = hash_password(GOOD)
    assert verify_password(GOOD, stored)
    assert not verify_password(GOOD + "!", stored)
    assert not verify_password(GOOD, "md5$abc")
    assert not verify_password(GOOD, "scrypt$x$y$z$%%%$%%%")
    assert hash_password(GOOD) != stored  # salted


def test_the_right_password_logs_in_with_the_user_s_role(accounts):
    assert accounts.authenticate("MIA", GOOD, "10.0.0.1") == Actor("mia", "manager")


@pytest.mark.parametrize(("name", "password"), [("mia", "wrong password"), ("nobody", GOOD), ("", "")])
def test_a_wrong_name_or_password_gets_the_same_answer(accounts, name, password):
    with pytest.raises(LoginRefused, match="Wrong user name or password."):
        accounts.authenticate(name, password, "10.0.0.1")


def test_a_disabled_login_is_refused_like_a_wrong_password(accounts):
    accounts.set_active("sam", False)
    with pytest.raises(LoginRefused):
        accounts.authenticate("sam", GOOD, "10.0.0.1")
    assert accounts.actor("sam") is None


def test_an_actor_acts_only_while_its_login_is_enabled_with_the_same_role(accounts):
    mia, sam = Actor("mia", "manager"), Actor("sam", "staff")
    accounts.still_acting(mia)
    accounts.still_acting(Actor("MIA", "manager"))  # names match in any case, as at login

    accounts.store.update("mia", role="staff")
    with pytest.raises(RoleChanged, match="Your role changed from manager to staff") as changed:
        accounts.still_acting(mia)
    assert changed.value.now == Actor("mia", "staff")

    accounts.set_active("sam", False)
    with pytest.raises(LoginEnded, match="Your login sam has been disabled"):
        accounts.still_acting(sam)
    with pytest.raises(LoginEnded):
        accounts.still_acting(Actor("nobody", "admin"))


def test_after_five_failures_for_a_user_at_one_address_even_the_right_password_waits(accounts, clock):
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            accounts.authenticate("sam", "guess", "10.0.0.1")
    with pytest.raises(LoginThrottled, match="paused for 15 minute"):
        accounts.authenticate("sam", GOOD, "10.0.0.1")
    clock.now += WINDOW_SECONDS + 1
    assert accounts.authenticate("sam", GOOD, "10.0.0.1").name == "sam"


def test_one_user_s_failures_do_not_lock_out_the_others_at_the_same_address(accounts):
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            accounts.authenticate("sam", "guess", "192.0.2.10")  # the office's one address
    with pytest.raises(LoginThrottled):
        accounts.authenticate("sam", GOOD, "192.0.2.10")
    assert accounts.authenticate("mia", GOOD, "192.0.2.10").name == "mia"


def test_a_user_name_guessed_from_many_addresses_waits_everywhere(accounts):
    for n in range(MAX_FAILURES_PER_NAME):
        with pytest.raises(LoginRefused):
            accounts.authenticate("mia", "guess", f"198.51.100.{n}")
    with pytest.raises(LoginThrottled):
        accounts.authenticate("mia", GOOD, "192.0.2.10")
    assert accounts.authenticate("sam", GOOD, "198.51.100.1").name == "sam"


def test_an_address_trying_many_names_waits_for_every_name(accounts):
    for n in range(MAX_NAMES_PER_ADDRESS - 1):
        for _ in range(2):
            with pytest.raises(LoginRefused):
                accounts.authenticate(f"a{n}", "guess", "203.0.113.9")
    assert accounts.authenticate("sam", GOOD, "203.0.113.9").name == "sam"  # one name short
    with pytest.raises(LoginRefused):
        accounts.authenticate("A0-other", "guess", "203.0.113.9")
    with pytest.raises(LoginThrottled):
        accounts.authenticate("mia", GOOD, "203.0.113.9")
    assert accounts.authenticate("mia", GOOD, "10.0.0.1").name == "mia"


def test_failures_are_logged(accounts, caplog):
    with pytest.raises(LoginRefused):
        accounts.authenticate("sam", "guess", "198.51.100.4")
    assert "failed login for 'sam' from 198.51.100.4" in caplog.text


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("x", "staff", GOOD, "2 to 32 letters"),
        ("bad name", "staff", GOOD, "2 to 32 letters"),
        ("ok", "owner", GOOD, "must be one of: staff, manager, admin"),
        ("ok", "staff", "short", "at least 8 characters"),
        ("longname1", "staff", "LONGNAME1", "must not be the user name"),
        ("MIA", "staff", GOOD, "already a user called MIA"),
    ],
)
def test_a_new_login_is_checked(accounts, name, role, password, says):
    with pytest.raises(ProcessError, match=says):
        accounts.add_user(name, role, password)


def test_staff_may_not_manage_logins_even_by_calling_the_rule_directly(accounts):
    staff = Actor("sam", "staff")
    with pytest.raises(PermissionDenied, match="Only a manager or an admin may manage users"):
        accounts.add_user("eve", "admin", GOOD, by=staff)
    with pytest.raises(PermissionDenied):
        accounts.list_users(by=staff)
    with pytest.raises(PermissionDenied):
        accounts.set_active("mia", False, by=staff)
    assert accounts.store.get("eve") is None


def test_a_manager_may_not_create_an_admin_nor_disable_themself(accounts):
    manager = Actor("mia", "manager")
    with pytest.raises(ProcessError, match="Only an admin"):
        accounts.add_user("root2", "admin", GOOD, by=manager)
    with pytest.raises(ProcessError, match="your own login"):
        accounts.set_active("mia", False, by=manager)
    accounts.add_user("lee", "staff", GOOD, by=manager)
    assert [user.name for user in accounts.list_users(by=manager)] == ["lee", "mia", "sam"]


def test_a_user_may_change_their_own_password_and_it_clears_their_failures(accounts):
    with pytest.raises(LoginRefused):
        accounts.authenticate("sam", "guess", "10.0.0.1")
    accounts.change_password("sam", "another good one", by=Actor("sam", "staff"))
    assert accounts.store.failures_since(0, username="sam") == []
    assert accounts.authenticate("sam", "another good one", "10.0.0.1").name == "sam"


def test_a_user_chooses_their_own_language_and_only_a_manager_chooses_for_others(tmp_path):
    accounts = Accounts(AccountStore(tmp_path))
    accounts.add_user("sam", "staff", "correct horse 1")
    accounts.add_user("kim", "staff", "correct horse 2")
    accounts.add_user("lin", "manager", "correct horse 3")
    sam, lin = accounts.actor("sam"), accounts.actor("lin")

    assert accounts.language_of("sam") is None
    accounts.set_language("sam", "zh", by=sam)
    assert accounts.language_of("sam") == "zh"
    with pytest.raises(PermissionDenied):
        accounts.set_language("kim", "zh", by=sam)
    accounts.set_language("kim", "zh", by=lin)
    assert accounts.language_of("kim") == "zh"
    with pytest.raises(ProcessError, match="Unknown language"):
        accounts.set_language("sam", "fr", by=sam)


def test_a_state_file_from_before_languages_gains_the_column(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "app_state.sqlite3") as old:
        old.execute(
            "CREATE TABLE users (name TEXT PRIMARY KEY COLLATE NOCASE, role TEXT NOT NULL, "
            "password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, "
            "password_changed_at TEXT NOT NULL)"
        )
    accounts = Accounts(AccountStore(tmp_path))
    accounts.add_user("sam", "staff", "correct horse 1")
    accounts.set_language("sam", "zh", by=accounts.actor("sam"))
    assert accounts.language_of("sam") == "zh"
