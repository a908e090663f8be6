"""Inventory pages: the stock view, stocktakes (blind count, then a manager's approval) and transfers.

Every rule lives in processes.inventory; these pages show what it answers and
offer only the steps its procedures allow from each record's state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, call, pager, when
from pages.frame import frame, show_error
from pages.responsive import cards_on_phones, touch
from pages.scan_count import ScanCount
from pages.scan_field import ScanField, ScanMemory, announce
from pages.steps_panel import StepsPanel, input_label
from processes import inventory, master_data, scanning
from processes.inventory import (
    COUNT_CHECKLIST,
    STOCKTAKE,
    TRANSFER,
    VIEWS,
    CountLine,
    CountSheet,
    StockQuery,
    TransferLine,
    TransferQuery,
    Variance,
)
from processes.permissions import Actor, Permission
from processes.procedure import Transition
from processes.scanning import CodeBook, Outcome


def register() -> None:
    @ui.page("/inventory")
    async def stock_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Stock", actor):
            await StockView().build()

    @ui.page("/inventory/stocktake")
    async def stocktake_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Stocktake", actor):
            await StocktakeList(actor).build()

    @ui.page("/inventory/stocktake/{session_id}")
    async def count_page(session_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Stocktake {session_id}", session_id=session_id), actor):
            CountView(session_id, actor).build()

    @ui.page("/inventory/transfers")
    async def transfers_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Transfers", actor):
            await TransfersView(actor).build()


# the stock view --------------------------------------------------------------

STOCK_COLUMNS = (
    ("sku", N_("SKU")),
    ("name", N_("Product")),
    ("location", N_("Location")),
    ("on_hand", N_("On hand")),
    ("reserved", N_("Reserved")),
    ("available", N_("Available")),
    ("min_qty", N_("Min")),
    ("max_qty", N_("Max")),
    ("incoming", N_("Incoming")),
    ("last_counted", N_("Last counted")),
    ("flag", ""),
)


class StockView(ServerList):
    def __init__(self) -> None:
        self.query = StockQuery()

    async def build(self) -> None:
        ok, locations = await call(master_data.choices, master_data.LOCATION, active_only=False)
        with ui.row().classes("w-full items-end gap-4"):
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            ui.select(locations or {}, label=_("Location"), on_change=self._on_location).props(
                "dense clearable"
            ).classes("w-56")
            ui.checkbox(_("Below min only"), on_change=self._on_below_min)
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    async def _on_location(self, event) -> None:
        await self._ask(location_id=event.value or None)

    async def _on_below_min(self, event) -> None:
        await self._ask(below_min_only=bool(event.value))

    async def refresh(self) -> None:
        page = await self.newest(inventory.stock_page)
        if page is None:
            return
        self.body.clear()
        with self.body:
            if page.issues:
                ui.label(
                    ngettext(
                        "{count} stock row could not be read and is not shown; see Data issues.",
                        "{count} stock rows could not be read and are not shown; see Data issues.",
                        len(page.issues),
                    )
                )
            if not page.total:
                ui.label(
                    _(
                        "No stock matches. Stock rows appear when goods are received on a purchase order, "
                        "or when a person adds them to the Stock tab."
                    )
                ).classes("text-slate-500")
                return
            columns = [
                {"name": name, "label": _(label), "field": name, "align": "left"}
                for name, label in STOCK_COLUMNS
            ]
            rows = [
                {
                    "key": f"{line.sku}@{line.location_id}",
                    "sku": line.sku,
                    "name": line.name,
                    "location": line.location_name,
                    "on_hand": line.on_hand,
                    "reserved": line.reserved,
                    "available": line.available,
                    "min_qty": line.min_qty,
                    "max_qty": line.max_qty or "",
                    "incoming": line.incoming or "",
                    "last_counted": when(line.last_counted_at),
                    "flag": _("below min") if line.below_min else "",
                    "below_min": line.below_min,
                }
                for line in page.lines
            ]
            stock_table = ui.table(columns=columns, rows=rows, row_key="key").props(
                "dense flat bordered hide-pagination :rows-per-page-options=[0] "
                ":table-row-class-fn=\"row => row.below_min ? 'bg-red-1 text-negative text-weight-medium' : ''\""
            )
            cards_on_phones(stock_table.classes("w-full"), flag="below_min")
            pager(
                page.page,
                page.pages,
                ngettext(
                    "{count:,} row · {below_min} below min",
                    "{count:,} rows · {below_min} below min",
                    page.total,
                    below_min=page.below_min,
                ),
                lambda number: self._ask(page=number),
            )


# stocktake -------------------------------------------------------------------


class StocktakeList:
    """Start a count for a location; the sessions, unfinished first."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    async def build(self) -> None:
        ok, locations = await call(master_data.choices, master_data.LOCATION)
        with ui.card().classes("w-full max-w-xl gap-2"):
            ui.label(_("Start a stocktake")).classes("font-semibold")
            ui.label(
                _("Counters get a blind checklist: they never see the quantity the book expects.")
            ).classes("text-sm text-slate-600")
            with ui.row().classes("items-end gap-2"):
                self.location = ui.select(locations or {}, label=_("Location to count")).classes("w-64")
                ui.button(_("Start count"), on_click=self.start)
        self.body = ui.column().classes("w-full gap-1")
        ui.timer(0, self.refresh, once=True)

    async def start(self) -> None:
        if not self.location.value:
            show_error(_("Choose the location to count."))
            return
        ok, session_id = await call(inventory.start_stocktake, self.location.value, by=self.actor)
        if ok:
            ui.navigate.to(f"/inventory/stocktake/{session_id}")

    async def refresh(self) -> None:
        ok, sessions = await call(inventory.stocktake_sessions)
        if not ok:
            return
        self.body.clear()
        with self.body:
            if not sessions:
                ui.label(_("No stocktakes yet. Choose a location above and press Start count.")).classes(
                    "text-slate-500"
                )
            for session in sessions:
                with ui.row().classes("w-full items-center gap-4 border-b py-1"):
                    ui.link(session.session_id, f"/inventory/stocktake/{session.session_id}").classes("w-48")
                    ui.label(session.location_name).classes("w-48")
                    ui.label(_(session.status)).classes("w-36")
                    ui.label(
                        _(
                            "{value} of {lines} counted",
                            value=session.lines - session.open,
                            lines=session.lines,
                        )
                    ).classes("w-36")
                    ui.label(when(session.last_counted_at)).classes("text-slate-500")


