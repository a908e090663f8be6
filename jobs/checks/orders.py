"""Orders: unpaid too long, paid but not shipped too long, shipped without a tracking number."""

from __future__ import annotations

from processes.orders.procedure import OPEN_STATES, ORDER_NO_TRACKING, ORDER_UNPAID, ORDER_UNSHIPPED, PAID
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
    unpaid = df[open_orders & (df["payment_status"] == "pending") & waited(df["created_at"], now, limit)]
    for order_id, customer, created in unpaid[["order_id", "customer_name", "created_at"]].itertuples(
        index=False
    ):
        effects.append(
            alert(
                ORDER_UNPAID.kind,
                order_id,
                ORDER_UNPAID.severity,
                f"Order {order_id} from {customer} unpaid since {shown(created)} (limit {hours(limit)})",
                ORDER_UNPAID.owner_role,
            )
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
                f"Order {order_id} from {customer} paid {shown(paid)} and not shipped (limit {hours(limit)})",
                ORDER_UNSHIPPED.owner_role,
            )
        )

    untracked = df[(df["status"] == "shipped") & df["tracking_no"].isna()]
    for order_id, carrier in untracked[["order_id", "carrier"]].itertuples(index=False):
        effects.append(
            alert(
                ORDER_NO_TRACKING.kind,
                order_id,
                ORDER_NO_TRACKING.severity,
                f"Order {order_id} is shipped{f' with {carrier}' if carrier else ''} but has no tracking number",
                ORDER_NO_TRACKING.owner_role,
            )
        )
    return effects
