"""A person changing a target tab's columns while `copy` writes it (sheets/copy.py).

The copy writes Orders ten rows per request here. Between two of those requests the
person moves, inserts, deletes or renames a column of the target's Orders, on Google
(the fake runs the edit right before the request) and on the local workbook (between two
transactions). Afterwards every cell of the target is under the header it belongs to,
the copy says it stopped and why, and the next run goes on once the columns are back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import sheets.copy
from sheets.backends.local import LocalBackend
from sheets.copy import ColumnsChanged, CopyLandedWrong, CopyRefused, copy_workbook, normalized
from sheets.tabs import ORDERS
from sheets.workbook import Workbook
from tests.people import LocalPerson
from tests.test_copy_cli import SPREADSHEET_ID, to_google, via_fake  # noqa: F401 - a fixture

ORDER_ROWS = 30
STATUS = ORDERS.column_names.index("status") + 1  # 1-based, as a person counts columns


def order_rows() -> list[list[Any]]:
    names = ORDERS.column_names
    rows = []
    for n in range(ORDER_ROWS):
        row = [f"cell {name} {n}" for name in names]
        row[names.index("order_id")] = f"ORD-COPYTEST{n:04d}"
        rows.append(row)
    return rows


@pytest.fixture
def source(local) -> LocalBackend:
    """An init'ed local workbook whose Orders has 30 rows, every cell telling its column."""
    backend = local.workbook.backend
    with backend.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, order_rows())
    return backend


@pytest.fixture
def small_blocks(monkeypatch) -> None:
    monkeypatch.setattr(sheets.copy, "BATCH_ROWS", 10)


# what the person does, which source header is then called what in the target (None: gone),
# what the copy says, and how it is undone (None: it cannot be, a deleted column's values are
# gone). On Google the deletion also shrinks the grid under the copy's write, which is refused
# whole and sent again on a grid sized anew.
EDITS = {
    "moved": (
        lambda person: person.move_column(ORDERS.name, "status", 2),
        {},
        "moved column status",
        lambda person: person.move_column(ORDERS.name, "status", STATUS),
    ),
    "inserted": (
        lambda person: person.add_column(ORDERS.name, "Gift note", at_col=3),
        {},
        "inserted column 'Gift note'",
        lambda person: person.delete_column(ORDERS.name, "Gift note"),
    ),
    "deleted": (
        lambda person: person.delete_column(ORDERS.name, "customer_name"),
        {"customer_name": None},
        "deleted column customer_name",
        None,
    ),
    "renamed": (
        lambda person: person.rename_header(ORDERS.name, "carrier", "Courier"),
        {"carrier": "Courier"},
        "renamed column carrier to 'Courier'",
        lambda person: person.rename_header(ORDERS.name, "Courier", "carrier"),
    ),
}


