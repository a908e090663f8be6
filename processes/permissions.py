"""Who may do what: one permission table, checked where each rule lives.

Pages hide what a user may not do, but the check that counts is here, in the
process a page (or a crafted request) calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from processes.errors import PermissionDenied

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
    EXPORT_AUDIT_AND_SETTINGS = "export the Audit and Settings tabs"


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
    Permission.EXPORT_AUDIT_AND_SETTINGS: MANAGERS,
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user (or a command-line operator, or a job)."""

    name: str
    role: str

    def may(self, permission: Permission) -> bool:
        return self.role in GRANTED_TO.get(permission, frozenset())


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`."""
    if not actor.may(permission):
        granted = [role for role in ROLES if role in GRANTED_TO.get(permission, ())]
        who = " or ".join(f"{'an' if role[0] in 'aeiou' else 'a'} {role}" for role in granted) or "nobody"
        raise PermissionDenied(f"Only {who} may {permission.value}; you are logged in as {actor.role}.")
