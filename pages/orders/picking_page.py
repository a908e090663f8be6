"""The batch pick list: per location, each SKU once with the total to take and the orders it is for."""

from __future__ import annotations

from nicegui import ui

from i18n import N_, _
from pages.common import call
from processes import orders

CHOICES = {"picking": N_("Orders being picked"), "picking+paid": N_("Being picked, and paid ones waiting")}


class BatchPickView:
    def __init__(self) -> None:
        self.tables: dict[str, ui.table] = {}

    def build(self) -> None:
        self.choice = ui.select(
            {key: _(label) for key, label in CHOICES.items()},
            value="picking",
            label=_("Orders"),
            on_change=self.refresh,
        ).classes("w-80")
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        states = ("picking", "paid") if self.choice.value == "picking+paid" else ("picking",)
        ok, groups = await call(orders.batch_pick_list, states)
        if not ok:
            return
        self.body.clear()
        self.tables = {}
        with self.body:
            if not groups:
                ui.label(_("Nothing to pick.")).classes("text-slate-500")
                return
            columns = [
                {"name": "sku", "label": _("SKU"), "field": "sku", "align": "left"},
                {"name": "name", "label": _("Product"), "field": "name", "align": "left"},
                {"name": "qty", "label": _("Take"), "field": "qty"},
                {"name": "orders", "label": _("For orders"), "field": "orders", "align": "left"},
            ]
            for group in groups:
                ui.label(
                    f"{group.location_name} ({group.location_id})"
                    if group.location_id
                    else group.location_name
                ).classes("font-semibold")
                rows = [
                    {"sku": item.sku, "name": item.name, "qty": item.qty, "orders": ", ".join(item.orders)}
                    for item in group.items
                ]
                self.tables[group.location_id] = (
                    ui.table(columns=columns, rows=rows, row_key="sku")
                    .props("dense flat bordered hide-pagination :rows-per-page-options=[0]")
                    .classes("w-full max-w-4xl")
                )