def by_header(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Each data row as {header: value}; a value right of the last header fails the test."""
    header = [str(cell) for cell in rows[0]]
    out = []
    for row in rows[1:]:
        assert all(cell in ("", None) for cell in row[len(header) :]), f"a value under no header: {row}"
        out.append({name: (row[i] if i < len(row) else "") for i, name in enumerate(header)})
    return out


def assert_every_cell_under_its_header(target_rows, source_rows, renamed: dict[str, str | None]) -> int:
    """Each row the target holds is its source row, cell for cell by header; returns how many it holds."""
    held = [row for row in by_header(normalized(target_rows)) if any(value != "" for value in row.values())]
    for index, row in enumerate(held):
        wanted = {}
        for name, value in by_header(source_rows)[index].items():
            if renamed.get(name, name) is not None:
                wanted[renamed.get(name, name)] = value
        inserted = {name: "" for name in row if name not in wanted}
        assert row == wanted | inserted, f"row {index + 2}"
    return len(held)


def grids(backend) -> dict[str, list[list]]:
    rows = backend.read_raw(backend.tab_names())
    return {name: normalized(cells) for name, cells in rows.items() if normalized(cells)}


def before_orders_write(fake, number: int, edit: Callable[[], object]) -> list[int]:
    """Run `edit` right before the `number`-th values:batchUpdate that writes Orders rows.

    Returns the last grid row (1-based) each of those requests writes in Orders, as they come.
    """
    ends: list[int] = []

    def hook() -> None:
        last = fake.logged()[-1]
        end = orders_end(last.body) if last.kind == "values.batchUpdate" else None
        if end is not None:
            ends.append(end)
            if len(ends) == number:
                edit()

    fake.before_each(hook)
    return ends


def orders_end(body: dict) -> int | None:
    """The last Orders row a values:batchUpdate writes values into (its head range holds only nulls)."""
    for entry in body.get("data", []):
        has_values = any(v is not None for row in entry["values"] for v in row)
        if entry["range"].startswith(f"'{ORDERS.name}'!") and has_values:
            return int(re.sub(r"\D", "", entry["range"].rsplit(":", 1)[1]))
    return None


@pytest.mark.parametrize("change", list(EDITS))
def test_a_column_changed_on_google_between_two_blocks(source, google, small_blocks, change):
    edit, renamed, said, undo = EDITS[change]
    person = google.fake.person()
    ends = before_orders_write(google.fake, 2, lambda: edit(person))

    with pytest.raises(
        ColumnsChanged, match=rf"columns of Orders \({said}; (\d+) of 31 rows there\)"
    ) as stop:
        copy_workbook(source, google.workbook.backend)
    google.fake.before_each(None)

    there = ends[1]  # the second block of Orders was put right under the new header, then the copy stopped
    assert f"; {there} of 31 rows there" in str(stop.value)
    source_rows = normalized(source.raw_rows(ORDERS.name))
    assert assert_every_cell_under_its_header(person.values(ORDERS.name), source_rows, renamed) == there - 1
    assert_the_next_run_is_truthful(source, google.workbook.backend, person, undo, there)


@pytest.mark.parametrize("change", list(EDITS))
def test_a_column_changed_in_the_local_workbook_between_two_blocks(source, tmp_path, small_blocks, change):
    edit, renamed, said, undo = EDITS[change]
    target = LocalBackend(tmp_path / "target")
    Workbook(target).init()
    person = LocalPerson(target)
    ends: list[int] = []

    def after_each_block(line: str) -> None:
        if line.startswith("Orders:") and not ends:
            ends.append(int(line.split()[1].replace(",", "")))
            edit(person)  # between the first block of Orders and the next

    with pytest.raises(
        ColumnsChanged, match=rf"columns of Orders \({said}; (\d+) of 31 rows there\)"
    ) as stop:
        copy_workbook(source, target, progress=after_each_block)

    there = ends[0] + 10
    assert f"; {there} of 31 rows there" in str(stop.value)
    source_rows = normalized(source.raw_rows(ORDERS.name))
    assert assert_every_cell_under_its_header(person.values(ORDERS.name), source_rows, renamed) == there - 1
    assert_the_next_run_is_truthful(source, target, person, undo, there)


def assert_the_next_run_is_truthful(source, target, person, undo, there: int) -> None:
    """Refused while the columns differ from the source's; goes on once they are back; --force replaces."""
    with pytest.raises(CopyRefused, match=r"other data in Orders \(row 1\)"):
        copy_workbook(source, target)
    if undo is not None:
        undo(person)
        resumed = copy_workbook(source, target)
        orders = next(tab for tab in resumed.tabs if tab.name == ORDERS.name)
        assert resumed.complete and orders.start == there  # it went on where it stopped
    else:
        assert copy_workbook(source, target, force=True).complete
    assert grids(target)[ORDERS.name] == grids(source)[ORDERS.name]


def test_columns_changed_again_before_the_rewrite_are_followed_too(source, google, small_blocks):
    person = google.fake.person()
    before_orders_write(google.fake, 2, lambda: person.move_column(ORDERS.name, "status", 2))
    ends = before_orders_write(google.fake, 3, lambda: person.add_column(ORDERS.name, "Gift note", at_col=1))

    with pytest.raises(ColumnsChanged, match=r"moved column status, inserted column 'Gift note'"):
        copy_workbook(source, google.workbook.backend)
    google.fake.before_each(None)

    assert len(ends) == 4 and ends[1] == ends[2] == ends[3]  # the second block, rewritten twice
    source_rows = normalized(source.raw_rows(ORDERS.name))
    assert assert_every_cell_under_its_header(person.values(ORDERS.name), source_rows, {}) == ends[1] - 1


def test_columns_that_keep_changing_are_reported_as_possibly_wrong(source, google, small_blocks):
    person = google.fake.person()
    last = len(ORDERS.column_names)
    for number in range(2, 2 + sheets.copy.LANDING_ROUNDS):
        ends = before_orders_write(google.fake, number, lambda: person.move_column(ORDERS.name, 1, last))

    with pytest.raises(CopyLandedWrong, match=r"kept changing while the copy wrote Orders rows") as error:
        copy_workbook(source, google.workbook.backend)
    assert f"Orders rows {ends[1] - 9} to {ends[1]} in" in str(error.value)


def test_a_column_changed_where_google_leaves_the_head_out_of_its_answer(
    source, google, small_blocks, monkeypatch
):
    """Should Google not echo the head range (written with nulls only), one read says the same."""
    spreadsheet = google.workbook.backend.spreadsheet
    real_update = spreadsheet.values_batch_update

    def without_null_ranges(body):
        answer = real_update(body)
        for entry, response in zip(body["data"], answer["responses"], strict=True):
            if all(cell is None for row in entry["values"] for cell in row):
                response.pop("updatedData", None)
        return answer

    monkeypatch.setattr(spreadsheet, "values_batch_update", without_null_ranges)
    person = google.fake.person()
    ends = before_orders_write(google.fake, 2, lambda: person.move_column(ORDERS.name, "status", 2))

    with pytest.raises(ColumnsChanged, match="moved column status"):
        copy_workbook(source, google.workbook.backend)
    google.fake.before_each(None)

    source_rows = normalized(source.raw_rows(ORDERS.name))
    assert assert_every_cell_under_its_header(person.values(ORDERS.name), source_rows, {}) == ends[1] - 1
    assert google.fake.count("values.batchGet") >= 2  # the plan's read, and reads in place of echoes


def test_the_command_says_the_copy_stopped_and_exits_2(via_fake, tmp_path, small_blocks, capsys):  # noqa: F811
    source = LocalBackend(tmp_path / "data")
    Workbook(source).init()
    with source.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, order_rows())
    person = via_fake.person(SPREADSHEET_ID)
    ends = before_orders_write(via_fake, 2, lambda: person.move_column(ORDERS.name, "status", 2))

    assert to_google(via_fake) == 2
    err = capsys.readouterr().err
    assert f"Someone changed the columns of Orders (moved column status; {ends[1]} of 31 rows there)" in err
    assert "put the columns of Orders back" in err and len(err.strip().splitlines()) == 1
    source_rows = normalized(source.raw_rows(ORDERS.name))
    assert assert_every_cell_under_its_header(person.values(ORDERS.name), source_rows, {}) == ends[1] - 1
