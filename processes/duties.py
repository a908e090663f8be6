"""Segregation of duties: whoever asked for or prepared a decision does not approve it.

A purchase order above the limit is approved by a manager who neither asked
for the goods (the request's `requested_by`) nor chose the supplier or
submitted the draft (the order's `raised_by`); a refund above the limit by a
manager other than the one who set it (`refund_set_by`). Names are compared
without case. Setting `segregation_of_duties` (on by default) turns it off
for a shop with a single manager.
"""

from __future__ import annotations

from collections.abc import Mapping

from i18n import _
from processes.errors import PermissionDenied
from processes.permissions import Actor
from processes.settings import setting_in
from sheets.transaction import Transaction

SETTING = "segregation_of_duties"


def enforced(tx: Transaction) -> bool:
    return setting_in(tx, SETTING) == "on"


def refuse_own_decision(
    tx: Transaction, by: Actor, record_id: str, involved: Mapping[str, str | None]
) -> None:
    """PermissionDenied when `by` took part in preparing `record_id`: `involved` maps what they did to who did it."""
    if not enforced(tx):
        return
    for what, who in involved.items():
        if who and who.strip().casefold() == by.name.strip().casefold():
            raise PermissionDenied(
                _(
                    "You {what} {record_id}, so another manager approves it "
                    "(segregation of duties: setting segregation_of_duties).",
                    what=_(what),
                    record_id=record_id,
                )
            )
