"""Procurement: requests waiting for quotes too long, purchase orders late or awaiting approval too long."""

from __future__ import annotations

import pandas as pd

from i18n import _
from processes.procurement.procedures import (
    APPROVAL_LATE,
    PO_LATE,
    PURCHASE_ORDER,
    PURCHASE_REQUEST,
    QUOTES_LATE,
)
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS, QUOTES, RECEIPTS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import hours, shown, waited

#: Request states in which quotes are still being collected.
QUOTING_STATES = PURCHASE_REQUEST.group("choosing")
#: Purchase order states in which goods are expected: those they are received from.
EXPECTED_STATES = PURCHASE_ORDER.transition("receive").sources


def check_procurement(snapshot: Snapshot) -> list[Effect]:
    return [*_quotes_late(snapshot), *_orders_late(snapshot), *_approvals_late(snapshot)]


def _quotes_late(snapshot: Snapshot) -> list[Effect]:
    limit = snapshot.setting(QUOTES_LATE.setting)
    df = snapshot.df(PURCHASE_REQUESTS)
    late = df[df["status"].isin(QUOTING_STATES) & waited(df["created_at"], snapshot.now, limit)]
    if not len(late):
        return []
    quotes = snapshot.df(QUOTES)["request_id"].value_counts()
    return [
        alert(
            QUOTES_LATE.kind,
            request_id,
            QUOTES_LATE.severity,
            _(
                "Purchase request {request_id} ({qty} × {sku}) has waited for quotes since {shown}: {int} received (limit {hours})",
                request_id=request_id,
                qty=qty,
                sku=sku,
                shown=shown(created),
                int=int(quotes.get(request_id, 0)),
                hours=hours(limit),
            ),
            QUOTES_LATE.owner_role,
        )
        for request_id, sku, qty, created in late[["request_id", "sku", "qty", "created_at"]].itertuples(
            index=False
        )
    ]


def _orders_late(snapshot: Snapshot) -> list[Effect]:
    df = snapshot.df(PURCHASE_ORDERS)
    today = pd.Timestamp(snapshot.now.date())
    late = df[df["status"].isin(EXPECTED_STATES) & df["expected_at"].notna() & (df["expected_at"] < today)]
    if not len(late):
        return []
    received = snapshot.df(RECEIPTS).groupby("po_id")["qty_received"].sum()
    return [
        alert(
            PO_LATE.kind,
            po_id,
            PO_LATE.severity,
            _(
                "Purchase order {po_id} ({qty} × {sku}) was expected on {expected:%Y-%m-%d}: {int} of {qty} received",
                po_id=po_id,
                qty=qty,
                sku=sku,
                expected=expected,
                int=int(received.get(po_id, 0)),
            ),
            PO_LATE.owner_role,
        )
        for po_id, sku, qty, expected in late[["po_id", "sku", "qty", "expected_at"]].itertuples(index=False)
    ]


def _approvals_late(snapshot: Snapshot) -> list[Effect]:
    """Orders awaiting approval, waiting since they were last changed (submitted) through the app."""
    limit = snapshot.setting(APPROVAL_LATE.setting)
    df = snapshot.df(PURCHASE_ORDERS)
    waiting = df["status"].isin(PURCHASE_ORDER.group("waiting_on_manager"))
    late = df[waiting & waited(df["updated_at"], snapshot.now, limit)]
    return [
        alert(
            APPROVAL_LATE.kind,
            po_id,
            APPROVAL_LATE.severity,
            _(
                "Purchase order {po_id} (total {total:g}) has awaited approval since {shown} (limit {hours})",
                po_id=po_id,
                total=total,
                shown=shown(since),
                hours=hours(limit),
            ),
            APPROVAL_LATE.owner_role,
        )
        for po_id, total, since in late[["po_id", "total", "updated_at"]]
        .fillna({"total": 0})
        .itertuples(index=False)
    ]
