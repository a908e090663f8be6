"""Barcode labels for products: the code each product carries, one made for a product that has none.

A product's `barcode` prints as what it is: 13 digits with a valid check digit as
EAN-13, 12 as UPC-A, 8 as EAN-8, anything else as Code 128. A product without
one gets an EAN-13 from the range kept for a shop's own use (first digit 2, which
no manufacturer is given), the next after the highest such code already in the
sheet, written to its `barcode` cell (a sheet without that column is asked to run
`init`). Labels are SVG drawn by python-barcode, laid out on A4 by
templates/labels.html.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import barcode
from barcode.writer import SVGWriter
from markupsafe import Markup

import i18n
from i18n import _
from processes.errors import ProcessError
from processes.permissions import Actor, require_edit
from processes.printed import templates
from sheets.table import Record
from sheets.tabs import PRODUCTS
from sheets.workbook import Workbook

#: The first digit of EAN-13 codes kept for a shop's own numbering (GS1's restricted circulation range).
IN_STORE_PREFIX = "2"
FIRST_IN_STORE = 200_000_000_000  # twelve digits; the thirteenth is the check digit
SVG_OPTIONS = {
    "module_width": 0.3,
    "module_height": 12.0,
    "font_size": 8,
    "text_distance": 4.0,
    "quiet_zone": 3.0,
}


def check_digit(digits: str) -> str:
    """The GS1 check digit of a string of 7, 11 or 12 digits (EAN-8, UPC-A, EAN-13 without theirs)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def symbology(code: str) -> str:
    """How a code prints: `ean13`, `upca`, `ean8` when it is one (check digit right), else `code128`."""
    if code.isdigit() and len(code) in (8, 12, 13) and check_digit(code[:-1]) == code[-1]:
        return {13: "ean13", 12: "upca", 8: "ean8"}[len(code)]
    return "code128"


def next_in_store_codes(taken: Iterable[str], count: int) -> list[str]:
    """`count` new in-store EAN-13 codes, after the highest one already `taken`."""
    numbers = [
        int(code[:12])
        for code in taken
        if code.isdigit() and len(code) == 13 and code.startswith(IN_STORE_PREFIX)
    ]
    start = max([FIRST_IN_STORE - 1, *numbers]) + 1
    return [f"{number:012d}{check_digit(f'{number:012d}')}" for number in range(start, start + count)]


def svg(code: str) -> str:
    """The code drawn as an SVG element (no XML prologue, so it sits inside an HTML page)."""
    kind = symbology(code)
    drawn = barcode.get(kind, code[:-1] if kind in ("ean13", "ean8", "upca") else code, writer=SVGWriter())
    out = io.BytesIO()
    drawn.write(out, options=SVG_OPTIONS)
    text = out.getvalue().decode("utf-8")
    return text[text.index("<svg") :]


@dataclass(frozen=True)
class Label:
    sku: str
    name: str
    code: str
    drawing: Markup


def give_barcodes(workbook: Workbook, skus: Iterable[str] | None = None, *, by: Actor) -> dict[str, str]:
    """Give each product (of `skus`, or every active one) that has no barcode an in-store code; the new codes."""
    require_edit(by, PRODUCTS.name)
    with workbook.transaction(PRODUCTS, user=by.name, action="give barcodes") as tx:
        products = _chosen(tx.table(PRODUCTS).records(), skus)
        bare = [product for product in products if not product.barcode]
        taken = [product.barcode for product in tx.table(PRODUCTS).records() if product.barcode]
        given = dict(zip([p.sku for p in bare], next_in_store_codes(taken, len(bare)), strict=True))
        for product in bare:
            tx.update(product, {"barcode": given[product.sku]})
        return given


def labels(workbook: Workbook, skus: Iterable[str] | None = None) -> list[Label]:
    """A label per product (of `skus`, or every active one): its barcode, else its SKU as Code 128."""
    chosen = _chosen(workbook.table(PRODUCTS).records(), skus)
    return [
        Label(product.sku, product.name or "", code := (product.barcode or product.sku), Markup(svg(code)))
        for product in chosen
    ]


def render_labels(workbook: Workbook, skus: Iterable[str] | None = None) -> str:
    """The labels as an HTML page that prints on A4 (three across)."""
    shown = labels(workbook, skus)
    if not shown:
        raise ProcessError(_("No product to print a label for."))
    return templates.get_template("labels.html").render(labels=shown, language=i18n.current())


def _chosen(products: Iterable[Record], skus: Iterable[str] | None) -> list[Record]:
    if skus is None:
        return [product for product in products if product.active is not False]
    wanted = list(dict.fromkeys(skus))
    by_sku = {product.sku: product for product in products}
    missing = [sku for sku in wanted if sku not in by_sku]
    if missing:
        raise ProcessError(_("There is no product {sku}.", sku=", ".join(missing)))
    return [by_sku[sku] for sku in wanted]
