"""After-sales: a return awaiting review too long; an approved refund not paid too long."""

from __future__ import annotations

from i18n import _
from processes.aftersales.procedures import REFUND, REFUND_LATE, RETURN, RETURN_REVIEW_LATE
from sheets.tabs import RETURNS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import hours, shown, waited


def check_aftersales(snapshot: Snapshot) -> list[Effect]:
    df = snapshot.df(RETURNS)
    effects: list[Effect] = []

    limit = snapshot.setting(RETURN_REVIEW_LATE.setting)
    to_review = df["status"].isin(RETURN.group("waiting_on_review"))
    waiting = df[to_review & waited(df["requested_at"], snapshot.now, limit)]
    for return_id, order_id, requested in waiting[["return_id", "order_id", "requested_at"]].itertuples(
        index=False
    ):
        effects.append(
            alert(
                RETURN_REVIEW_LATE.kind,
                return_id,
                RETURN_REVIEW_LATE.severity,
                _(
                    "Return {return_id} (order {order_id}) requested {shown} awaits review (limit {hours})",
                    return_id=return_id,
                    order_id=order_id,
                    shown=shown(requested),
                    hours=hours(limit),
                ),
                RETURN_REVIEW_LATE.owner_role,
            )
        )

    # Approved refunds wait since the return was last changed through the app (the approval).
    limit = snapshot.setting(REFUND_LATE.setting)
    to_pay = df["refund_status"].isin(REFUND.transition("pay_refund").sources)
    unpaid = df[to_pay & waited(df["updated_at"], snapshot.now, limit)]
    for return_id, amount, since in (
        unpaid[["return_id", "refund_amount", "updated_at"]]
        .fillna({"refund_amount": 0})
        .itertuples(index=False)
    ):
        effects.append(
            alert(
                REFUND_LATE.kind,
                return_id,
                REFUND_LATE.severity,
                _(
                    "Refund of {amount:g} for return {return_id} approved {shown} is not paid (limit {hours})",
                    amount=amount,
                    return_id=return_id,
                    shown=shown(since),
                    hours=hours(limit),
                ),
                REFUND_LATE.owner_role,
            )
        )
    return effects
