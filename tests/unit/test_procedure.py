"""A procedure declared once: only valid next steps, checked in the rule."""

from __future__ import annotations

import pytest

from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor, Permission
from processes.procedure import Procedure, Transition
from sheets.tabs import PURCHASE_ORDERS

ORDERING = Procedure(
    "Purchase order",
    PURCHASE_ORDERS,
    "status",
    transitions=(
        Transition("submit", ("draft",), "awaiting_approval", "staff", "Submit for approval"),
        Transition(
            "approve",
            ("awaiting_approval",),
            "approved",
            "manager",
            "Approve",
            permission=Permission.APPROVE_PO_OVER_LIMIT,
        ),
        Transition("cancel", ("draft", "awaiting_approval"), "cancelled", "staff", "Cancel"),
    ),
)
STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")


def test_only_the_steps_from_the_current_state_are_offered():
    assert [t.action for t in ORDERING.allowed("draft")] == ["submit", "cancel"]
    assert [t.action for t in ORDERING.allowed("awaiting_approval", STAFF)] == ["cancel"]
    assert [t.action for t in ORDERING.allowed("awaiting_approval", MANAGER)] == ["approve", "cancel"]
    assert ORDERING.allowed("received") == []


def test_a_step_from_the_wrong_state_is_refused_with_what_is_possible():
    with pytest.raises(
        ProcessError, match="Cannot approve: the purchase order is draft. From draft you can: submit"
    ):
        ORDERING.check("approve", "draft", MANAGER)


def test_a_step_needing_a_permission_is_refused_to_staff_even_when_asked_directly():
    with pytest.raises(PermissionDenied):
        ORDERING.check("approve", "awaiting_approval", STAFF)
    assert ORDERING.check("approve", "awaiting_approval", MANAGER).target == "approved"


def test_a_declaration_naming_a_state_the_tab_does_not_have_is_refused():
    with pytest.raises(ValueError, match="not declared"):
        Procedure(
            "Broken", PURCHASE_ORDERS, "status", (Transition("x", ("draft",), "teleported", "staff", "X"),)
        )
