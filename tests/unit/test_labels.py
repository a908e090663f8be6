"""Barcode labels: how a code prints, the shop's own codes for products without one, the SVG drawn."""

from __future__ import annotations

import pytest

from processes import master_data
from processes.errors import ProcessError
from processes.inventory import give_barcodes, labels, render_labels
from processes.inventory.labels import check_digit, next_in_store_codes, svg, symbology
from processes.permissions import Actor
from sheets.backends.local import LocalBackend
from sheets.tabs import PRODUCTS
from sheets.workbook import Workbook

CLERK = Actor("sam", "staff")


def test_a_code_prints_as_the_symbology_it_is():
    assert check_digit("400638133393") == "1"
    assert symbology("4006381333931") == "ean13"
    assert symbology("4006381333932") == "code128"  # a wrong check digit is just a code
    assert symbology("036000291452") == "upca"
    assert symbology("96385074") == "ean8"
    assert symbology("KIT-001") == "code128"


def test_the_shops_own_codes_follow_the_highest_one_already_given():
    assert next_in_store_codes([], 2) == ["2000000000008", "2000000000015"]
    assert next_in_store_codes(["2000000000411", "4006381333931", "KIT-1"], 1) == ["2000000000428"]


def test_a_label_is_an_svg_with_the_code_written_under_the_bars():
    drawn = svg("4006381333931")
    assert drawn.startswith("<svg") and "4006381333931" in drawn
    assert "KIT-001" in svg("KIT-001")


@pytest.fixture
def workbook(tmp_path):
    book = Workbook(LocalBackend(tmp_path / "data"))
    book.init()
    for sku, name in (("KIT-001", "Kettle"), ("KIT-002", "Pan"), ("KIT-003", "Whisk")):
        master_data.add_record(
            book, master_data.PRODUCT, {"sku": sku, "name": name}, by=Actor("m", "manager")
        )
    with book.transaction(PRODUCTS, user="seed", action="barcode") as tx:
        tx.update(tx.require(PRODUCTS, "KIT-001"), {"barcode": "4006381333931"})
    yield book
    book.backend.close()


def test_products_without_a_code_get_one_of_the_shops_own_once(workbook):
    given = give_barcodes(workbook, by=CLERK)

    assert given == {"KIT-002": "2000000000008", "KIT-003": "2000000000015"}
    assert give_barcodes(workbook, by=CLERK) == {}  # nothing twice
    codes = {product.sku: product.barcode for product in workbook.table(PRODUCTS).records()}
    assert codes == {"KIT-001": "4006381333931", "KIT-002": "2000000000008", "KIT-003": "2000000000015"}


def test_the_labels_page_holds_a_label_per_product_asked_for(workbook):
    page = render_labels(workbook, ["KIT-001", "KIT-002"])

    assert page.count('class="label"') == 2 and "Kettle" in page and "<svg" in page
    assert [label.code for label in labels(workbook, ["KIT-002"])] == ["KIT-002"]  # no barcode yet: the SKU
    with pytest.raises(ProcessError, match="There is no product KIT-404"):
        render_labels(workbook, ["KIT-404"])
