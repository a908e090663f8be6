"""Rule 2: people edit the sheet directly, and reading tolerates it (both backends)."""

from __future__ import annotations

import pytest

from sheets.tabs import ORDERS, PRODUCTS, STOCK


def add_products(record, *rows):
    with record.workbook.transaction(PRODUCTS, user="ann", action="add products") as tx:
        for sku, name, price in rows:
            tx.insert(PRODUCTS, {"sku": sku, "name": name, "price": price})


def header(record, tab):
    return record.person.values(tab.name)[0]


def test_columns_are_found_by_header_in_any_order_and_extra_columns_are_ignored(record):
    add_products(record, ("KIT-001", "Kettle", 30))
    record.person.move_column("Products", 1, 5)
    record.person.add_column("Products", "Notes for Lin", at_col=2, values=["call supplier"])
    record.person.rename_header("Products", "unit_cost", "Unit Cost")
    record.workbook.invalidate()

    table = record.workbook.table(PRODUCTS)

    assert table.get("KIT-001").name == "Kettle"
    assert table.get("KIT-001").price == 30
    assert table.issues == []
    assert "Notes for Lin" in header(record, PRODUCTS)


def test_blank_rows_are_skipped_and_text_numbers_are_read(record):
    add_products(record, ("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12))
    record.person.insert_blank_rows("Products", 3, 2)
    record.person.append_row("Products", ["KIT-003", "Whisk", "", "pcs", "1,200", "$4.50", "yes"])
    record.workbook.invalidate()

    table = record.workbook.table(PRODUCTS)

    assert [r.sku for r in table.records()] == ["KIT-001", "KIT-002", "KIT-003"]
    whisk = table.get("KIT-003")
    assert (whisk.unit_cost, whisk.price, whisk.active) == (1200, 4.5, True)


def test_a_row_that_cannot_be_read_is_a_data_issue_and_is_skipped(record):
    add_products(record, ("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12))
    price_column = header(record, PRODUCTS).index("price") + 1
    record.person.set_cell("Products", 3, price_column, "twelve")
    record.workbook.invalidate()

    table = record.workbook.table(PRODUCTS)

    assert table.keys() == ["KIT-001"]
    [issue] = table.issues
    assert (issue.tab, issue.row, issue.column) == ("Products", 3, "price")
    assert "twelve" in issue.reason
    assert record.workbook.check(assign_ids=False) == [issue]


def test_an_unreadable_row_is_never_overwritten(record):
    add_products(record, ("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12))
    price_column = header(record, PRODUCTS).index("price") + 1
    record.person.set_cell("Products", 3, price_column, "twelve")
    before = record.person.values("Products")[2]

    with record.workbook.transaction(PRODUCTS, user="ann", action="edit") as tx:
        tx.update(tx.require(PRODUCTS, "KIT-001"), {"name": "Kettle 2L"})

    assert record.person.values("Products")[2] == before


def test_a_choice_typed_in_another_case_is_read_and_a_wrong_one_reported(record):
    with record.workbook.transaction(ORDERS, user="ann") as tx:
        first = tx.insert(ORDERS, {"customer_name": "Ann"})
        second = tx.insert(ORDERS, {"customer_name": "Bo"})
    status_column = header(record, ORDERS).index("status") + 1
    record.person.set_cell("Orders", 2, status_column, "PAID")
    record.person.set_cell("Orders", 3, status_column, "lost in the post")
    record.workbook.invalidate()

    table = record.workbook.table(ORDERS)

    assert table.get(first.id).status == "paid"
    assert table.get(second.id) is None
    assert "not one of" in table.issues[0].reason


def test_a_duplicate_key_is_reported_and_only_the_first_row_used(record):
    add_products(record, ("KIT-001", "Kettle", 30))
    record.person.append_row("Products", ["KIT-001", "Kettle copy"])
    record.workbook.invalidate()

    table = record.workbook.table(PRODUCTS)

    assert table.get("KIT-001").name == "Kettle"
    assert "also appears on row 2" in table.issues[0].reason


def test_a_missing_tab_or_header_is_reported_not_raised(record):
    record.person.delete_sheet("Stock")
    issues = record.workbook.check(assign_ids=False)
    assert any(issue.tab == "Stock" and "missing" in issue.reason for issue in issues)
    record.workbook.init()
    assert record.workbook.table(STOCK).issues == []


def test_a_composite_key_finds_its_row(record):
    with record.workbook.transaction(STOCK, user="ann") as tx:
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 5})
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-B", "on_hand": "7"})
    table = record.workbook.table(STOCK)
    assert table.get(("KIT-001", "LOC-B")).on_hand == 7
    assert table.df.loc[("KIT-001", "LOC-A"), "on_hand"] == 5


def test_a_change_made_elsewhere_shows_up_on_the_next_read(record, tmp_path):
    """Rule 1: the cache never hides a write made by another process or another workbook object."""
    record.workbook.table(PRODUCTS)
    if record.kind == "local":
        from sheets.backends.local import LocalBackend
        from sheets.workbook import Workbook

        other = Workbook(LocalBackend(tmp_path / "data"))
        with other.transaction(PRODUCTS, user="jobs") as tx:
            tx.insert(PRODUCTS, {"sku": "KIT-777", "name": "Written by the jobs process"})
    else:
        record.person.append_row("Products", ["KIT-777", "Typed in the sheet"])
        record.workbook.cache_seconds = 0  # on Google the cache lasts FLOWSHEET_CACHE_SECONDS
    assert "KIT-777" in record.workbook.table(PRODUCTS)


def test_a_title_row_above_the_header_is_tolerated_for_reads_and_writes(record):
    add_products(record, ("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12))
    record.person.insert_rows("Products", 1, [["Product list — keep sorted by SKU"]])
    record.workbook.invalidate()
    assert record.workbook.table(PRODUCTS).get("KIT-002").name == "Pan"

    with record.workbook.transaction(PRODUCTS, user="ann") as tx:
        tx.update(tx.require(PRODUCTS, "KIT-002"), {"name": "Frying pan"})
        tx.insert(PRODUCTS, {"sku": "KIT-003", "name": "Whisk"})

    rows = record.person.values("Products")
    assert rows[0] == ["Product list — keep sorted by SKU"]
    assert rows[3][:2] == ["KIT-002", "Frying pan"]
    assert rows[4][:2] == ["KIT-003", "Whisk"]


def test_a_renamed_key_header_makes_the_tab_unreadable_and_unwritable_not_garbled(record):
    from sheets.errors import TabProblem

    add_products(record, ("KIT-001", "Kettle", 30))
    record.person.rename_header("Products", "sku", "Article")
    record.workbook.invalidate()
    assert any("header row" in issue.reason for issue in record.workbook.table(PRODUCTS).issues)
    before = record.person.values("Products")
    with (
        pytest.raises(TabProblem, match="run `python app.py init`"),
        record.workbook.transaction(PRODUCTS, user="ann") as tx,
    ):
        tx.insert(PRODUCTS, {"sku": "KIT-002", "name": "Pan"})
    assert record.person.values("Products") == before


def test_a_header_typed_twice_is_reported_and_the_leftmost_column_used(record):
    add_products(record, ("KIT-001", "Kettle", 30))
    record.person.add_column("Products", "Name", values=["Old name"])
    record.workbook.invalidate()
    table = record.workbook.table(PRODUCTS)
    assert table.get("KIT-001").name == "Kettle"
    assert any("appears more than once" in issue.reason for issue in table.issues)


def test_any_script_and_long_text_survive_the_round_trip(record):
    texts = ["青花瓷茶杯 (礼盒装)", "Ünïcödé ✓ 🫖", "a" * 5000, "line one\nline two", "  spaced  "]
    with record.workbook.transaction(ORDERS, user="ann") as tx:
        orders = [tx.insert(ORDERS, {"customer_name": "Lin", "ship_address": text}) for text in texts]
    record.workbook.invalidate()
    table = record.workbook.table(ORDERS)
    assert [table.get(order.id).ship_address for order in orders] == [text.strip() for text in texts]
