"""One return: what was asked and decided, and a form for each step the user may take now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from nicegui import ui

import i18n
from i18n import N_, _
from i18n.formatting import when
from pages.common import background, fact_link
from pages.common import fact as common_fact
from pages.frame import show_error
from pages.steps_panel import StepsPanel
from processes import SheetError, aftersales, runtime
from processes.aftersales import REFUND, RETURN, ReturnView
from processes.aftersales.procedures import NO_REFUND
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.procedure import Transition

from .paths import photo_path

DISPOSITION_CHOICES = {"restock": N_("Restock"), "write_off": N_("Write off")}


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def fact(label: str, value: Any) -> None:
    common_fact(label, shown(value), "w-40")


def difference_for_staff(difference: float) -> str:
    """An exchange's price difference, and what it means for the settlement."""
    if difference > 0:
        return _("{amount:,.2f}: the customer pays it on the replacement order", amount=difference)
    if difference < 0:
        return _(
            "{amount:,.2f}: refunded to the customer once the replacement is created", amount=-difference
        )
    return _("none: the replacement is free")


#: What a step did, in a word for the notification.
DONE = {
    "approve_refund": N_("Refund approved"),
    "pay_refund": N_("Refund paid"),
    "exchange": N_("Replacement order created"),
}


class ReturnPage:
    def __init__(self, actor: Actor, return_id: str) -> None:
        self.actor = actor
        self.return_id = return_id
        self.view: ReturnView | None = None

    async def build(self) -> None:
        ui.link(_("All returns"), "/returns").classes("text-sm")
        self.body = ui.column().classes("w-full gap-4")
        await self.refresh()

    async def refresh(self) -> None:
        try:
            view = await background(aftersales.return_view, runtime.workbook(), self.return_id, self.actor)
        except (ProcessError, SheetError) as error:
            self.body.clear()
            with self.body:
                ui.label(str(error)).classes("text-negative")
            return
        self.view = view
        self.body.clear()
        with self.body:
            self._facts(view)
            self._steps(view)

    async def _act(self, action: Callable[..., Any], *args: Any, done: str, **kwargs: Any) -> None:
        """Run a step's rule off the event loop on the record as shown; a refusal is shown, the form kept."""
        try:
            await background(action, runtime.workbook(), self.return_id, *args, by=self.actor, **kwargs)
        except (ProcessError, SheetError) as refusal:
            show_error(str(refusal))
            return
        ui.notify(_(done), type="positive")
        await self.refresh()

    # --- what is known ------------------------------------------------------------------

    def _facts(self, view: ReturnView) -> None:
        ret, order = view.ret, view.order
        with ui.row().classes("items-center gap-3"):
            ui.label(f"{i18n.value(ret.kind or 'return').capitalize()} {ret.return_id}").classes(
                "text-xl font-semibold"
            )
            ui.badge(i18n.value(ret.status or "")).props("outline")
        with ui.card().classes("w-full gap-1"):
            if order is not None:
                fact("Order", f"{order.external_ref or order.order_id} ({order.order_id})")
                fact("Customer", f"{order.customer_name} <{order.customer_email or _('no email')}>")
                fact("Delivered", order.delivered_at)
                fact("Payment", i18n.value(order.payment_status or ""))
            else:
                fact("Order", _("{order_id} (no longer in Orders)", order_id=ret.order_id))
            fact("Item", f"{ret.qty} x {view.item}")
            if view.exchange_item:
                fact("Exchange for", f"{ret.qty} x {view.exchange_item}")
                fact("Price difference", difference_for_staff(ret.price_difference or 0.0))
            fact("Reason", ret.reason)
            fact("Requested", ret.requested_at)
            if ret.reviewed_by:
                fact("Reviewed by", ret.reviewed_by)
                fact("Note to the customer", ret.decision_note)
            if ret.disposition:
                fact("Inspection", ret.inspection_notes)
                fact(
                    "Goods",
                    _(
                        "{disposition}: {count} restocked",
                        disposition=_(DISPOSITION_CHOICES.get(ret.disposition, ret.disposition)),
                        count=ret.restock_qty or 0,
                    ),
                )
            if ret.refund_status and ret.refund_status != NO_REFUND:
                fact("Refund", f"{shown(ret.refund_amount)} · {i18n.value(ret.refund_status)}")
                if ret.refund_ref:
                    fact(
                        "Refund reference",
                        _("{ref} on {day}", ref=ret.refund_ref, day=shown(ret.refunded_at)),
                    )
            if view.photos:
                self._photos(view)
            if ret.replacement_order_id:
                fact_link("Replacement order", ret.replacement_order_id, "w-40").mark("replacement-order")

    def _photos(self, view: ReturnView) -> None:
        with ui.row().classes("gap-2 items-start"):
            ui.label(_("Photos")).classes("text-sm text-slate-500 w-40")
            for name in view.photos:
                with ui.link(target=photo_path(view.ret.return_id, name), new_tab=True).mark(f"photo-{name}"):
                    ui.image(photo_path(view.ret.return_id, name)).classes("w-32 h-32 rounded border").props(
                        f'alt="{name}" fit=cover'
                    )

    # --- what can be done now -----------------------------------------------------------

    def _steps(self, view: ReturnView) -> None:
        """The steps of the return and of its refund: the panel draws them, this page's own forms the first ones."""

        def review(step: Transition) -> None:  # one form for both approving and rejecting
            self._review({t.action: t for t in view.steps})

        extras = {
            "approve": review,
            "reject": review,
            "receive": lambda step: self._receive(view, step),
            "refund": lambda step: self._refund(view),
        }
        fields = {
            "refund_ref": lambda: ui.input(_("Payment reference")).props("maxlength=100").classes("w-64")
        }
        StepsPanel(
            (RETURN, REFUND),
            view.ret,
            self.actor,
            on_done=self.refresh,
            extras=extras,
            fields=fields,
            title="",
            notice=lambda step: _(DONE.get(step.action, N_("Done"))),
        ).draw()
        if view.ret.refund_status in REFUND.group("waiting_on_manager") and not any(
            t.action == "approve_refund" for t in view.steps
        ):
            ui.label(
                _(
                    "The refund of {shown} is above the limit of {refund_limit:,.2f}: it waits for a manager's approval.",
                    shown=shown(view.ret.refund_amount),
                    refund_limit=view.refund_limit,
                )
            ).classes("text-slate-600")
        if not view.steps and view.ret.status in RETURN.group("finished"):
            ui.label(
                _(
                    "This {value} is {status}; nothing is left to do.",
                    value=i18n.value(view.ret.kind or "return"),
                    status=i18n.value(view.ret.status or ""),
                )
            ).classes("text-slate-600")

    def _review(self, actions: dict) -> None:
        base = self.view.ret
        with ui.card().classes("w-full max-w-xl gap-2"):
            ui.label(_("Review the request")).classes("font-semibold")
            for item in actions.get("approve", actions.get("reject")).checklist:
                ui.label(f"• {_(item)}").classes("text-sm")
            note = ui.textarea(_("Note to the customer")).props("maxlength=1000").classes("w-full")
            with ui.row().classes("gap-2"):
                if "approve" in actions:
                    ui.button(
                        _(actions["approve"].label),
                        on_click=lambda: self._act(
                            aftersales.approve_return,
                            note=note.value or "",
                            base=base,
                            done=N_("Request approved"),
                        ),
                    )
                if "reject" in actions:
                    ui.button(
                        _(actions["reject"].label),
                        on_click=lambda: self._act(
                            aftersales.reject_return,
                            note=note.value or "",
                            base=base,
                            done=N_("Request rejected"),
                        ),
                    ).props("color=negative outline")

    def _receive(self, view: ReturnView, step) -> None:
        order_location = view.order.location_id if view.order is not None else None
        with ui.card().classes("w-full max-w-xl gap-2"):
            ui.label(_(step.label)).classes("font-semibold")
            for item in step.checklist:
                ui.label(f"• {_(item)}").classes("text-sm")
            notes = ui.textarea(_("Inspection notes")).props("maxlength=1000").classes("w-full")
            disposition = ui.select(
                {key: _(label) for key, label in DISPOSITION_CHOICES.items()},
                label=_("Restock or write off"),
                value="restock",
            )
            disposition.classes("w-48")
            location = ui.select(
                view.locations,
                label=_("Back to location"),
                value=order_location if order_location in view.locations else None,
            ).classes("w-64")
            qty = ui.input(_("Quantity restocked"), value=str(view.ret.qty)).classes("w-40")
            location.bind_visibility_from(disposition, "value", value="restock")
            qty.bind_visibility_from(disposition, "value", value="restock")
            ui.button(
                _("Record the inspection"),
                on_click=lambda: self._act(
                    aftersales.receive_return,
                    inspection_notes=notes.value or "",
                    disposition=disposition.value or "",
                    restock_qty=qty.value,
                    location_id=location.value,
                    base=view.ret,
                    done=N_("Goods received"),
                ),
            )

    def _refund(self, view: ReturnView) -> None:
        most = view.refundable.most if view.refundable else 0.0
        with ui.card().classes("w-full max-w-xl gap-2"):
            ui.label(_("Refund")).classes("font-semibold")
            ui.label(
                _(
                    "At most {most:,.2f} (the exchange's price difference). Above {refund_limit:,.2f} a manager approves it.",
                    most=most,
                    refund_limit=view.refund_limit,
                )
                if view.exchange_item
                else _(
                    "At most {most:,.2f} (what the customer paid for these items, less earlier refunds). Above {refund_limit:,.2f} a manager approves it.",
                    most=most,
                    refund_limit=view.refund_limit,
                )
            ).classes("text-sm")
            amount = (
                ui.input(_("Refund amount"), value=f"{most:.2f}").props("inputmode=decimal").classes("w-40")
            )
            ui.button(
                _("Set the refund"),
                on_click=lambda: self._act(
                    aftersales.set_refund, amount=amount.value, base=view.ret, done=N_("Refund set")
                ),
            )
