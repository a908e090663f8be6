"""Shopify orders exports, written the way the Shopify admin writes them, for tests and bench/.

An export has one row per line item; the order's own fields (email, payment,
address, total) stand on its first line only. `export` takes each line as
{column: value} and leaves every column it is not given blank.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

#: The columns of Shopify's orders export that Flowsheet reads, in Shopify's order.
COLUMNS = (
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Billing Name",
    "Shipping Name",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Currency",
    "Total",
)


def export(lines: Iterable[Mapping[str, object]]) -> bytes:
    """A CSV export (UTF-8) with every column of COLUMNS, one row per line item given."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in lines:
        unknown = set(line) - set(COLUMNS)
        if unknown:
            raise ValueError(f"not a column of the export: {sorted(unknown)}")
        writer.writerow([line.get(column, "") for column in COLUMNS])
    return out.getvalue().encode("utf-8")
