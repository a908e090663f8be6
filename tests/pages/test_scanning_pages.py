"""Scanning on the warehouse pages through NiceGUI's simulated user: a scan is a code typed, then Enter."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from processes import inventory, master_data, orders
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from sheets.tabs import ORDERS, PRODUCTS, RECEIPTS, STOCK, STOCK_COUNTS, SUPPLIERS, TRANSFERS
from tests.pages.waiting import eventually

SEED = Actor("seed", "admin")
KETTLE_CODE = "4006381333931"


def seed_warehouse(workbook) -> str:
    """A warehouse with kettles (barcoded, bin A-01) and pans (bin B-02), 10 of each; its location ID."""
    main = master_data.add_record(
        workbook, master_data.LOCATION, {"name": "Main warehouse"}, by=SEED
    ).location_id
    for sku, name, code in (("KIT-001", "Kettle", KETTLE_CODE), ("KIT-002", "Pan", None)):
        master_data.add_record(
            workbook, master_data.PRODUCT, {"sku": sku, "name": name, "price": 10}, by=SEED
        )
        with workbook.transaction(PRODUCTS, user="seed", action="barcode") as tx:
            tx.update(tx.require(PRODUCTS, sku), {"barcode": code})
    with workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
        for sku in ("KIT-001", "KIT-002"):
            post_move(tx, sku=sku, qty=10, reason="adjustment", to_location=main)
    with workbook.transaction(STOCK, user="seed", action="bins") as tx:
        for sku, place in (("KIT-001", "A-01"), ("KIT-002", "B-02")):
            tx.update(tx.require(STOCK, (sku, main)), {"bin": place})
    return main


def order_being_picked(workbook, main: str, ref: str = "#1001") -> str:
    order = orders.enter_order(
        workbook,
        customer_name="Ann Lee",
        customer_email="ann@example.com",
        ship_address="12 Mill Lane, Riverton 12345",
        location_id=main,
        lines=[orders.read_line("KIT-001", 2), orders.read_line("KIT-002", 1)],
        by=SEED,
    )
    with workbook.transaction(ORDERS, user="seed", action="ref") as tx:
        tx.update(tx.require(ORDERS, order.order_id), {"external_ref": ref})
    for step in ("confirm", "record_payment", "start_picking"):
        orders.take_step(workbook, order.order_id, step, by=SEED)
    return order.order_id


def scan(user: User, code: str, field: str = "scan") -> None:
    """What a keyboard-wedge scanner does: the code's characters, then Enter."""
    user.find(marker=field).type(code).trigger("keydown.enter")


async def verdict(user: User, text: str) -> None:
    await user.should_see(text, marker="scan-verdict")


async def test_the_packing_station_packs_an_order_only_once_every_unit_is_scanned(
    app_workbook, manager: User
):
    main = seed_warehouse(app_workbook)
    order_id = order_being_picked(app_workbook, main)

    await manager.open("/orders/packing")
    scan(manager, "#1001")
    await manager.should_see(marker="order-number")
    await manager.should_see("Order #1001")
    await manager.should_see("3 units still to scan")
    await manager.should_not_see(marker="pack")

    scan(manager, "0" + KETTLE_CODE)  # a UPC read as an EAN-13 finds the same product
    await verdict(manager, "Kettle: 1 of 2.")
    scan(manager, "MUG-009")
    await verdict(manager, "No product has the code MUG-009.")
    scan(manager, "kit-001")
    await verdict(manager, "Kettle: 2 of 2, complete.")
    scan(manager, KETTLE_CODE)
    await verdict(manager, "Kettle: all 2 are already counted; put this one back.")
    scan(manager, "KIT-002")
    await manager.should_see(marker="pack")
    manager.find(marker="pack").click()

    await manager.should_see("Order #1001 is packed")
    await eventually(lambda: _fresh(app_workbook).table(ORDERS).get(order_id).status == "packed")


async def test_a_wrong_item_is_refused_at_the_packing_station(app_workbook, manager: User):
    main = seed_warehouse(app_workbook)
    master_data.add_record(app_workbook, master_data.PRODUCT, {"sku": "MUG-003", "name": "Mug"}, by=SEED)
    order_id = order_being_picked(app_workbook, main)

    await manager.open(f"/orders/packing/{order_id}")
    await manager.should_see("3 units still to scan")
    scan(manager, "MUG-003")

    await verdict(manager, "Wrong item: Mug is not on this list.")
    await manager.should_see("3 units still to scan")


async def test_the_batch_pick_list_walks_bin_by_bin_and_ticks_lines_by_scan(app_workbook, manager: User):
    main = seed_warehouse(app_workbook)
    order_being_picked(app_workbook, main, "#1001")

    await manager.open("/orders/picking")
    await manager.should_see(f"Main warehouse ({main})")
    [table] = manager.find(ui.table).elements
    assert [(row["bin"], row["sku"], row["orders"]) for row in table.rows] == [
        ("A-01", "KIT-001", "#1001 (2)"),
        ("B-02", "KIT-002", "#1001 (1)"),
    ]
    scan(manager, "KIT-002")
    await verdict(manager, "Pan: 1 of 1, complete.")
    [table] = manager.find(ui.table).elements
    assert [row["done"] for row in table.rows] == [False, True]