class CountView:
    """The blind count sheet for everyone; the variances and the decision for those who approve."""

    def __init__(self, session_id: str, actor: Actor) -> None:
        self.session_id = session_id
        self.actor = actor
        self.approver = actor.may(Permission.APPROVE_STOCK_ADJUSTMENT)
        self.inputs: dict[str, ui.input] = {}
        self.lines_by_sku: dict[str, CountLine] = {}
        self.book = CodeBook()
        self.place = ""

    def build(self) -> None:
        self.memory = ScanMemory(f"count:{self.session_id}")
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        ok, sheet = await call(inventory.count_sheet, self.session_id)
        if ok:
            _ok, book = await call(scanning.code_book, sheet.location_id)
            self.book = book or CodeBook()
        if not ok:
            self.body.clear()
            with self.body:
                ui.label(_("Stocktake {session_id} could not be shown.", session_id=self.session_id)).classes(
                    "text-slate-500"
                )
                ui.link(_("All stocktakes"), "/inventory/stocktake")
            return
        shown: list[Variance] | None = []
        if self.approver:
            _ok, shown = await call(inventory.variances, self.session_id, by=self.actor)
        self.body.clear()
        with self.body:
            ui.label(
                _(
                    "Counting {location_name} ({location_id})",
                    location_name=sheet.location_name,
                    location_id=sheet.location_id,
                )
            ).classes("text-base")
            ui.link(_("All stocktakes"), "/inventory/stocktake").classes("text-sm")
            self._count_sheet(sheet)
            if shown:
                self._variances(shown)
            if self.approver and sheet.to_count:
                ui.button(
                    _("Close the stocktake without adjusting"),
                    on_click=lambda: self.decide("reject", None),
                ).props("flat color=negative").tooltip(
                    _("Rejects every line not yet decided; stock stays as it is")
                )

    def _count_sheet(self, sheet: CountSheet) -> None:
        self.inputs = {}
        self.lines_by_sku = {line.sku: line for line in sheet.to_count}
        if not sheet.to_count:
            self.memory.forget()
            ui.label(_("Every line of this stocktake is decided.")).classes("text-slate-500")
            return
        with ui.card().classes("w-full gap-2"):
            ui.label(_("Count sheet")).classes("font-semibold")
            for item in COUNT_CHECKLIST:
                ui.label(f"☐ {_(item)}").classes("text-sm text-slate-600")
            ui.label(
                _(
                    "Scan each unit (or type how many, then scan one); scan a bin or the location first to say where you count."
                )
            ).classes("text-sm")
            self.scan = ScanField(self.scanned, quantity=True)
            for line in sheet.to_count:
                with ui.row().classes("w-full items-center gap-x-4 gap-y-0 border-b py-1"):
                    ui.label(line.sku).classes("w-32 font-medium")
                    ui.label(line.name).classes("w-full sm:w-56")
                    self.inputs[line.count_id] = (
                        ui.input(
                            _("Count of {sku}", sku=line.sku),
                            value="" if line.counted_qty is None else str(line.counted_qty),
                            placeholder=line.unit,
                            on_change=self._keep,
                        )
                        .props("dense inputmode=numeric")
                        .classes("w-36")
                    )
                    counted = line.counted_qty is not None
                    status = _("counted by {name}", name=line.counted_by or "?") if counted else _("to count")
                    ui.label(status).classes("text-sm text-slate-500")
            touch(ui.button(_("Save counts"), on_click=self.save_counts))
        self.memory.restore(self._take_back)

    async def scanned(self, code: str, qty: int) -> None:
        """One scan: that many more of the product on its line's count; a bin or location says where."""
        sku = self.book.product(code)
        line = self.lines_by_sku.get(sku) if sku else None
        if sku is None:
            place = self.book.place(code)
            if place is not None:
                self.place = place
                announce(self.scan, Outcome.PLACE, code=code, name=place)
            else:
                announce(self.scan, Outcome.UNKNOWN, code=code, name=code)
            return
        if line is None:
            announce(self.scan, Outcome.NOT_EXPECTED, code=code, name=self.book.name(sku))
            return
        field = self.inputs[line.count_id]
        typed = (field.value or "").strip()
        field.value = str((int(typed) if typed.isdigit() else 0) + qty)
        announce(self.scan, Outcome.COUNTED, code=code, name=line.name or sku, counted=int(field.value))

    def _keep(self) -> None:
        typed = {
            count_id: field.value for count_id, field in self.inputs.items() if (field.value or "").strip()
        }
        self.memory.keep({"counts": typed, "place": self.place})

    def _take_back(self, kept: dict) -> None:
        """The counts this browser kept for the session (unsaved when the connection dropped) go back in."""
        for count_id, value in (kept.get("counts") or {}).items():
            if count_id in self.inputs and str(value).strip():
                self.inputs[count_id].value = str(value)
        self.place = str(kept.get("place") or "")

    async def save_counts(self) -> None:
        typed = {
            count_id: field.value for count_id, field in self.inputs.items() if (field.value or "").strip()
        }
        if not typed:
            show_error(_("Enter at least one count before saving."))
            return
        ok, saved = await call(inventory.record_counts, self.session_id, typed, by=self.actor)
        if ok:  # a count saved twice is the same count: the line holds what was counted, not a sum
            self.memory.forget()
            ui.notify(ngettext("{count} count saved", "{count} counts saved", len(saved)), type="positive")
            await self.refresh()

    def _variances(self, shown: list[Variance]) -> None:
        offered = {entry.line.count_id: STOCKTAKE.steps_for(entry.line, self.actor) for entry in shown}
        waiting = [e.line for e in shown if any(t.action == "approve" for t in offered[e.line.count_id])]
        with ui.card().classes("w-full gap-2"):
            ui.label(_("Variances")).classes("font-semibold")
            for entry in shown:
                line = entry.line
                with ui.row().classes("w-full items-center gap-4 border-b py-1"):
                    ui.label(line.sku).classes("w-32 font-medium")
                    ui.label(entry.name).classes("w-48")
                    ui.label(_("book {book_qty}", book_qty=line.book_qty)).classes("w-24")
                    ui.label(_("counted {counted_qty}", counted_qty=line.counted_qty)).classes("w-28")
                    ui.label(_("variance {variance:+d}", variance=entry.variance)).classes(
                        "w-28 " + ("text-negative font-medium" if entry.variance else "text-slate-500")
                    )
                    # Only what the specification allows this login from the line's state; the count
                    # itself is the count sheet's, approving and rejecting decide lines as shown.
                    steps = [t for t in offered[line.count_id] if t.action != "count"]
                    for step in steps:
                        decided_here = step.action in ("approve", "reject")
                        ui.button(
                            _(step.label),
                            on_click=lambda line=line, step=step, here=decided_here: (
                                self.decide(step.action, [line]) if here else self.open_step(step, line)
                            ),
                        ).props("flat dense" + (" color=negative" if step.action == "reject" else "")).mark(
                            f"{step.action}-{line.sku}"
                        )
                    if not steps:
                        ui.label(
                            _(
                                "{status} by {value}",
                                status=i18n.value(STOCKTAKE.state_of(line)),
                                value=line.approved_by or "?",
                            )
                        ).classes("text-sm text-slate-500")
            if len(waiting) > 1:
                ui.button(
                    _("Approve all {len} counted lines", len=len(waiting)),
                    on_click=lambda: self.decide("approve", waiting),
                )

    def open_step(self, step: Transition, line: Mapping[str, Any]) -> None:
        """Any other step of a line, with its checklist and inputs, in a dialog."""
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-xl"):

            async def done() -> None:
                dialog.close()
                await self.refresh()

            StepsPanel(STOCKTAKE, line, self.actor, on_done=done, only=step.action, title="").draw()
        dialog.open()

    async def decide(self, verb: str, lines: Sequence[Mapping[str, Any]] | None) -> None:
        """Approve or reject `lines` as they were shown (None: every line still open to the decision)."""
        action = inventory.approve_counts if verb == "approve" else inventory.reject_counts
        ok, decided = await call(action, self.session_id, by=self.actor, loaded=lines)
        if ok:
            state = i18n.value(STOCKTAKE.transition(verb).target)
            ui.notify(
                ngettext("{count} line: {state}", "{count} lines: {state}", len(decided), state=state),
                type="positive",
            )
            await self.refresh()


