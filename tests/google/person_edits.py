"""A person editing tabs of the fake spreadsheet between the app's requests, and the sheet read by header.

`Person` makes random, realistic edits to the tabs it is given (move a column, add one
of their own, retype or delete their own column, insert blank rows, type a note into a
blank row, delete their own row, sort) and remembers what it typed, so a test can check
afterwards that the app left the person's rows and columns exactly as they were.
`google.fake.before_each(person.maybe_edit)` makes it edit before any request the app sends.

With a single tab it makes the same choices, in the same order, as the Person of
test_person_interleaved.py, so a seed means the same edits there and here.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sheets.transaction
from sheets.cells import is_blank
from sheets.ids import ALPHABET
from sheets.schema import Tab

#: The chance that the person edits a tab the current action works on rather than any of theirs.
FOCUS_CHANCE = 0.8
EDITS = ("move", "move", "add column", "retype own column", "delete own column", "blank rows", "typed row")


@dataclass(frozen=True)
class EditedTab:
    """A tab the person edits: where they type their notes, and the column they sort by."""

    name: str
    note_column: str
    sort_column: str


class Person:
    """Random edits to some tabs; remembers the columns they added and the notes they typed."""

    def __init__(self, google, rng: random.Random, tabs: Sequence[EditedTab], edit_chance: float) -> None:
        self.google, self.rng, self.edit_chance = google, rng, edit_chance
        self.tabs = {tab.name: tab for tab in tabs}
        self.focus: tuple[str, ...] = tuple(self.tabs)  # the tabs the current action works on
        self.extra_columns: dict[str, list[str]] = {name: [] for name in self.tabs}
        self.notes: dict[str, list[str]] = {name: [] for name in self.tabs}  # typed in rows without an ID
        self.deleted: dict[str, list[str]] = {name: [] for name in self.tabs}  # notes deleted this action
        self.counter = 0
        self.edits = 0
        self.log: list[str] = []  # the edits made, for a failure's message

    def maybe_edit(self) -> None:
        if self.rng.random() < self.edit_chance:
            self.edit()

    def edit(self) -> None:
        person, rng = self.google.person, self.rng
        tab = self._pick_tab()
        header = person.headers(tab.name)
        rows = len(person.values(tab.name))
        choice = rng.choice([*EDITS, "delete own row", "sort"])
        self.counter += 1
        self.edits += 1
        self.log.append(f"{choice} in {tab.name} (request {self.google.fake.count('*')})")
        extra, notes = self.extra_columns[tab.name], self.notes[tab.name]
        if choice == "move":
            person.move_column(tab.name, rng.randrange(1, len(header) + 1), rng.randrange(1, len(header) + 1))
        elif choice == "add column":
            name = f"Extra {self.counter}"
            person.add_column(tab.name, name, at_col=rng.randrange(1, len(header) + 2))
            extra.append(name)
        elif choice == "retype own column" and extra:
            old = rng.choice(extra)
            new = f"Own {self.counter}"
            person.rename_header(tab.name, old, new)
            extra[extra.index(old)] = new
        elif choice == "delete own column" and extra:
            person.delete_column(tab.name, extra.pop(rng.randrange(len(extra))))
        elif choice == "blank rows":
            person.insert_blank_rows(tab.name, rng.randrange(2, rows + 2), rng.randrange(1, 3))
        elif choice == "typed row":
            self.type_row(tab, rows)
        elif choice == "delete own row" and notes:
            note = notes.pop(rng.randrange(len(notes)))
            at = self.row_of(tab, note)
            if at is None:
                notes.append(note)  # not where the person left it: the check after the action says so
                return
            person.delete_rows(tab.name, at)
            self.deleted[tab.name].append(note)
        elif choice == "sort":
            person.sort(tab.name, tab.sort_column, descending=rng.random() < 0.5)

    def take_back_deleted(self, tab_name: str, seen: Sequence[str]) -> None:
        """Notes the person deleted in the instant the app deleted a row of the same tab, back in `seen`.

        With a single row to tell them apart, the writer cannot know a row the person
        deleted from one a sort moved under its deletion, and puts it back rather than
        risk losing a record (README, "How the record behaves"): the person's row again.
        """
        notes = self.notes[tab_name]
        notes += [note for note in self.deleted[tab_name] if note in seen and note not in notes]

    def new_action(self) -> None:
        self.deleted = {name: [] for name in self.tabs}

    def _pick_tab(self) -> EditedTab:
        names = list(self.tabs)
        if len(names) == 1:
            return self.tabs[names[0]]
        focus = [name for name in self.focus if name in self.tabs] or names
        return self.tabs[self.rng.choice(focus if self.rng.random() < FOCUS_CHANCE else names)]

    def type_row(self, tab: EditedTab, rows: int) -> None:
        """Type a note into a blank row, the way a person adds a row: insert it, then type in it.

        A row pasted whole, in the very instant between the app's read and its write,
        is the one edit no write can undo exactly (Google sends back no earlier values);
        README says so. A person typing takes longer than that instant.
        """
        person = self.google.person
        values = person.values(tab.name)
        blank = [number for number, row in enumerate(values[1:], start=2) if not any(row)]
        if not blank:
            person.insert_blank_rows(tab.name, self.rng.randrange(2, rows + 2), 1)
            return
        note = f"note {self.counter}"
        person.set_cell(tab.name, self.rng.choice(blank), tab.note_column, note)
        self.notes[tab.name].append(note)

    def row_of(self, tab: EditedTab, note: str) -> int | None:
        """The sheet row holding `note` in the tab's note column, or None."""
        values = self.google.person.values(tab.name)
        column = values[0].index(tab.note_column)
        return next(
            (
                number
                for number, row in enumerate(values, start=1)
                if len(row) > column and row[column] == note
            ),
            None,
        )


