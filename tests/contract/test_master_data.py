"""Products, suppliers and locations on both backends: checked against the schema, never overwritten blindly."""

from __future__ import annotations

import re

import pytest

from processes import master_data
from processes.errors import ProcessError
from processes.master_data import LOCATION, PRODUCT, SUPPLIER, ListQuery
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from sheets.errors import ConflictError, InvalidValue
from sheets.ids import looks_like_id
from sheets.tabs import AUDIT

STAFF = Actor("sam", "staff")


def add_product(record, sku="KIT-001", **values):
    return master_data.add_record(
        record.workbook, PRODUCT, {"sku": sku, "name": "Kettle", **values}, by=STAFF
    )


def row_of(record, tab, key):
    rows = record.person.values(tab)
    header = rows[0]
    return next(dict(zip(header, row, strict=False)) for row in rows[1:] if key in row)


def test_a_product_is_added_with_typed_values_and_the_schema_defaults(record):
    added = add_product(record, price="$12.50", category="Kitchen", unit="")
    assert (added.sku, added.price, added.unit, added.active) == ("KIT-001", 12.5, "pcs", True)
    row = row_of(record, "Products", "KIT-001")
    assert (row["name"], row["price"], row["unit"], row["updated_by"]) == ("Kettle", 12.5, "pcs", "sam")


@pytest.mark.parametrize("sku", ["KIT-001", "kit-001", " KIT-001 "])
def test_a_duplicate_sku_is_refused_whatever_its_case_and_nothing_is_written(record, sku):
    add_product(record)
    before = record.person.values("Products")
    with pytest.raises(ProcessError, match="A product with SKU KIT-001 already exists."):
        add_product(record, sku=sku, name="Another kettle")
    assert record.person.values("Products") == before