# transfers -------------------------------------------------------------------


class TransfersView(ServerList):
    """Ask for a transfer; the transfers in a view, each with only the steps allowed from its state."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.query = TransferQuery()

    async def build(self) -> None:
        _ok, products = await call(master_data.choices, master_data.PRODUCT)
        _ok, locations = await call(master_data.choices, master_data.LOCATION)
        _ok, book = await call(scanning.code_book)
        self.book = book or CodeBook()
        with ui.card().classes("w-full gap-2"):
            ui.label(_("Request a transfer")).classes("font-semibold")
            with ui.row().classes("w-full items-end gap-2"):
                self.product = ui.select(products or {}, label=_("Product to move"), with_input=True).classes(
                    "w-64"
                )
                self.origin = ui.select(locations or {}, label=_("From location")).classes("w-56")
                self.destination = ui.select(locations or {}, label=_("To location")).classes("w-56")
                self.qty = ui.input(_("Quantity")).props("inputmode=numeric").classes("w-28")
                ui.button(_("Request transfer"), on_click=self.request)
        with ui.row().classes("w-full items-end gap-4"):
            ui.select(
                {view: i18n.value(view) for view in VIEWS},
                value=self.query.view,
                label=_("Show"),
                on_change=self._on_view,
            ).classes("w-40")
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
        self.body = ui.column().classes("w-full gap-1")
        ui.timer(0, self.refresh, once=True)

    async def request(self) -> None:
        missing = [
            name
            for name, field in (
                ("the product", self.product),
                ("where from", self.origin),
                ("where to", self.destination),
            )
            if not field.value
        ]
        if missing:
            show_error(_("Choose {join}.", join=", ".join(missing)))
            return
        ok, transfer = await call(
            inventory.request_transfer,
            sku=self.product.value,
            from_location=self.origin.value,
            to_location=self.destination.value,
            qty=self.qty.value,
            by=self.actor,
        )
        if ok:
            ui.notify(
                _("Transfer {transfer_id} requested", transfer_id=transfer.transfer_id), type="positive"
            )
            self.qty.value = ""
            await self.refresh()

    async def _on_view(self, event) -> None:
        await self._ask(view=event.value or "open")

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    async def refresh(self) -> None:
        page = await self.newest(inventory.transfer_page)
        if page is None:
            return
        self.body.clear()
        with self.body:
            if not page.total:
                ui.label(
                    _("No transfers to show. Move stock between locations with Request a transfer.")
                ).classes("text-slate-500")
                return
            for line in page.lines:
                self._row(line)
            pager(
                page.page,
                page.pages,
                ngettext("{count:,} transfer", "{count:,} transfers", page.total),
                lambda number: self._ask(page=number),
            )

    def _row(self, line: TransferLine) -> None:
        transfer = line.transfer
        status = TRANSFER.state_of(transfer)
        with ui.row().classes("w-full items-center gap-x-4 gap-y-1 border-b py-2"):
            ui.label(transfer.transfer_id).classes("w-44 font-mono text-sm")
            ui.label(f"{transfer.qty} × {transfer.sku} {line.name}").classes("w-64")
            ui.label(f"{line.from_name} → {line.to_name}").classes("w-64")
            ui.label(i18n.value(status)).classes("w-24")
            ui.label(f"{transfer.requested_by or ''} {when(transfer.requested_at)}").classes(
                "text-sm text-slate-500"
            )
            for step in TRANSFER.steps_for(transfer, self.actor):
                button = ui.button(_(step.label), on_click=lambda step=step: self.open_step(step, transfer))
                touch(button.props("outline")).mark(f"{step.action}-{transfer.transfer_id}")

    def open_step(self, step: Transition, transfer: Mapping[str, Any]) -> None:
        """The step's card (checklist, inputs such as the counted quantity) in a dialog, then its button."""
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-xl"):
            ui.label(f"{transfer['transfer_id']}: {transfer['qty']} × {transfer['sku']}").classes(
                "font-semibold"
            )

            counts: list[ScanCount] = []

            def by_scan() -> ScanCount:
                """What arrived, counted by scanning each unit (the count stays typed-in if preferred)."""
                counts.append(
                    ScanCount(
                        self.book,
                        transfer["sku"],
                        most=transfer["qty"],
                        memory_key=f"transfer:{transfer['transfer_id']}",
                        label=input_label("qty_received"),
                    )
                )
                return counts[-1]

            async def done() -> None:
                for count in counts:  # received once: the step is not offered again
                    count.saved()
                dialog.close()
                await self.refresh()

            fields = {"qty_received": by_scan} if step.action == "receive" else {}
            StepsPanel(
                TRANSFER, transfer, self.actor, on_done=done, only=step.action, title="", fields=fields
            ).draw()
        dialog.open()