async def test_a_stocktake_counts_by_scan_one_unit_or_a_typed_quantity_after_a_bin(
    app_workbook, manager: User
):
    main = seed_warehouse(app_workbook)
    session_id = inventory.start_stocktake(app_workbook, main, by=SEED)

    await manager.open(f"/inventory/stocktake/{session_id}")
    await manager.should_see("Count sheet")
    scan(manager, "a-01")
    await verdict(manager, "Now counting at A-01.")
    scan(manager, KETTLE_CODE)
    await verdict(manager, "Kettle: 1 counted.")
    scan(manager, KETTLE_CODE)
    await verdict(manager, "Kettle: 2 counted.")
    manager.find(marker="scan-qty").type("7")
    scan(manager, "KIT-002")
    await verdict(manager, "Pan: 7 counted.")
    manager.find("Save counts").click()

    await manager.should_see("2 counts saved")
    app_workbook.invalidate()
    counted = {line.sku: line.counted_qty for line in app_workbook.table(STOCK_COUNTS).records()}
    assert counted == {"KIT-001": 2, "KIT-002": 7}


async def test_a_delivery_is_counted_by_scan_and_received_once(app_workbook, manager: User):
    main = seed_warehouse(app_workbook)
    po_id = _ordered_purchase(app_workbook, main, qty=5)

    await manager.open(f"/procurement/orders/{po_id}")
    await manager.should_see(marker="scan")
    for unit in (1, 2, 3):
        scan(manager, KETTLE_CODE)
        await verdict(manager, f"Kettle: {unit} of 5.")
    scan(manager, "KIT-002")
    await verdict(manager, "Wrong item: Pan is not on this list.")
    manager.find("Record the delivery").click()

    await manager.should_see("into stock")
    app_workbook.invalidate()
    [receipt] = app_workbook.table(RECEIPTS).records()
    assert (receipt.qty_received, receipt.qty_accepted) == (3, 3)


def _ordered_purchase(workbook, main: str, qty: int) -> str:
    """A purchase order for kettles, sent to the supplier and ready to receive."""
    from tests.pages.test_procurement_pages import ordered

    ids = {"main": main}
    with workbook.transaction(SUPPLIERS, user="seed", action="suppliers") as tx:
        for name in ("Hangzhou", "Lakeside", "Greenleaf"):
            ids[name] = tx.insert(SUPPLIERS, {"name": name, "lead_time_days": 7, "rating": 4}).supplier_id
    return ordered(workbook, ids, qty).po_id


def _fresh(workbook):
    workbook.invalidate()
    return workbook


async def test_a_transfer_is_received_by_scan(app_workbook, manager: User):
    main = seed_warehouse(app_workbook)
    store = master_data.add_record(
        app_workbook, master_data.LOCATION, {"name": "City store"}, by=SEED
    ).location_id
    transfer = inventory.request_transfer(
        app_workbook, sku="KIT-001", from_location=main, to_location=store, qty=2, by=SEED
    )
    inventory.ship_transfer(app_workbook, transfer.transfer_id, by=SEED)

    await manager.open("/inventory/transfers")
    await manager.should_see(marker=f"receive-{transfer.transfer_id}")
    manager.find(marker=f"receive-{transfer.transfer_id}").click()
    await manager.should_see(marker="scan")
    scan(manager, KETTLE_CODE)
    await verdict(manager, "Kettle: 1 of 2.")
    scan(manager, KETTLE_CODE)
    await verdict(manager, "Kettle: 2 of 2, complete.")
    manager.find(marker="step-receive").click()

    await eventually(
        lambda: _fresh(app_workbook).table(TRANSFERS).get(transfer.transfer_id).status == "received"
    )
    assert _fresh(app_workbook).table(TRANSFERS).get(transfer.transfer_id).qty_received == 2


async def test_the_printed_documents_name_orders_by_their_number_and_need_a_login(
    app_workbook, manager: User
):
    main = seed_warehouse(app_workbook)
    order_id = order_being_picked(app_workbook, main, "#1001")
    with app_workbook.transaction(ORDERS, user="seed", action="name") as tx:
        tx.update(tx.require(ORDERS, order_id), {"customer_name": "<b>Ann</b>"})

    slip = await manager.http_client.get(f"/orders/{order_id}/packing-slip")
    assert slip.status_code == 200 and "Order #1001" in slip.text and "A-01" in slip.text
    assert "&lt;b&gt;Ann&lt;/b&gt;" in slip.text and "3 units in this parcel." in slip.text
    picking = await manager.http_client.get("/orders/picking/print?states=picking")
    assert "#1001 (2)" in picking.text and order_id not in picking.text
    assert picking.text.index("A-01") < picking.text.index("B-02")  # bin by bin
    labels = await manager.http_client.get("/products/labels?sku=KIT-001")
    assert labels.status_code == 200 and labels.text.count("<svg") == 1 and KETTLE_CODE in labels.text
    missing = await manager.http_client.get("/orders/ORD-NOPE/packing-slip")
    assert missing.status_code == 404

    manager.find("Log out").click()
    await manager.should_see("Log in")
    away = await manager.http_client.get(f"/orders/{order_id}/packing-slip")
    assert away.headers["location"].startswith("/login")


async def test_the_products_page_gives_barcodes_to_products_without_one(app_workbook, manager: User):
    seed_warehouse(app_workbook)

    await manager.open("/products")
    manager.find("Give a barcode to products without one").click()

    await manager.should_see("1 product got a barcode")
    assert _fresh(app_workbook).table(PRODUCTS).get("KIT-002").barcode == "2000000000008"
