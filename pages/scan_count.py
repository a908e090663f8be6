"""A count of one product by scan, for a step that asks how many arrived (a delivery, a transfer).

Each scan of the product adds one unit (or the number typed before it); a
scan of any other product is refused as the wrong item, and a count past what
can arrive is refused too. The count stays editable by hand, and the browser
keeps it, with the session's key, until `saved()` is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from i18n import _
from pages.scan_field import ScanField, ScanMemory, announce
from processes.scanning import CodeBook, Tally


class ScanCount:
    """The scan field and the counted quantity of `sku`; `value` is the count, `key` the session's key."""

    def __init__(
        self,
        book: CodeBook,
        sku: str,
        *,
        most: int | None,
        memory_key: str,
        label: str,
        key: str | None = None,
        on_count: Callable[[int], Any] | None = None,
    ) -> None:
        self.book, self.sku, self.on_count = book, sku, on_count
        self.tally = Tally(expected={sku: most} if most else {}, **({"key": key} if key else {}))
        self.memory = ScanMemory(memory_key)
        with ui.column().classes("w-full gap-1"):
            self.scan = ScanField(self.scanned, quantity=True)
            self.count = (
                ui.number(label, min=0, step=1, format="%.0f", on_change=self._typed)
                .props("outlined")
                .classes("w-full sm:w-48")
            )
        self.memory.restore(self._take_back)

    @property
    def value(self) -> float | None:
        return self.count.value

    @property
    def key(self) -> str:
        return self.tally.key

    async def scanned(self, code: str, qty: int) -> None:
        outcome, sku = self.tally.scan(self.book, code, qty)
        counted = self.tally.counted(self.sku)
        announce(
            self.scan,
            outcome,
            code=code,
            name=self.book.name(sku) if sku else code,
            counted=counted,
            wanted=self.tally.expected.get(sku),
        )
        if outcome.good and sku == self.sku:
            self._show(counted)

    def _show(self, counted: int) -> None:
        self.count.value = counted  # its change handler keeps it in the browser
        if self.on_count:
            self.on_count(counted)

    def _typed(self) -> None:
        typed = self.count.value
        if isinstance(typed, int | float) and typed >= 0 and float(typed).is_integer():
            self.tally.set(
                self.sku, int(typed)
            )  # a count typed by hand is kept too; only scans fill in the rest
        self.memory.keep(self.tally.kept())

    def _take_back(self, kept: dict) -> None:
        self.tally.take_back(kept, known=[self.sku])
        if self.tally.counted(self.sku):
            self._show(self.tally.counted(self.sku))
            self.scan.good(
                _("The count kept in this browser is back: {counted}.", counted=self.tally.counted(self.sku))
            )

    def saved(self) -> None:
        """The count is in the record: the browser may forget it."""
        self.memory.forget()
