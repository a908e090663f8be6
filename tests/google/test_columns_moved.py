"""Rule 3 for columns: a person moving, inserting, deleting or renaming a column between the
app's read and its write never puts a value under another header.

Each test lets the person act in the instant between the write session's read and its
batchUpdate, the one moment Google gives no protection against, and then checks every
cell of the tab by header: the app's values under their own headers, everybody else's
cells exactly as the person left them.
"""

from __future__ import annotations

import pytest

from sheets.backends.google.writer import WRITE_ROUNDS
from sheets.errors import RowsMoved, TabProblem, WriteLandedWrong
from sheets.tabs import ORDERS, STOCK


def add_orders(google, *names):
    with google.workbook.transaction(ORDERS, user="ann", action="new orders") as tx:
        return [tx.insert(ORDERS, {"customer_name": name, "total": 10 + i}) for i, name in enumerate(names)]


def by_header(google, tab: str) -> list[dict[str, object]]:
    """Every data row of a tab as {header text: value}, blank rows included."""
    rows = google.person.values(tab)
    header = [str(cell) for cell in rows[0]]
    return [
        {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name} for row in rows[1:]
    ]


def order(google, order_id: str) -> dict[str, object]:
    matches = [row for row in by_header(google, "Orders") if row.get("order_id") == order_id]
    assert len(matches) == 1, f"{order_id} appears {len(matches)} times"
    return matches[0]


def before_the_write(google, edit) -> None:
    google.fake.before_next("batchUpdate", edit)


def confirm(google, record, **changes):
    with google.workbook.transaction(ORDERS, user="bo", action="confirm order") as tx:
        return tx.update(record, changes or {"status": "confirmed"}, base=record)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: p.move_column("Orders", "status", 2), id="status moved left"),
        pytest.param(lambda p: p.move_column("Orders", "order_id", 12), id="key moved right"),
        pytest.param(lambda p: p.add_column("Orders", "Gift wrap", at_col=1), id="column inserted first"),
        pytest.param(lambda p: p.add_column("Orders", "Note", at_col=8), id="column inserted before status"),
        pytest.param(lambda p: p.delete_column("Orders", "customer_email"), id="unwritten column deleted"),
        pytest.param(
            lambda p: p.rename_header("Orders", "carrier", "Courier"), id="unwritten column renamed"
        ),
    ],
)
def test_an_update_lands_under_its_headers_when_a_column_changes_just_before_the_write(google, edit):
    ann, bo = add_orders(google, "Ann", "Bo")
    before = by_header(google, "Orders")
    before_the_write(google, lambda: edit(google.person))

    confirm(google, bo, status="confirmed", location_id="WH1")

    after = {row["order_id"]: row for row in by_header(google, "Orders")}
    expected = {row["order_id"]: row for row in before}
    for order_id, row in after.items():
        for name, value in row.items():
            if order_id == bo.order_id and name in ("status", "location_id", "updated_at", "updated_by"):
                continue
            if name in expected[order_id]:
                assert value == expected[order_id][name], f"{order_id} {name}"
            else:
                assert value == "", f"{order_id} {name} was written though the app knows no such column"
    assert after[bo.order_id]["status"] == "confirmed"
    assert after[bo.order_id]["location_id"] == "WH1"
    assert after[bo.order_id]["updated_by"] == "bo"


def test_an_update_of_a_column_renamed_just_before_the_write_is_refused_and_leaves_every_cell(google):
    (ann,) = add_orders(google, "Ann")
    before_the_write(google, lambda: google.person.rename_header("Orders", "status", "State"))
    cells_before_edit = google.person.values("Orders")

    with pytest.raises(TabProblem, match="status"):
        confirm(google, ann)

    after = google.person.values("Orders")
    assert after[0][cells_before_edit[0].index("status")] == "State"
    assert after[1:] == cells_before_edit[1:]


def test_an_update_of_a_column_deleted_just_before_the_write_is_refused_and_leaves_every_cell(google):
    (ann,) = add_orders(google, "Ann")

    def delete_status():
        google.person.delete_column("Orders", "status")
        state["left"] = google.person.values("Orders")

    state = {}
    before_the_write(google, delete_status)

    with pytest.raises(TabProblem, match="status"):
        confirm(google, ann)

    assert google.person.values("Orders") == state["left"]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: p.move_column("Orders", "customer_name", 1), id="name moved first"),
        pytest.param(lambda p: p.move_column("Orders", "order_id", 9), id="key moved"),
        pytest.param(lambda p: p.add_column("Orders", "Gift wrap", at_col=2), id="column inserted"),
        pytest.param(lambda p: p.delete_column("Orders", "ship_address"), id="unwritten column deleted"),
    ],
)
def test_an_appended_row_lands_under_its_headers_when_a_column_changes_just_before_the_write(google, edit):
    (ann,) = add_orders(google, "Ann")
    before_the_write(google, lambda: edit(google.person))

    (bo,) = add_orders(google, "Bo")

    assert order(google, ann.order_id)["customer_name"] == "Ann"
    new = order(google, bo.order_id)
    assert new["customer_name"] == "Bo"
    assert new["total"] == 10
    assert new["status"] == "new"
    assert {name for name, value in new.items() if value != ""} <= {
        "order_id",
        "customer_name",
        "total",
        "status",
        "payment_status",
        "channel",
        "created_at",
        "updated_at",
        "updated_by",
    }
    rows = by_header(google, "Orders")
    assert len([row for row in rows if any(row.values())]) == 2


