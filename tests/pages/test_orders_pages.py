"""The order pages through NiceGUI's simulated user, over a real local workbook."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from processes import master_data
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, ledger_issues, post_move
from sheets.tabs import ORDERS, OUTBOX, STOCK, SURVEYS
from tests.pages.waiting import eventually

SEED = Actor("seed", "admin")
DATA = Path(__file__).parents[1] / "data"


def seed_shop(workbook) -> str:
    """A warehouse with kettles, pans and mugs in stock; returns its location ID."""
    main = master_data.add_record(
        workbook, master_data.LOCATION, {"name": "Main warehouse"}, by=SEED
    ).location_id
    products = (("KIT-001", "Kettle", 30), ("KIT-002", "Pan", 12.5), ("MUG-003", "Mug", 8))
    for sku, name, price in products:
        master_data.add_record(
            workbook, master_data.PRODUCT, {"sku": sku, "name": name, "price": price}, by=SEED
        )
    with workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
        for sku, _name, _price in products:
            post_move(tx, sku=sku, qty=10, reason="adjustment", to_location=main)
    return main


def pick(user: User, field: str, option: str) -> None:
    user.find(field).click()
    user.find(option).click()


def orders_by_ref(workbook) -> dict:
    workbook.invalidate()
    return {order.external_ref: order for order in workbook.table(ORDERS).records()}


async def upload(user: User, name: str) -> None:
    [uploader] = user.find(ui.upload).elements
    await uploader.handle_uploads([SmallFileUpload(name, "text/csv", (DATA / name).read_bytes())])
    await user.should_see(marker="file-kind")


async def test_importing_a_good_file_then_a_malformed_one_reports_each_bad_line(app_workbook, manager: User):
    seed_shop(app_workbook)
    await manager.open("/orders/import")
    await upload(manager, "shopify_orders.csv")
    await manager.should_see("shopify_orders.csv: a Shopify orders export.")
    manager.find(marker="run-import").click()
    await manager.should_see(
        "4 orders imported with 7 lines; 0 payment statuses updated; 0 already imported."
    )
    assert set(orders_by_ref(app_workbook)) == {"#1001", "#1002", "#1003", "#1004"}

    await upload(manager, "shopify_malformed.csv")
    manager.find(marker="run-import").click()
    await manager.should_see("line 5 (#2003): unknown SKU 'NOPE-404'")
    await manager.should_see("line 4 (#2002): the quantity 'two' is not a whole number")
    await manager.should_see("5 orders not imported because of bad lines", kind=ui.label)
    assert {"#2001", "#2007"} <= set(orders_by_ref(app_workbook))

    await upload_bad_encoding(manager)
    assert len(orders_by_ref(app_workbook)) == 6


REFUNDED_EXPORT = (
    b"Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,"
    b"Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country\n"
    b"#3001,ann@example.com,refunded,2026-03-03 10:00:00 +0000,2,Kettle,30.00,KIT-001,"
    b"Ann Lee,1 Mill Lane,Riverton,12345,DE\n"
)


async def test_an_order_the_shop_already_refunded_arrives_cancelled_with_no_step_to_confirm_or_pay(
    app_workbook, manager: User
):
    main = seed_shop(app_workbook)
    await manager.open("/orders/import")
    [uploader] = manager.find(ui.upload).elements
    await uploader.handle_uploads([SmallFileUpload("refunded.csv", "text/csv", REFUNDED_EXPORT)])
    await manager.should_see(marker="file-kind")
    manager.find(marker="run-import").click()
    await manager.should_see("1 of them arrived cancelled: see below", kind=ui.label)
    order = orders_by_ref(app_workbook)["#3001"]
    await manager.should_see(f"#3001 ({order.order_id}): arrived cancelled: refunded in the shop")
    assert (order.status, order.payment_status) == ("cancelled", "refunded")

    await manager.open(f"/orders/{order.order_id}")
    await manager.should_see("Nothing more to do for this order.")
    for action in ("confirm", "record_payment_early", "record_payment", "cancel"):
        await manager.should_not_see(marker=f"step-{action}")
    assert app_workbook.table(STOCK).get(("KIT-001", main)).reserved == 0


async def upload_bad_encoding(user: User) -> None:
    [uploader] = user.find(ui.upload).elements
    await uploader.handle_uploads(
        [SmallFileUpload("latin.csv", "text/csv", (DATA / "shopify_latin1.csv").read_bytes())]
    )
    await user.should_see("The file is not UTF-8 text", kind=ui.label)
    await user.should_not_see(marker="run-import")


async def test_an_order_is_entered_and_taken_from_new_to_delivered(app_workbook, manager: User):
    main = seed_shop(app_workbook)
    await manager.open("/orders/new")
    manager.find("Customer name *").type("Ann Lee")
    manager.find("Customer email").type("ann@example.com")
    manager.find("Street and number").type("12 Mill Lane")
    manager.find("Postcode").type("12345")
    manager.find("Town").type("Riverton")
    pick(manager, "Ships from", f"Main warehouse ({main})")
    pick(manager, "Product 1", "Kettle (KIT-001)")
    manager.find("Quantity 1").clear().type("2")
    manager.find("Create order").click()
    await eventually(lambda: len(app_workbook.table(ORDERS)) == 1)
    [order] = app_workbook.table(ORDERS).records()
    order_id = order.order_id
    assert (order.customer_name, order.ship_address, order.total) == (
        "Ann Lee",
        "12 Mill Lane, 12345 Riverton",
        60,
    )

    await manager.open(f"/orders/{order_id}")
    await manager.should_see(marker="step-confirm")
    await manager.should_see(marker="step-record_payment_early")
    await manager.should_not_see(marker="step-ship")  # only the steps allowed now

    async def step(action: str, done: str) -> None:
        manager.find(marker=f"step-{action}").click()
        await manager.should_see(f"Order {order_id} {done}")

    await step("confirm", "is confirmed")
    assert app_workbook.table(STOCK).get(("KIT-001", main)).reserved == 2
    await step("record_payment", "is paid")
    await step("start_picking", "is being picked")
    await manager.should_see(marker="step-pack")
    manager.find(marker="step-pack").click()
    await manager.should_see("not picked yet: 2 × KIT-001")
    for line in manager.find(ui.checkbox).elements:
        line.value = True
    await step("pack", "is packed")
    manager.find(marker="step-ship").click()
    await manager.should_see("Shipping needs the carrier and the tracking number.")
    manager.find("Carrier").type("DHL")
    manager.find("Tracking number").type("JD0146")
    await step("ship", "is shipped")
    stock = app_workbook.table(STOCK).get(("KIT-001", main))
    assert (stock.on_hand, stock.reserved) == (8, 0)
    assert ledger_issues(app_workbook) == []
    await step("deliver", "is delivered")
    await manager.should_see("Nothing more to do for this order.")
    await manager.should_see("delivered", kind=ui.label)
    delivered = app_workbook.table(ORDERS).get(order_id)
    assert (delivered.status, delivered.carrier, delivered.tracking_no) == ("delivered", "DHL", "JD0146")
    [survey] = app_workbook.table(SURVEYS).records()
    subjects = sorted(message.subject for message in app_workbook.table(OUTBOX).records())
    assert subjects == [f"How did we do with your order {order_id}?", f"Your order {order_id} is on its way"]
    survey_mail = next(m for m in app_workbook.table(OUTBOX).records() if m.subject.startswith("How"))
    assert f"/public/survey/{survey.token}" in survey_mail.body


async def test_the_list_filters_by_status_and_searches_and_the_pick_list_groups_by_sku(
    app_workbook, manager: User
):
    main = seed_shop(app_workbook)
    from processes.orders import confirm_order, import_orders, start_picking

    import_orders(app_workbook, (DATA / "shopify_orders.csv").read_bytes(), by=SEED, location_id=main)
    by_ref = orders_by_ref(app_workbook)
    for ref in ("#1001", "#1004"):
        confirm_order(app_workbook, by_ref[ref].order_id, by=SEED)
        start_picking(app_workbook, by_ref[ref].order_id, by=SEED)

    await manager.open("/orders")
    await manager.should_see("Page 1 of 1 · 4 orders")
    pick(manager, "Show", "picking")
    await manager.should_see("Page 1 of 1 · 2 orders")
    [table] = manager.find(ui.table).elements
    assert sorted(row["external_ref"] for row in table.rows) == ["#1001", "#1004"]
    manager.find("Search").type("lucas")
    await manager.should_see("Page 1 of 1 · 1 order")

    await manager.open("/orders/picking")
    await manager.should_see(f"Main warehouse ({main})")
    [table] = manager.find(ui.table).elements
    assert {row["sku"]: row["qty"] for row in table.rows} == {"KIT-001": 3, "KIT-002": 2, "MUG-003": 1}
    kettles = next(row for row in table.rows if row["sku"] == "KIT-001")
    assert "#1001 (2)" in kettles["orders"]  # the number the customer knows, not the internal ID


async def test_a_new_order_on_an_empty_workbook_says_to_add_products_and_locations_first(
    app_workbook, manager: User
):
    await manager.open("/orders/new")
    await manager.should_see(marker="setup-hint")
    await manager.should_see(kind=ui.link, content="products")
    await manager.should_see(kind=ui.link, content="locations")


async def test_an_order_page_read_from_the_audit_s_newest_rows_says_older_changes_are_not_shown(
    app_workbook, manager: User, monkeypatch
):
    from types import SimpleNamespace

    from processes import orders
    from tests.google.test_targeted_reads import seed_shop as seed_orders

    [order_id] = seed_orders(SimpleNamespace(workbook=app_workbook), 1)
    view_of = orders.order_view

    def newest_audit_only(workbook, order_id):
        view = view_of(workbook, order_id)
        view.audit_read = 5_000  # as a big Audit on Google reads it
        return view

    monkeypatch.setattr(orders, "order_view", newest_audit_only)
    await manager.open(f"/orders/{order_id}")
    await manager.should_see(
        "Changes older than the newest 5,000 rows in the Audit are not shown here; "
        "the Audit tab holds them all.",
        kind=ui.label,
    )
