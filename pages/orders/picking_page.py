"""The batch pick list: per location, bin by bin, each SKU once with the total to take and the orders it is for.

The picker scans each unit as it is taken: a scan counts one unit of the first
line of that product with room left, ticks the line when its total is reached,
and warns (low beep, two buzzes) on a product that is not on the list or one
already taken in full. The counts stay in the browser until the list is done.
"""

from __future__ import annotations

from nicegui import ui

from i18n import N_, _
from pages.common import call
from pages.responsive import cards_on_phones
from pages.scan_field import ScanField, ScanMemory, announce
from processes import orders, scanning
from processes.orders import BatchGroup
from processes.scanning import CodeBook, Tally

CHOICES = {"picking": N_("Orders being picked"), "picking+paid": N_("Being picked, and paid ones waiting")}


def _key(location_id: str, sku: str) -> str:
    return f"{location_id}|{sku}"


class BatchPickView:
    def __init__(self) -> None:
        self.tables: dict[str, ui.table] = {}
        self.groups: list[BatchGroup] = []
        self.tally = Tally()
        self.book = CodeBook()

    def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            self.choice = ui.select(
                {key: _(label) for key, label in CHOICES.items()},
                value="picking",
                label=_("Orders"),
                on_change=self.refresh,
            ).classes("w-full sm:w-80")
            self.printable = ui.link(
                _("Printable pick list"), "/orders/picking/print?states=picking", new_tab=True
            )
        self.scan = ScanField(self.scanned)
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    @property
    def states(self) -> tuple[str, ...]:
        return ("picking", "paid") if self.choice.value == "picking+paid" else ("picking",)

    async def refresh(self) -> None:
        ok, groups = await call(orders.batch_pick_list, self.states)
        if not ok:
            return
        _ok, book = await call(scanning.code_book)
        self.book = book or CodeBook()
        self.groups = groups
        self.printable.props(f'href="/orders/picking/print?states={"+".join(self.states)}"')
        expected = {_key(g.location_id, item.sku): item.qty for g in groups for item in g.items}
        self.tally = Tally(expected=expected)
        self.memory = ScanMemory(f"pick:{'+'.join(self.states)}")
        self.memory.restore(self._take_back)
        self._draw()

    def _take_back(self, kept: dict) -> None:
        self.tally.take_back(kept, known=self.tally.expected)
        self._draw()

    def _draw(self) -> None:
        self.body.clear()
        self.tables = {}
        with self.body:
            if not self.groups:
                ui.label(_("Nothing to pick.")).classes("text-slate-500")
                return
            columns = [
                {"name": "bin", "label": _("Bin"), "field": "bin", "align": "left"},
                {"name": "sku", "label": _("SKU"), "field": "sku", "align": "left"},
                {"name": "name", "label": _("Product"), "field": "name", "align": "left"},
                {"name": "qty", "label": _("Take"), "field": "qty"},
                {"name": "picked", "label": _("Scanned"), "field": "picked"},
                {"name": "orders", "label": _("For orders"), "field": "orders", "align": "left"},
            ]
            for group in self.groups:
                ui.label(
                    f"{group.location_name} ({group.location_id})"
                    if group.location_id
                    else group.location_name
                ).classes("font-semibold")
                rows = [self._row(group.location_id, item) for item in group.items]
                table = ui.table(columns=columns, rows=rows, row_key="key")
                table.props(
                    "dense flat bordered hide-pagination :rows-per-page-options=[0] "
                    ":table-row-class-fn=\"row => row.done ? 'bg-green-1' : ''\""
                ).classes("w-full max-w-4xl")
                self.tables[group.location_id] = cards_on_phones(table, flag="done", flag_class="bg-green-1")

    def _row(self, location_id: str, item) -> dict:
        key = _key(location_id, item.sku)
        picked = self.tally.counted(key)
        return {
            "key": key,
            "bin": item.bin,
            "sku": item.sku,
            "name": item.name,
            "qty": item.qty,
            "picked": f"✓ {picked}" if picked >= item.qty else str(picked),
            "done": picked >= item.qty,
            "orders": ", ".join(item.orders),
        }

    async def scanned(self, code: str, qty: int) -> None:
        sku = self.book.product(code)
        keys = (
            [_key(g.location_id, sku) for g in self.groups if any(i.sku == sku for i in g.items)]
            if sku
            else []
        )
        if sku is None:
            outcome, key = scanning.Outcome.UNKNOWN, ""
        else:
            outcome, key = self.tally.add_to_first(keys, qty)
        name = self.book.name(sku) if sku else code
        announce(
            self.scan,
            outcome,
            code=code,
            name=name,
            counted=self.tally.counted(key) if key else 0,
            wanted=self.tally.expected.get(key),
        )
        if outcome.good:
            self.memory.keep(self.tally.kept())
            self._draw()
            if self.tally.complete:
                self.scan.good(_("Everything on the list is picked."))
