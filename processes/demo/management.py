"""Management: alerts, improvement suggestions and the e-mail outbox.

Each alert is about a situation the rest of the story really contains (the
low-stock row, the oldest unpaid order, the transfer that restocked the store),
so following one up leads to matching records.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from processes.inventory.procedures import TRANSFER
from processes.orders.procedure import ORDER
from processes.procurement.procedures import PURCHASE_REQUEST
from sheets.table import Record
from sheets.tabs import ALERTS, OUTBOX, SUGGESTIONS

from .after_sales import ReturnPlan
from .builder import BUYER, MANAGER, SERVICE, STORE_STAFF, WAREHOUSE, DemoBuilder, declared_default
from .choices import ALERT_STATUS, MESSAGE_STATUS, PAYMENT, RETURN_STATUS, ROLE, SEVERITY, SUGGESTION_STATUS
from .stock import LOW_STOCK_ALERT_ROW, StockRows

ALERT_LOW_STOCK = "stock.low"
ALERT_UNPAID = "order.unpaid"
SIGNATURE = "Harbour Home & Kitchen"

# submitted by, days ago, process (a declared procedure's name, or "other"), text, voters, status, decided by, decision
SUGGESTION_DATA = (
    (
        WAREHOUSE,
        21,
        ORDER.name,
        "Print the packing checklist on the picking slip so the fragile-items step is never skipped.",
        (SERVICE, BUYER, STORE_STAFF, MANAGER),
        SUGGESTION_STATUS.adopted,
        MANAGER,
        "Adopted: the checklist is on the picking slip from this week.",
    ),
    (
        SERVICE,
        9,
        "other",
        "Send the satisfaction survey two days after delivery, not one: people have not unpacked yet.",
        (WAREHOUSE, STORE_STAFF),
        SUGGESTION_STATUS.open,
        None,
        None,
    ),
    (
        BUYER,
        15,
        PURCHASE_REQUEST.name,
        "Skip the third quote for repeat orders under 500.",
        (WAREHOUSE,),
        SUGGESTION_STATUS.rejected,
        MANAGER,
        "Rejected: three quotes keep prices honest; repeat items belong under a framework contract.",
    ),
    (
        STORE_STAFF,
        2,
        TRANSFER.name,
        "Write the destination store on transfer parcels as well as the transfer ID.",
        (),
        SUGGESTION_STATUS.open,
        None,
        None,
    ),
)


def seed_alerts(demo: DemoBuilder, stock: StockRows, restocking_transfer: Record) -> None:
    """Two open alerts (low stock, an order unpaid too long) and one a transfer resolved."""
    _alert_low_stock(demo, stock, first_seen=demo.ago(hours=26))
    _alert_unpaid_order(demo)
    _alert_resolved_by_transfer(demo, restocking_transfer)


def seed_suggestions(demo: DemoBuilder) -> None:
    """Suggestions in every state; each voter votes once and never for their own."""
    for by, days_ago, process, text, voters, status, decided_by, decision in SUGGESTION_DATA:
        demo.add(
            SUGGESTIONS,
            {
                "submitted_by": by,
                "submitted_at": demo.ago(days=days_ago),
                "process": process,
                "text": text,
                "votes": len(voters),
                "voters": ", ".join(voters),
                "status": status,
                "decided_by": decided_by,
                "decision": decision,
            },
        )


def seed_outbox(demo: DemoBuilder, returns: list[ReturnPlan]) -> None:
    """One message sent, one queued and one that bounced, each about a real order or return."""
    delivered = max(demo.delivered_orders(), key=lambda plan: plan.values["delivered_at"])
    delivered_at = delivered.values["delivered_at"]
    _message(
        demo,
        delivered.values,
        f"Your order {delivered.order_id} has been delivered",
        "We hope you enjoy it. Tell us how we did: a short survey follows tomorrow.",
        delivered.order_id,
        delivered_at,
        status=MESSAGE_STATUS.sent,
        attempts=1,
        sent_at=delivered_at + timedelta(minutes=1),
    )
    newest = demo.orders[-1]
    _message(
        demo,
        newest.values,
        f"We have received your order {newest.order_id}",
        "Thank you! We will let you know as soon as it ships.",
        newest.order_id,
        newest.values["created_at"] + timedelta(minutes=1),
        status=MESSAGE_STATUS.queued,
    )
    exchange = next(plan for plan in returns if plan.status == RETURN_STATUS.approved)
    assert exchange.record is not None, "seed_returns runs first"
    exchanged = exchange.order.values
    _message(
        demo,
        exchanged,
        "Your exchange has been approved",
        "Please send the item back with the enclosed label; the replacement ships when it arrives.",
        exchange.record.return_id,
        demo.between(exchange.record.requested_at, 0.2),
        status=MESSAGE_STATUS.failed,
        attempts=3,
        error=f"550 5.1.1 <{exchanged['customer_email']}>: Recipient address rejected: mailbox unavailable",
    )


def _alert_low_stock(demo: DemoBuilder, stock: StockRows, first_seen: datetime) -> None:
    sku, location = LOW_STOCK_ALERT_ROW
    row = stock[sku, location]
    ref = f"{sku}@{row.location_id}"
    demo.add(
        ALERTS,
        {
            "key": f"{ALERT_LOW_STOCK}:{ref}",
            "kind": ALERT_LOW_STOCK,
            "severity": SEVERITY.warning,
            "ref": ref,
            "message": f"{demo.products[sku].name}: {row.on_hand - row.reserved} available at "
            f"{demo.location_names[location]}, minimum {row.min_qty}",
            "owner_role": ROLE.manager,
            "status": ALERT_STATUS.open,
            "first_seen": first_seen,
            "last_seen": demo.now,
        },
    )


def _alert_unpaid_order(demo: DemoBuilder) -> None:
    unpaid = [plan for plan in demo.orders if plan.values["payment_status"] == PAYMENT.pending]
    oldest = min(unpaid, key=lambda plan: plan.values["created_at"])
    created = oldest.values["created_at"]
    limit = declared_default("unpaid_timeout_hours")
    waited = int((demo.now - created) / timedelta(hours=1))
    demo.add(
        ALERTS,
        {
            "key": f"{ALERT_UNPAID}:{oldest.order_id}",
            "kind": ALERT_UNPAID,
            "severity": SEVERITY.breach,
            "ref": oldest.order_id,
            "message": f"Order {oldest.order_id} from {oldest.values['customer_name']} "
            f"unpaid for {waited} hours (limit {limit})",
            "owner_role": ROLE.staff,
            "status": ALERT_STATUS.open,
            "first_seen": created + timedelta(hours=limit),
            "last_seen": demo.now,
        },
    )


def _alert_resolved_by_transfer(demo: DemoBuilder, transfer: Record) -> None:
    ref = f"{transfer.sku}@{transfer.to_location}"
    demo.add(
        ALERTS,
        {
            "key": f"{ALERT_LOW_STOCK}:{ref}",
            "kind": ALERT_LOW_STOCK,
            "severity": SEVERITY.warning,
            "ref": ref,
            "message": f"{demo.products[transfer.sku].name}: below minimum at {demo.location_names['store']}",
            "owner_role": ROLE.manager,
            "status": ALERT_STATUS.resolved,
            "first_seen": transfer.requested_at - timedelta(days=1),
            "last_seen": transfer.received_at,
            "resolved_at": transfer.received_at,
        },
    )


def _message(
    demo: DemoBuilder,
    order_values: dict[str, Any],
    subject: str,
    body: str,
    ref: str,
    created_at: datetime,
    *,
    status: str,
    attempts: int = 0,
    sent_at: datetime | None = None,
    error: str | None = None,
) -> None:
    """An e-mail to the customer named in an order's planned values."""
    demo.add(
        OUTBOX,
        {
            "created_at": created_at,
            "to": order_values["customer_email"],
            "subject": subject,
            "body": f"Dear {order_values['customer_name']},\n\n{body}\n\n{SIGNATURE}",
            "ref": ref,
            "status": status,
            "attempts": attempts,
            "sent_at": sent_at,
            "error": error,
        },
    )