def test_audit_rows_land_under_their_headers_when_the_audit_columns_move(google):
    (ann,) = add_orders(google, "Ann")
    before_the_write(google, lambda: google.person.move_column("Audit", "record_id", 1))

    confirm(google, ann)

    audit = [row for row in by_header(google, "Audit") if row.get("record_id") == ann.order_id]
    assert [row["action"] for row in audit] == ["new orders: insert", "confirm order: update"]
    assert all(str(row["audit_id"]).startswith("AUD") for row in audit)


def test_a_deletion_with_the_key_column_moved_just_before_removes_the_right_row(google):
    ann, bo, cy = add_orders(google, "Ann", "Bo", "Cy")
    before_the_write(google, lambda: google.person.move_column("Orders", "order_id", 6))

    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.delete(bo, base=bo)

    names = sorted(row["customer_name"] for row in by_header(google, "Orders") if row["customer_name"])
    assert names == ["Ann", "Cy"]


def test_a_row_typed_without_an_id_gets_it_in_the_id_column_after_a_column_move(google):
    (ann,) = add_orders(google, "Ann")
    header = google.person.headers("Orders")
    typed = [""] * len(header)
    typed[header.index("customer_name")] = "Typed by hand"
    google.person.append_row("Orders", typed)
    before_the_write(google, lambda: google.person.move_column("Orders", "order_id", 5))

    confirm(google, ann)

    def typed_row():
        return next(row for row in by_header(google, "Orders") if row["customer_name"] == "Typed by hand")

    filled = [name for name, value in typed_row().items() if value != ""]
    assert set(filled) <= {"order_id", "customer_name"}, typed_row()
    google.workbook.check()  # the row gets its ID now if the move made the write leave it for later
    assert str(typed_row()["order_id"]).startswith("ORD")
    assert {name for name, value in typed_row().items() if value != ""} == {"order_id", "customer_name"}


def test_a_misplaced_write_into_one_of_several_blank_rows_is_put_back(google):
    ann, bo = add_orders(google, "Ann", "Bo")
    google.person.insert_blank_rows("Orders", 2, 2)  # Ann is row 4 now, under two blank rows
    loaded = google.workbook.table(ORDERS).get(ann.id)
    before_the_write(google, lambda: google.person.insert_blank_rows("Orders", 2, 1))

    confirm(google, loaded, status="confirmed", location_id="WH1")  # aimed at row 4: blank now

    rows = by_header(google, "Orders")
    blank = [row for row in rows if not row.get("order_id")]
    assert len(blank) == 3
    assert all(not any(row.values()) for row in blank), blank
    assert order(google, ann.order_id)["status"] == "confirmed"
    assert order(google, bo.order_id)["status"] == "new"


def test_stock_changes_land_under_on_hand_when_stock_columns_move(google):
    with google.workbook.transaction(STOCK, user="ann") as tx:
        tx.insert(STOCK, {"sku": "SKU-1", "location_id": "WH1", "on_hand": 101, "reserved": 3})
    loaded = google.workbook.table(STOCK).get(("SKU-1", "WH1"))
    before_the_write(google, lambda: google.person.move_column("Stock", "reserved", 3))

    with google.workbook.transaction(STOCK, user="bo") as tx:
        tx.update(loaded, {"reserved": 5}, base=loaded)

    (row,) = [row for row in by_header(google, "Stock") if row["sku"]]
    assert (row["on_hand"], row["reserved"]) == (101, 5)


def drag_status_before_writes(google, writes: int) -> None:
    """The person drags the status column back and forth before each of the next `writes` writes."""
    state = {"left": writes, "flip": True}

    def drag():
        google.person.move_column("Orders", "status", 2 if state["flip"] else 10)
        state["flip"] = not state["flip"]
        state["left"] -= 1
        if state["left"]:
            google.fake.before_next("batchUpdate", drag)

    google.fake.before_next("batchUpdate", drag)


def test_a_write_whose_columns_keep_moving_is_taken_back_whole_and_says_so(google):
    (ann,) = add_orders(google, "Ann")
    before = by_header(google, "Orders")
    drag_status_before_writes(google, WRITE_ROUNDS)

    with pytest.raises(RowsMoved, match="nothing was changed"):
        confirm(google, ann)

    assert by_header(google, "Orders") == [
        {name: row[name] for name in by_header(google, "Orders")[0]} for row in before
    ]
    audit = [row for row in by_header(google, "Audit") if row.get("record_id") == ann.order_id]
    assert [row["action"] for row in audit] == ["new orders: insert"]


def test_a_write_that_cannot_be_put_right_names_its_cells_and_check_lists_them_until_fixed(google):
    (ann,) = add_orders(google, "Ann")
    (original,) = by_header(google, "Orders")
    drag_status_before_writes(google, 3 * WRITE_ROUNDS)  # the writes, their undo and its repairs

    with pytest.raises(WriteLandedWrong) as failure:
        confirm(google, ann, status="confirmed", carrier="Parcel Co")

    message = str(failure.value)
    assert ann.order_id in message and "nothing was changed" not in message
    listed = [issue for issue in google.workbook.check(assign_ids=False) if "put right" in issue.reason]
    assert listed and all(ann.order_id in issue.reason and issue.row == 2 for issue in listed)
    assert {issue.column for issue in listed} == {cell.column for cell in failure.value.stray}
    for name, value in original.items():  # the person puts the row right by hand
        google.person.set_cell("Orders", 2, name, value)
    assert not [issue for issue in google.workbook.check(assign_ids=False) if "put right" in issue.reason]