@dataclass
class SheetRow:
    """One row of a tab as a person sees it: its number and {header: value}."""

    number: int
    cells: dict[str, Any]
    unnamed: list[Any]  # non-blank values in columns without a header

    def key(self, tab: Tab) -> tuple[str, ...] | None:
        """The row's key as text, or None when a part of it is blank."""
        parts = tuple(key_text(self.cells.get(name)) for name in tab.key)
        return parts if all(parts) else None

    def filled(self) -> dict[str, Any]:
        return {name: value for name, value in self.cells.items() if not is_blank(value)}


def rows_by_header(google, tab_name: str) -> tuple[list[str], list[SheetRow]]:
    """The header texts of row 1 and every non-blank row below it, read straight from the fake."""
    values = google.person.values(tab_name)
    if not values:
        return [], []
    header = [key_text(cell) for cell in values[0]]
    rows = []
    for number, row in enumerate(values[1:], start=2):
        if all(is_blank(cell) for cell in row):
            continue
        cells, unnamed = {}, []
        for position, value in enumerate(row):
            name = header[position] if position < len(header) else ""
            if name:
                cells[name] = value
            elif not is_blank(value):
                unnamed.append(value)
        rows.append(SheetRow(number, cells, unnamed))
    return header, rows


def key_text(value: Any) -> str:
    """A key cell as text, the way the record layer reads it."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Clock:
    """The workbook's clock in a seeded run: it stands still until the run moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def replayable(workbook, monkeypatch, start: datetime) -> Clock:
    """Make a seeded run replay exactly: a clock the run moves, and IDs that count up.

    With the real clock and random IDs, stamps written in the same second and the
    order of IDs change from one run of a seed to the next.
    """
    clock = Clock(start)
    workbook.clock = clock
    issued = itertools.count(1)
    monkeypatch.setattr(
        sheets.transaction, "new_id", lambda prefix, now=None: f"{prefix}-{counted(next(issued))}"
    )
    return clock


def counted(number: int) -> str:
    """`number` as the twelve characters of an ID (Crockford base32)."""
    return "".join(ALPHABET[(number >> (5 * place)) % 32] for place in reversed(range(12)))
