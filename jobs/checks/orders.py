"""Orders: unpaid too long, paid but not shipped too long, shipped without a tracking number."""

from __future__ import annotations

from i18n import _
from processes.channels.words import shop_payment_word
from processes.orders.procedure import (
    OPEN_STATES,
    ORDER,
    ORDER_NO_TRACKING,
    ORDER_UNPAID,
    ORDER_UNSHIPPED,
    PAID,
    PAYMENT_PENDING,
)
from sheets.tabs import ORDERS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import hours, shown, waited


def check_orders(snapshot: Snapshot) -> list[Effect]:
    df = snapshot.df(ORDERS)
    now = snapshot.now
    open_orders = df["status"].isin(OPEN_STATES)
    effects: list[Effect] = []

    limit = snapshot.setting(ORDER_UNPAID.setting)
    unpaid = df[
        open_orders & (df["payment_status"] == PAYMENT_PENDING) & waited(df["created_at"], now, limit)
    ]
    columns = ["order_id", "customer_name", "created_at", "channel", "external_ref"]
    for order_id, customer, created, channel, ref in unpaid[columns].itertuples(index=False):
        said = _(
            "Order {order_id} from {customer} unpaid since {shown} (limit {hours})",
            order_id=order_id,
            customer=customer,
            shown=shown(created),
            hours=hours(limit),
        )
        shop = snapshot.shop_reports.get((channel, ref))
        if shop is not None:  # the payment check asked the shop: say what it answered
            said += _("; the shop reports: {payment}", payment=shop_payment_word(shop.financial))
        effects.append(
            alert(ORDER_UNPAID.kind, order_id, ORDER_UNPAID.severity, said, ORDER_UNPAID.owner_role)
        )

    limit = snapshot.setting(ORDER_UNSHIPPED.setting)
    unshipped = df[open_orders & df["payment_status"].isin(PAID) & waited(df["paid_at"], now, limit)]
    for order_id, customer, paid in unshipped[["order_id", "customer_name", "paid_at"]].itertuples(
        index=False
    ):
        effects.append(
            alert(
                ORDER_UNSHIPPED.kind,
                order_id,
                ORDER_UNSHIPPED.severity,
                _(
                    "Order {order_id} from {customer} paid {shown} and not shipped (limit {hours})",
                    order_id=order_id,
                    customer=customer,
                    shown=shown(paid),
                    hours=hours(limit),
                ),
                ORDER_UNSHIPPED.owner_role,
            )
        )

    untracked = df[(df["status"] == ORDER.transition("ship").target) & df["tracking_no"].isna()]
    for order_id, carrier in untracked[["order_id", "carrier"]].itertuples(index=False):
        effects.append(
            alert(
                ORDER_NO_TRACKING.kind,
                order_id,
                ORDER_NO_TRACKING.severity,
                _(
                    "Order {order_id} is shipped with {carrier} but has no tracking number",
                    order_id=order_id,
                    carrier=carrier,
                )
                if carrier
                else _("Order {order_id} is shipped but has no tracking number", order_id=order_id),
                ORDER_NO_TRACKING.owner_role,
            )
        )
    return effects
