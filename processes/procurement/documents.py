"""The printable purchase order: templates/purchase_order.html filled from the record, in the reader's language.

Autoescape is on: supplier names, addresses and notes are typed by people
and shown as text, never as markup.
"""

from __future__ import annotations

import i18n
from i18n import N_, _
from processes.errors import ProcessError
from processes.printed import templates
from sheets.tabs import LOCATIONS, PRODUCTS, PURCHASE_ORDERS, SUPPLIERS
from sheets.workbook import Workbook

#: What the document says across the page when the order must not be sent.
NOT_TO_SEND = {
    "draft": N_("Draft: not approved"),
    "awaiting_approval": N_("Awaiting approval: do not send"),
    "cancelled": N_("Cancelled"),
}


def render_purchase_order(workbook: Workbook, po_id: str) -> str:
    """The purchase order as an HTML page that prints on A4."""
    tables = workbook.tables(PURCHASE_ORDERS, SUPPLIERS, PRODUCTS, LOCATIONS)
    order = tables[PURCHASE_ORDERS.name].get(po_id)
    if order is None:
        raise ProcessError(_("There is no purchase order {po_id}.", po_id=po_id))
    return templates.get_template("purchase_order.html").render(
        order=order,
        supplier=tables[SUPPLIERS.name].get(order.supplier_id),
        product=tables[PRODUCTS.name].get(order.sku),
        location=tables[LOCATIONS.name].get(order.location_id) if order.location_id else None,
        issued=(order.ordered_at or workbook.clock()).date(),
        warning=_(NOT_TO_SEND[order.status]) if order.status in NOT_TO_SEND else None,
        language=i18n.current(),
    )
