"""Returns: four on delivered orders, one at each stage from requested to refunded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sheets.table import Record
from sheets.tabs import RETURNS

from .builder import MANAGER, DemoBuilder, OrderPlan, staff_at
from .choices import (
    MOVE_REASON_RETURN,
    PAYMENT,
    REFUND_STATUS,
    RETURN_KIND,
    RETURN_KIND_RETURN,
    RETURN_STATUS,
)

RETURN_REASONS = {
    RETURN_STATUS.closed: "No longer needed",
    RETURN_STATUS.received: "Changed my mind; still in its box",
    RETURN_STATUS.approved: "Would prefer it in another colour",
    RETURN_STATUS.requested: "Does not match the photo",
}
RETURN_DECISIONS = {
    RETURN_STATUS.closed: "Unused and within 30 days: refund on receipt",
    RETURN_STATUS.received: "Unopened: refund once inspected",
    RETURN_STATUS.approved: "Exchange approved: the replacement ships when the return arrives",
}


@dataclass
class ReturnPlan:
    """A return on a delivered order, chosen before orders are written; `record` once it is written."""

    order: OrderPlan
    status: str
    kind: str
    requested_share: float  # of the time between delivery and now
    received_share: float | None = None
    record: Record | None = None


def plan_returns(demo: DemoBuilder) -> list[ReturnPlan]:
    """Pick the returned orders before orders are written: the refunded one marks its order's payment."""
    delivered = sorted(demo.delivered_orders(), key=lambda plan: plan.values["delivered_at"])
    returns = [
        ReturnPlan(delivered[1], RETURN_STATUS.closed, RETURN_KIND_RETURN, 0.15, 0.35),
        ReturnPlan(delivered[4], RETURN_STATUS.received, RETURN_KIND_RETURN, 0.3, 0.8),
        ReturnPlan(delivered[8], RETURN_STATUS.approved, RETURN_KIND.exchange, 0.5),
        ReturnPlan(delivered[11], RETURN_STATUS.requested, RETURN_KIND_RETURN, 0.9),
    ]
    refunded = returns[0].order
    whole_order = demo.price(refunded.lines[0][0]) >= refunded.values["total"]
    refunded.values["payment_status"] = PAYMENT.refunded if whole_order else PAYMENT.partially_refunded
    return returns


def seed_returns(demo: DemoBuilder, returns: list[ReturnPlan]) -> None:
    """Write the returns; the goods that came back go onto the shelf of the location that shipped them."""
    for plan in returns:
        plan.record = demo.add(RETURNS, _return_values(demo, plan))
        if plan.received_share is not None:
            delivered_at = plan.order.values["delivered_at"]
            demo.move(
                demo.between(delivered_at, plan.received_share),
                plan.record.sku,
                MOVE_REASON_RETURN,
                plan.record.return_id,
                staff_at(plan.order.location),
                plan.record.restock_qty,
                target=demo.location_ids[plan.order.location],
            )


def _return_values(demo: DemoBuilder, plan: ReturnPlan) -> dict[str, Any]:
    delivered_at = plan.order.values["delivered_at"]
    sku = plan.order.lines[0][0]
    values: dict[str, Any] = {
        "order_id": plan.order.order_id,
        "sku": sku,
        "qty": 1,
        "kind": plan.kind,
        "reason": RETURN_REASONS[plan.status],
        "requested_at": demo.between(delivered_at, plan.requested_share),
        "status": plan.status,
        "refund_status": REFUND_STATUS.none,
    }
    if plan.status == RETURN_STATUS.requested:
        return values
    values.update(reviewed_by=MANAGER, decision_note=RETURN_DECISIONS[plan.status])
    if plan.received_share is None:
        return values
    # Goods came back unused: all of it goes back on the shelf and is refunded in full.
    values.update(restock_qty=1, refund_amount=demo.price(sku), refund_status=REFUND_STATUS.pending)
    if plan.status == RETURN_STATUS.closed:
        values.update(
            refund_status=REFUND_STATUS.paid,
            refund_ref=f"RF-{demo.rng.randint(10_000_000, 99_999_999)}",
            refunded_at=demo.between(delivered_at, 0.45),
        )
    return values
