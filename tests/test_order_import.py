"""Importing orders from Shopify's export and from a mapped CSV, on both backends."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

import i18n
from bench.import_orders import seed_products, shopify_export
from processes import master_data
from processes.errors import ProcessError
from processes.orders import (
    confirm_order,
    header_of,
    import_orders,
    is_shopify,
    order_steps,
    parse_mapping,
    record_payment,
    run_import_command,
)
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from sheets.request_size import MAX_BODY_BYTES
from sheets.tabs import AUDIT, ORDER_LINES, ORDERS, STOCK

DATA = Path(__file__).parent / "data"
STAFF = Actor("sam", "staff")
GENERIC_MAPPING = {
    "external_ref": "Order",
    "customer_name": "Buyer",
    "customer_email": "Mail",
    "street": "Street",
    "postcode": "ZIP",
    "city": "Town",
    "country": "Land",
    "sku": "Item",
    "qty": "Count",
    "unit_price": "Each",
    "payment_status": "Payment",
}


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def catalogue(record):
    for sku, name, price in (("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12.5), ("MUG-003", "Mug", 8)):
        master_data.add_record(
            record.workbook, master_data.PRODUCT, {"sku": sku, "name": name, "price": price}, by=STAFF
        )
    return record


def orders(record) -> dict[str, object]:
    return {order.external_ref: order for order in record.workbook.table(ORDERS).records()}


def lines(record, order_id: str) -> list[tuple[str, int, float]]:
    return sorted(
        (line.sku, line.qty, line.unit_price)
        for line in record.workbook.table(ORDER_LINES).records()
        if line.order_id == order_id
    )


def test_a_shopify_export_becomes_orders_with_their_lines(catalogue):
    report = import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    assert report.clean, report.lines()
    assert (report.created, report.lines_added, report.lines_read) == (
        ["#1001", "#1002", "#1003", "#1004"],
        7,
        7,
    )
    imported = orders(catalogue)
    first = imported["#1001"]
    assert (first.channel, first.customer_name, first.customer_email, first.status) == (
        "shopify",
        "Olivia Hart",
        "olivia@example.com",
        "new",
    )
    assert first.ship_address == "12 Maple Street, 12345 Riverton, DE"
    assert (first.payment_status, str(first.paid_at), str(first.created_at)) == (
        "paid",
        "2026-03-01 09:15:02",
        "2026-03-01 09:14:40",
    )
    # the file's Total (shipping included), its parts beside it
    assert (first.total, first.subtotal, first.shipping, first.tax, first.currency) == (
        77.4,
        72.5,
        4.9,
        0,
        "EUR",
    )
    assert lines(catalogue, first.order_id) == [("KIT-001", 2, 30), ("KIT-002", 1, 12.5)]
    second = imported["#1002"]
    assert (second.payment_status, second.paid_at) == ("pending", None)
    assert second.ship_address == "4 Harbour Road, Flat 2, 54321 Kingsbridge, DE"
    assert len(lines(catalogue, imported["#1004"].order_id)) == 3
    # text from the file stays text: the customer's "formula" is stored as typed
    assert imported["#1003"].customer_name == '=HYPERLINK("http://evil.example","x")'
    raw = catalogue.person.values("Orders")
    assert '=HYPERLINK("http://evil.example","x")' in [cell for row in raw for cell in row]
    assert all(row.user == "sam" for row in catalogue.workbook.table(AUDIT).records() if row.tab == "Orders")


def test_a_byte_order_mark_is_read_and_the_same_file_twice_adds_nothing(catalogue):
    first = import_orders(catalogue.workbook, b"\xef\xbb\xbf" + data("shopify_orders.csv"), by=STAFF)
    assert len(first.created) == 4
    again = import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    assert (again.created, again.updated, again.unchanged, again.problems) == ([], [], 4, [])
    assert (len(catalogue.workbook.table(ORDERS)), len(catalogue.workbook.table(ORDER_LINES))) == (4, 7)


def test_an_overlapping_file_adds_the_new_orders_and_updates_changed_payments(catalogue):
    import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    report = import_orders(catalogue.workbook, data("shopify_orders_later.csv"), by=STAFF)
    assert (report.created, report.updated, report.unchanged) == (["#1005"], ["#1002"], 1)
    imported = orders(catalogue)
    assert len(imported) == 5
    assert (imported["#1002"].payment_status, str(imported["#1002"].paid_at)) == (
        "paid",
        "2026-03-02 08:00:00",
    )
    assert (
        len(lines(catalogue, imported["#1004"].order_id)) == 3
    )  # lines of a known order are not added again


def test_a_payment_arriving_by_import_moves_a_confirmed_order_on_to_paid(catalogue):
    workbook = catalogue.workbook
    location = stocked_location(catalogue)
    import_orders(workbook, data("shopify_orders.csv"), by=STAFF)
    pending = orders(catalogue)["#1002"]
    assert confirm_order(workbook, pending.order_id, by=STAFF, location_id=location).status == "confirmed"
    import_orders(workbook, data("shopify_orders_later.csv"), by=STAFF)
    assert (orders(catalogue)["#1002"].status, orders(catalogue)["#1002"].payment_status) == ("paid", "paid")


def stocked_location(record) -> str:
    """A location holding 5 kettles; its ID."""
    workbook = record.workbook
    location = master_data.add_record(workbook, master_data.LOCATION, {"name": "Main"}, by=STAFF).location_id
    with workbook.transaction(*LEDGER_TABS, user="seed") as tx:
        post_move(tx, sku="KIT-001", qty=5, reason="adjustment", to_location=location)
    return location


def test_bad_lines_are_reported_by_line_number_and_the_good_orders_imported(catalogue):
    report = import_orders(catalogue.workbook, data("shopify_malformed.csv"), by=STAFF)
    assert report.fatal is None
    assert report.created == ["#2001", "#2007"]
    assert sorted(report.skipped) == ["#2002", "#2003", "#2004", "#2005", "#2006"]
    assert [str(problem) for problem in report.problems] == [
        "line 4 (#2002): the quantity 'two' is not a whole number",
        "line 5 (#2003): unknown SKU 'NOPE-404'",
        "line 6 (#2004): the price 'abc' is not a number",
        "line 7: no order number: the line belongs to no order",
        "line 8 (#2005): unknown payment status 'sort of paid'",
        "line 9 (#2006): the quantity must be at least 1, not 0",
    ]
    assert "5 orders not imported because of bad lines" in report.summary()
    assert set(orders(catalogue)) == {"#2001", "#2007"}
    # #2002's good first line was not imported on its own: half an order would be worse than none
    assert len(catalogue.workbook.table(ORDER_LINES)) == 2


def test_a_file_in_another_encoding_is_refused_with_a_clear_report(catalogue):
    report = import_orders(catalogue.workbook, data("shopify_latin1.csv"), by=STAFF)
    assert report.fatal is not None and not report.created
    assert "not UTF-8" in report.fatal and "line 2" in report.fatal and "CSV UTF-8" in report.fatal
    assert len(catalogue.workbook.table(ORDERS)) == 0


@pytest.mark.parametrize(
    ("content", "mapping", "says"),
    [
        (
            "missing_columns.csv",
            None,
            "not a Shopify orders export: it has no column Name, Lineitem quantity",
        ),
        (
            "missing_columns.csv",
            {"external_ref": "Order", "customer_name": "Customer", "sku": "Product"},
            "Quantity",
        ),
        ("missing_columns.csv", {**GENERIC_MAPPING, "customer_name": "Customer"}, "no column 'Mail'"),
        (b"", None, "The file is empty"),
        (b"Name,Lineitem quantity,Lineitem sku\n#1,\x00\x00,KIT-001\n", None, "not a CSV text file"),
    ],
)
def test_a_file_that_does_not_fit_gives_one_clear_sentence(catalogue, content, mapping, says):
    raw = data(content) if isinstance(content, str) else content
    report = import_orders(catalogue.workbook, raw, by=STAFF, mapping=mapping)
    assert report.fatal is not None and says in report.fatal
    assert report.lines() == [report.fatal]
    assert len(catalogue.workbook.table(ORDERS)) == 0


def test_a_generic_csv_is_read_through_a_column_mapping(catalogue):
    raw = data("generic_orders.csv")
    columns = header_of(raw)
    assert not is_shopify(columns) and "Buyer" in columns
    report = import_orders(catalogue.workbook, raw, by=STAFF, mapping=GENERIC_MAPPING)
    assert report.clean and report.created == ["M-77", "M-78"]
    first = orders(catalogue)["M-77"]
    assert (first.channel, first.ship_address, first.payment_status, first.total) == (
        "marketplace",
        "5 Orchard Way, 40210 Ashford Vale, DE",
        "paid",
        45,
    )
    assert lines(catalogue, first.order_id) == [
        ("KIT-001", 1, 29),
        ("MUG-003", 2, 8),
    ]  # blank price: the product's
    again = import_orders(catalogue.workbook, raw, by=STAFF, mapping=GENERIC_MAPPING)
    assert (again.created, again.unchanged) == ([], 2)


def test_the_mapping_typed_on_the_command_line():
    assert parse_mapping("external_ref=Order no, sku=Item,qty=Count") == {
        "external_ref": "Order no",
        "sku": "Item",
        "qty": "Count",
    }
    with pytest.raises(ProcessError, match="not field=Column"):
        parse_mapping("colour=Red")


def test_the_command_prints_the_report_and_exits_by_how_it_went(catalogue, tmp_path):
    said: list[str] = []
    assert run_import_command(catalogue.workbook, DATA / "shopify_orders.csv", out=said.append) == 0
    assert said == ["4 orders imported with 7 lines; 0 payment statuses updated; 0 already imported."]
    assert run_import_command(catalogue.workbook, DATA / "shopify_malformed.csv", out=said.append) == 1
    assert run_import_command(catalogue.workbook, DATA / "shopify_latin1.csv", out=said.append) == 2
    assert run_import_command(catalogue.workbook, tmp_path / "nothing.csv", out=said.append) == 2
    mapped = ",".join(f"{name}={column}" for name, column in GENERIC_MAPPING.items())
    code = run_import_command(
        catalogue.workbook, DATA / "generic_orders.csv", mapping=mapped, out=said.append
    )
    assert code == 0 and said[-1].startswith("2 orders imported")


def test_ten_thousand_lines_import_in_parts_google_accepts(google):
    """Each part one read and one write, every request body under 9 MB (the fake refuses above 10 MB)."""
    seed_products(google.workbook)
    export = shopify_export(10_000)
    google.fake.reset_counts()
    seen: list[float] = []
    report = import_orders(
        google.workbook, export, by=STAFF, progress=lambda fraction, words: seen.append(fraction)
    )
    assert report.clean and report.lines_added == 10_000
    writes = google.fake.logged("batchUpdate")
    sizes = [len(json.dumps(entry.body)) for entry in writes]
    assert len(writes) > 1 and max(sizes) < MAX_BODY_BYTES
    assert google.fake.count("values.batchGet") <= 2 * len(writes)  # the same few per part, whatever the size
    assert seen == sorted(seen) and seen[-1] == 1.0
    google.workbook.invalidate()
    refs = [order.external_ref for order in google.workbook.table(ORDERS).records()]
    assert len(refs) == len(set(refs)) == len(report.created)
    google.fake.reset_counts()
    again = import_orders(google.workbook, export, by=STAFF)
    assert (again.created, again.unchanged) == ([], len(report.created))
    assert google.fake.count("batchUpdate") == 0


# matching an order already in the sheet ------------------------------------

SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country"
)


def shopify(*rows: str, header: str = SHOPIFY_HEADER) -> bytes:
    """A small Shopify export: the header, then `rows` as typed."""
    return "\n".join((header, *rows)).encode("utf-8") + b"\n"


def sheet_row(record, ref: str) -> int:
    """The sheet row (1-based, header row 1) of the order with external reference `ref`."""
    rows = record.person.values("Orders")
    column = rows[0].index("external_ref")
    return next(number for number, row in enumerate(rows, start=1) if row[column] == ref)


def seed_order_fields(record, ref: str, changes: dict[str, object]) -> None:
    """What the app recorded on an order since it was imported (payment, shipment ...)."""
    order_id = orders(record)[ref].order_id
    with record.workbook.transaction(ORDERS, user="seed", action="seed") as tx:
        tx.update(tx.require(ORDERS, order_id), changes)


def test_an_order_whose_row_cannot_be_read_is_reported_and_not_imported_again(catalogue):
    import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    row = sheet_row(catalogue, "#1001")
    catalogue.person.set_cell("Orders", row, "total", "12,34 EUR")
    report = import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    assert (report.created, report.updated, report.unchanged) == ([], [], 3)
    assert len(catalogue.person.values("Orders")) == 1 + 4  # no second #1001
    (problem,) = report.problems
    assert "line 2 (#1001)" in str(problem)
    assert f"Orders, row {row}, column total" in str(problem)
    assert catalogue.person.cell("Orders", row, "total") == "12,34 EUR"  # left alone


@pytest.mark.parametrize(
    ("recorded", "word"),
    [("paid", "pending"), ("refunded", "paid"), ("partially_refunded", "pending"), ("voided", "pending")],
)
def test_an_import_never_moves_a_payment_back_from_what_the_app_recorded(catalogue, recorded, word):
    row = "#5001,ann@example.com,{},,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Ann Lee,1 Mill Lane,Riverton,12345,DE"
    import_orders(catalogue.workbook, shopify(row.format("pending")), by=STAFF)
    seed_order_fields(catalogue, "#5001", {"payment_status": recorded})
    report = import_orders(catalogue.workbook, shopify(row.format(word)), by=STAFF)
    assert orders(catalogue)["#5001"].payment_status == recorded
    assert (report.updated, report.unchanged, report.changes) == ([], 1, [])


def test_a_payment_recorded_in_the_app_survives_importing_the_same_file_again(catalogue):
    import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    record_payment(catalogue.workbook, orders(catalogue)["#1002"].order_id, by=STAFF)
    report = import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    assert orders(catalogue)["#1002"].payment_status == "paid"
    assert (report.updated, report.unchanged, report.problems) == ([], 4, [])


def test_an_order_number_of_another_customer_is_reported_and_nothing_is_merged(catalogue, tmp_path):
    import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    seed_order_fields(catalogue, "#1001", {"status": "delivered"})
    before = orders(catalogue)
    other = shopify(
        "#1001,zed@example.com,refunded,,2026-04-01 10:00:00 +0000,1,Mug,8.00,MUG-003,Zed Ulm,9 Quay,Riverton,12345,DE",
        "#1002,yan@example.com,paid,2026-04-01 10:05:00 +0000,2026-04-01 10:05:00 +0000,1,Pan,12.50,KIT-002,Yan Oz,8 Quay,Riverton,12345,DE",
        # the same customer, the address written another way: the same order
        "#1004,LUCAS@example.com ,paid,,2026-03-01 11:59:00 +0000,1,Kettle,30.00,KIT-001,Lucas Moreau,3 Elm Avenue,Oakham Hill,20095,FR",
    )
    report = import_orders(catalogue.workbook, other, by=STAFF)
    after = orders(catalogue)
    assert [after[ref].to_dict() for ref in before] == [before[ref].to_dict() for ref in before]
    assert (report.created, report.updated, report.unchanged, report.changes) == ([], [], 1, [])
    assert sorted(report.left_alone) == ["#1001", "#1002"]
    said = [str(problem) for problem in report.problems]
    assert said[0].startswith("line 2 (#1001):") and before["#1001"].order_id in said[0]
    assert "another customer" in said[0] and "another customer" in said[1]
    (tmp_path / "other.csv").write_bytes(other)
    assert run_import_command(catalogue.workbook, tmp_path / "other.csv", out=lambda line: None) == 1
    assert len(orders(catalogue)) == 4 and len(catalogue.workbook.table(ORDER_LINES)) == 7


def test_every_change_to_an_existing_order_is_listed_in_the_report(catalogue):
    import_orders(catalogue.workbook, data("shopify_orders.csv"), by=STAFF)
    order_id = orders(catalogue)["#1002"].order_id
    report = import_orders(catalogue.workbook, data("shopify_orders_later.csv"), by=STAFF)
    assert [(c.ref, c.order_id, c.column, c.old, c.new) for c in report.changes] == [
        ("#1002", order_id, "payment_status", "pending", "paid"),
        ("#1002", order_id, "paid_at", None, datetime(2026, 3, 2, 8, 0)),
    ]
    assert f"#1002 ({order_id}): payment_status pending → paid" in report.lines()
    assert f"#1002 ({order_id}): paid_at (empty) → 2026-03-02 08:00" in report.lines()


# what the file says is kept as it says it -----------------------------------

AMOUNTS_HEADER = (
    "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,"
    "Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,"
    "Shipping Country,Notes"
)


def test_the_apostrophe_shopify_puts_before_a_postcode_is_dropped_and_the_zeros_kept(catalogue):
    report = import_orders(
        catalogue.workbook,
        shopify(
            "#6001,eve@example.com,paid,,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Eve Roy,8 Rue Royale,Paris,'75008,FR",
            "#6002,al@example.com,paid,,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Al Tan,1 Elm St,Boston,'02134,US",
            "#6003,bo@example.com,paid,,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Bo Ek,2 Elm St,Boston,''0042,US",
        ),
        by=STAFF,
    )
    assert report.clean, report.lines()
    addresses = {ref: order.ship_address for ref, order in orders(catalogue).items()}
    assert addresses == {
        "#6001": "8 Rue Royale, 75008 Paris, FR",
        "#6002": "1 Elm St, 02134 Boston, US",  # text: the leading zero stays
        "#6003": "2 Elm St, '0042 Boston, US",  # only the one apostrophe Shopify adds
    }


def test_the_total_is_the_files_with_shipping_and_tax_kept_in_their_own_columns(catalogue):
    report = import_orders(
        catalogue.workbook,
        shopify(
            "#7001,eve@example.com,paid,EUR,252.80,4.90,42.13,257.70,2026-03-03 10:00:00 +0000,2,Kettle,126.40,KIT-001,Eve Roy,8 Rue Royale,Paris,75008,FR,",
            header=AMOUNTS_HEADER,
        ),
        by=STAFF,
    )
    assert report.clean, report.lines()
    order = orders(catalogue)["#7001"]
    assert (order.total, order.subtotal, order.shipping, order.tax) == (257.7, 252.8, 4.9, 42.13)
    row = catalogue.person.values("Orders")[sheet_row(catalogue, "#7001") - 1]
    header = catalogue.person.values("Orders")[0]
    assert row[header.index("total")] == 257.7 and row[header.index("currency")] == "EUR"


def test_an_unreadable_or_negative_amount_is_the_lines_problem_and_the_order_waits(catalogue):
    report = import_orders(
        catalogue.workbook,
        shopify(
            "#7002,eve@example.com,paid,EUR,30.00,4.90,0,lots,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Eve Roy,8 Rue Royale,Paris,75008,FR,",
            "#7003,al@example.com,paid,EUR,30.00,-4.90,0,25.10,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Al Tan,1 Elm St,Boston,02134,US,",
            header=AMOUNTS_HEADER,
        ),
        by=STAFF,
    )
    assert [str(problem) for problem in report.problems] == [
        "line 2 (#7002): the total 'lots' is not a number",
        "line 3 (#7003): the shipping cannot be negative (-4.9)",
    ]
    assert report.skipped == ["#7002", "#7003"] and orders(catalogue) == {}


def test_each_order_keeps_its_currency_and_one_without_gets_none(catalogue):
    shop = shopify(
        "#7004,eve@example.com,paid,USD,30.00,0,0,30.00,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Eve Roy,1 Elm St,Boston,02134,US,",
        "#7005,al@example.com,paid,EUR,30.00,0,0,30.00,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Al Tan,8 Rue Royale,Paris,75008,FR,",
        header=AMOUNTS_HEADER,
    )
    assert import_orders(catalogue.workbook, shop, by=STAFF).clean
    assert import_orders(
        catalogue.workbook, data("generic_orders.csv"), by=STAFF, mapping=GENERIC_MAPPING
    ).clean
    by_ref = orders(catalogue)
    assert (by_ref["#7004"].currency, by_ref["#7005"].currency) == ("USD", "EUR")
    # no currency in the file and no shop currency in Settings: left blank, the total the lines' sum
    assert (by_ref["M-77"].currency, by_ref["M-77"].total, by_ref["M-77"].shipping) == (None, 45, None)


def test_a_note_on_several_lines_does_not_shift_the_row_numbers_after_it(catalogue):
    report = import_orders(
        catalogue.workbook,
        shopify(
            "#8001,eve@example.com,paid,EUR,30.00,0,0,30.00,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Eve Roy,8 Rue Royale,Paris,75008,FR,",
            '#8002,al@example.com,paid,EUR,30.00,0,0,30.00,2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Al Tan,1 Elm St,Boston,02134,US,"Ring twice.\nLeave it with\nthe neighbour"',
            "#8003,bo@example.com,paid,EUR,30.00,0,0,30.00,2026-03-03 10:00:00 +0000,two,Kettle,30.00,KIT-001,Bo Ek,2 Elm St,Boston,02134,US,",
            header=AMOUNTS_HEADER,
        ),
        by=STAFF,
    )
    # the row a spreadsheet shows the third order on (the header is row 1), not text line 6
    assert [str(problem) for problem in report.problems] == [
        "line 4 (#8003): the quantity 'two' is not a whole number"
    ]
    assert report.created == ["#8001", "#8002"]


def test_a_semicolon_file_is_read_with_decimal_commas(catalogue):
    raw = "\n".join(
        (
            AMOUNTS_HEADER.replace(",", ";"),
            "#9001;eve@example.com;paid;EUR;1.264,00;4,90;0;1.268,90;2026-03-03 10:00:00 +0000;2;Kettle;632,00;KIT-001;=SUM(A1);8 Rue Royale, 2e;Paris;'75008;FR;",
            "#9002;al@example.com;paid;EUR;12,50;0;0;12.50;2026-03-03 10:00:00 +0000;1;Pan;12,5x;KIT-002;Al Tan;1 Elm St;Boston;02134;US;",
        )
    ).encode("utf-8")
    assert is_shopify(header_of(raw))
    report = import_orders(catalogue.workbook, raw, by=STAFF)
    assert [str(problem) for problem in report.problems] == [
        "line 3 (#9002): the price '12,5x' is not a number"
    ]
    order = orders(catalogue)["#9001"]
    assert (order.total, order.subtotal, order.shipping) == (1268.9, 1264, 4.9)
    assert lines(catalogue, order.order_id) == [("KIT-001", 2, 632)]
    # text stays text; a comma inside a field of a semicolon file is the text's
    assert (order.customer_name, order.ship_address) == ("=SUM(A1)", "8 Rue Royale, 2e, 75008 Paris, FR")


def test_a_tab_separated_file_is_read_and_a_comma_file_keeps_decimal_points(catalogue):
    tabbed = "\n".join(
        (
            AMOUNTS_HEADER.replace(",", "\t"),
            "#9101\teve@example.com\tpaid\tEUR\t30.00\t4.90\t0\t34.90\t2026-03-03 10:00:00 +0000\t1\tKettle, large\t30.00\tKIT-001\tEve Roy\t8 Rue Royale\tParis\t75008\tFR\t",
        )
    ).encode("utf-8")
    assert is_shopify(header_of(tabbed))
    report = import_orders(catalogue.workbook, tabbed, by=STAFF)
    assert report.clean, report.lines()
    assert orders(catalogue)["#9101"].total == 34.9
    # in a comma file "12,34" is no amount: an error of its line, as before
    comma = shopify(
        '#9102,al@example.com,paid,EUR,30.00,0,0,"30,00",2026-03-03 10:00:00 +0000,1,Kettle,30.00,KIT-001,Al Tan,1 Elm St,Boston,02134,US,',
        header=AMOUNTS_HEADER,
    )
    report = import_orders(catalogue.workbook, comma, by=STAFF)
    assert [str(problem) for problem in report.problems] == [
        "line 2 (#9102): the total '30,00' is not a number"
    ]


# a payment the shop had already ended when the order arrives -----------------

KETTLES = "#5101,ann@example.com,{},2026-03-03 10:05:00 +0000,2026-03-03 10:00:00 +0000,2,Kettle,30.00,KIT-001,Ann Lee,1 Mill Lane,Riverton,12345,DE"


@pytest.mark.parametrize("word", ["refunded", "voided"])
def test_a_new_order_the_shop_already_refunded_or_voided_arrives_cancelled(catalogue, word):
    workbook = catalogue.workbook
    location = stocked_location(catalogue)
    report = import_orders(workbook, shopify(KETTLES.format(word)), by=STAFF, location_id=location)
    assert report.clean, report.lines()
    order = orders(catalogue)["#5101"]
    assert (order.status, order.payment_status, order.paid_at) == ("cancelled", word, None)
    # the record of the sale is kept, and the report says how it arrived
    assert report.created == ["#5101"] and lines(catalogue, order.order_id) == [("KIT-001", 2, 30)]
    assert "1 of them arrived cancelled: see below" in report.summary()
    assert f"#5101 ({order.order_id}): arrived cancelled: {word} in the shop" in report.lines()
    with i18n.use_language("zh"):
        assert f"店铺中{i18n.value(word)}" in str(report.arrived_cancelled[0])
    # nothing to confirm or pay, and no stock reserved for it
    assert order_steps(order, STAFF) == []
    for step in (confirm_order, record_payment):
        with pytest.raises(ProcessError, match="cancelled"):
            step(workbook, order.order_id, by=STAFF)
    stock = workbook.table(STOCK).get(("KIT-001", location))
    assert (stock.on_hand, stock.reserved) == (5, 0)
    # the same file again: already there, nothing more to say
    again = import_orders(workbook, shopify(KETTLES.format(word)), by=STAFF)
    assert (again.created, again.unchanged, again.arrived_cancelled) == ([], 1, [])


def test_a_confirmed_order_a_later_file_reports_refunded_is_cancelled_and_its_stock_released(catalogue):
    workbook = catalogue.workbook
    location = stocked_location(catalogue)
    import_orders(workbook, shopify(KETTLES.format("paid")), by=STAFF, location_id=location)
    order = orders(catalogue)["#5101"]
    assert confirm_order(workbook, order.order_id, by=STAFF).status == "paid"
    assert workbook.table(STOCK).get(("KIT-001", location)).reserved == 2
    report = import_orders(workbook, shopify(KETTLES.format("refunded")), by=STAFF)
    assert (report.updated, report.arrived_cancelled) == (["#5101"], [])
    assert (orders(catalogue)["#5101"].status, orders(catalogue)["#5101"].payment_status) == (
        "cancelled",
        "refunded",
    )
    assert workbook.table(STOCK).get(("KIT-001", location)).reserved == 0


def test_a_new_partially_refunded_order_stays_live_and_counts_as_paid(catalogue):
    workbook = catalogue.workbook
    location = stocked_location(catalogue)
    report = import_orders(
        workbook, shopify(KETTLES.format("partially_refunded")), by=STAFF, location_id=location
    )
    assert report.clean and report.arrived_cancelled == []
    order = orders(catalogue)["#5101"]
    # paid (in part), stamped when it was paid, so the paid-but-not-shipped alert counts from then
    assert (order.status, order.payment_status, str(order.paid_at)) == (
        "new",
        "partially_refunded",
        "2026-03-03 10:05:00",
    )
    assert [step.action for step in order_steps(order, STAFF)] == ["confirm", "cancel"]
    assert confirm_order(workbook, order.order_id, by=STAFF).status == "paid"
    assert workbook.table(STOCK).get(("KIT-001", location)).reserved == 2
