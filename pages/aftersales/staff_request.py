"""Staff record a return or exchange a customer asked for by phone or email: the same rule as the public page."""

from __future__ import annotations

from nicegui import ui

from i18n import _
from pages.common import attempt
from processes import aftersales, runtime
from processes.permissions import Actor

from .customer import KIND_CHOICES


class StaffRequestForm:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    async def build(self) -> None:
        reasons = await attempt(aftersales.offered_reasons, runtime.workbook()) or []
        with ui.expansion(_("Record a customer's request"), icon="add").classes("w-full border rounded"):
            with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes(
                "w-full gap-x-4 gap-y-1 p-2"
            ):
                self.order_id = ui.input(_("Order")).props("maxlength=64")
                self.sku = ui.input(_("Item (SKU)")).props("maxlength=64")
                self.qty = ui.input(_("Quantity"), value="1").props("maxlength=6 inputmode=numeric")
                self.kind = ui.select(
                    {kind: _(label) for kind, label in KIND_CHOICES.items()},
                    label=_("Return or exchange"),
                    value="return",
                )
                self.exchange_sku = ui.input(_("Exchange for (SKU, blank: the same item)")).props(
                    "maxlength=64"
                )
                self.exchange_sku.bind_visibility_from(self.kind, "value", value="exchange")
                self.reason = ui.select(
                    {r: _(r) for r in reasons}, label=_("Reason"), value=next(iter(reasons), None)
                )
            self.details = (
                ui.textarea(_("Tell us more (optional)")).props("maxlength=500").classes("w-full px-2")
            )
            ui.button(_("Record the request"), on_click=self.record).classes("m-2")

    async def record(self) -> None:
        made = await attempt(
            aftersales.request_return_for,
            runtime.workbook(),
            self.order_id.value or "",
            aftersales.Asked(
                sku=self.sku.value or "",
                qty=self.qty.value or "",
                kind=self.kind.value or "",
                reason=self.reason.value or "",
                details=self.details.value or "",
                exchange_sku=(self.exchange_sku.value or "") if self.kind.value == "exchange" else "",
            ),
            by=self.actor,
        )
        if made is not None:
            ui.notify(
                _("Request {return_id} recorded; the customer is told.", return_id=made.return_id),
                type="positive",
            )
            ui.navigate.to(f"/returns/{made.return_id}")