@pytest.mark.parametrize(
    ("kind", "values", "says"),
    [
        (PRODUCT, {"sku": "KIT-002", "name": "Pan", "price": "abc"}, "price: expected a number, found 'abc'"),
        (PRODUCT, {"sku": "KIT-002", "name": "Pan", "unit_cost": -1}, "unit_cost: must be 0 or more, not -1"),
        (PRODUCT, {"sku": "KIT-002", "name": ""}, "name: is required"),
        (PRODUCT, {"name": "Pan"}, "sku: is required"),
        (PRODUCT, {"sku": "KIT 002", "name": "Pan"}, "sku: cannot contain spaces"),
        (
            PRODUCT,
            {"sku": "KIT-002", "name": "Pan", "supplier_id": "SUP-GONE"},
            "no supplier_id 'SUP-GONE' in",
        ),
        (PRODUCT, {"sku": "KIT-002", "name": "Pan", "pack_size": 0}, "pack_size: must be 1 or more, not 0"),
        (SUPPLIER, {"name": "Acme", "rating": 7}, "rating: must be at most 5, not 7"),
        (
            SUPPLIER,
            {"name": "Acme", "email": "sales at acme"},
            "email: 'sales at acme' is not an email address",
        ),
        (SUPPLIER, {"name": "Acme", "supplier_id": "SUP-MINE"}, "supplier_id: is assigned by the app"),
        (LOCATION, {"name": "Depot", "kind": "garage"}, "kind: must be one of: warehouse, store"),
        (LOCATION, {"name": "Depot", "colour": "red"}, "colour: Locations has no such field"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_field(record, kind, values, says):
    before = record.person.values(kind.tab.name)
    with pytest.raises(InvalidValue, match=says) as refused:
        master_data.add_record(record.workbook, kind, values, by=STAFF)
    assert refused.value.column in values or refused.value.column == kind.key
    assert record.person.values(kind.tab.name) == before


def test_a_product_names_its_usual_supplier_and_how_it_is_bought(record):
    supplier = master_data.add_record(
        record.workbook, SUPPLIER, {"name": "Acme", "lead_time_days": 9}, by=STAFF
    )
    added = add_product(
        record, supplier_id=supplier.supplier_id, pack_size="12", min_order_qty=48, do_not_reorder="TRUE"
    )
    assert (added.supplier_id, added.pack_size, added.min_order_qty, added.do_not_reorder) == (
        supplier.supplier_id,
        12,
        48,
        True,
    )


def test_suppliers_and_locations_get_their_ids_from_the_app(record):
    supplier = master_data.add_record(
        record.workbook, SUPPLIER, {"name": "Acme", "email": "sales@acme.example", "rating": "4"}, by=STAFF
    )
    location = master_data.add_record(record.workbook, LOCATION, {"name": "Depot", "kind": "Store"}, by=STAFF)
    assert looks_like_id("SUP", supplier.supplier_id)
    assert looks_like_id("LOC", location.location_id)
    assert (supplier.rating, location.kind, location.active) == (4, "store", True)


def test_an_edit_changes_only_what_changed_and_is_audited(record):
    add_product(record, price=10)
    loaded = master_data.get_record(record.workbook, PRODUCT, "KIT-001")
    edited = master_data.update_record(
        record.workbook, PRODUCT, "KIT-001", {"name": "Kettle", "price": "11.5"}, by=STAFF, base=loaded
    )
    assert edited.price == 11.5
    last = list(record.workbook.table(AUDIT).records())[-1]
    assert (last.action, last.record_id) == ("edit product: update", "KIT-001")
    assert re.fullmatch(r"price: 10(\.0)? → 11\.5", last.changes)  # the unchanged name is not in it


def test_an_edit_of_a_product_a_person_changed_since_it_was_loaded_is_refused(record):
    add_product(record, price=10)
    loaded = master_data.get_record(record.workbook, PRODUCT, "KIT-001")
    record.person.set_cell("Products", 2, "price", 14)  # typed in the sheet while the form was open

    with pytest.raises(
        ConflictError, match=r"KIT-001 in Products was changed by someone else.*price: 10(\.0)? → 14"
    ):
        master_data.update_record(
            record.workbook, PRODUCT, "KIT-001", {"name": "Tea kettle"}, by=STAFF, base=loaded
        )

    row = row_of(record, "Products", "KIT-001")
    assert (row["name"], row["price"]) == ("Kettle", 14)


def test_a_deactivated_record_leaves_the_list_until_asked_for(record):
    add_product(record)
    add_product(record, sku="MUG-002", name="Mug")
    master_data.deactivate(record.workbook, PRODUCT, "KIT-001", by=STAFF)

    shown = master_data.record_page(record.workbook, PRODUCT, ListQuery())
    assert [row["sku"] for row in shown.rows] == ["MUG-002"]
    every = master_data.record_page(record.workbook, PRODUCT, ListQuery(include_inactive=True))
    assert [(row["sku"], row["active"]) for row in every.rows] == [("KIT-001", "no"), ("MUG-002", "yes")]
    assert every.active == [False, True]
    assert master_data.choices(record.workbook, PRODUCT) == {"MUG-002": "Mug (MUG-002)"}

    master_data.reactivate(record.workbook, PRODUCT, "KIT-001", by=STAFF)
    assert master_data.record_page(record.workbook, PRODUCT, ListQuery()).total == 2


def test_a_location_still_holding_stock_cannot_be_deactivated(record):
    depot = master_data.add_record(record.workbook, LOCATION, {"name": "Depot"}, by=STAFF)
    with record.workbook.transaction(*LEDGER_TABS, user="sam", action="receive") as tx:
        post_move(tx, sku="KIT-001", qty=3, reason="receipt", to_location=depot.location_id)

    with pytest.raises(ProcessError, match="Depot still holds 3 unit"):
        master_data.deactivate(record.workbook, LOCATION, depot.location_id, by=STAFF)
    assert master_data.get_record(record.workbook, LOCATION, depot.location_id).active is True


def test_the_list_searches_and_pages_on_the_server(record):
    with record.workbook.transaction(PRODUCT.tab, user="seed", action="seed") as tx:
        for number in range(60):
            tx.insert(PRODUCT.tab, {"sku": f"SKU-{number:03d}", "name": f"Product {number}"})
    second = master_data.record_page(record.workbook, PRODUCT, ListQuery(page=2, per_page=25))
    assert (second.total, second.page, second.pages, second.rows[0]["sku"]) == (60, 2, 3, "SKU-025")
    found = master_data.record_page(record.workbook, PRODUCT, ListQuery(search="product 5"))
    assert [row["sku"] for row in found.rows] == ["SKU-005", *(f"SKU-0{n}" for n in range(50, 60))]


def test_an_unknown_record_is_a_clear_refusal(record):
    with pytest.raises(ProcessError, match="There is no supplier SUP-NOPE"):
        master_data.get_record(record.workbook, SUPPLIER, "SUP-NOPE")
