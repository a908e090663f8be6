"""Printable order documents: a packing slip per order and the batch pick list, in the reader's language.

Both name orders by the number the customer knows and list lines in bin order;
templates/packing_slip.html and templates/pick_list.html lay them out for A4.
Autoescape is on: names and addresses are typed by people and shown as text.
"""

from __future__ import annotations

import i18n
from i18n import _
from processes.errors import ProcessError
from processes.printed import templates
from sheets.workbook import Workbook

from .picking import batch_pick_list, pick_list


def render_packing_slip(workbook: Workbook, order_id: str) -> str:
    """The packing slip of one order: who it goes to, what is in the parcel, where each item was taken."""
    pick = pick_list(workbook, order_id)
    if not pick.status:
        raise ProcessError(_("There is no order {order_id}.", order_id=order_id))
    return templates.get_template("packing_slip.html").render(
        pick=pick,
        day=(pick.created_at or workbook.clock()).date().isoformat(),
        language=i18n.current(),
    )


def render_pick_list(workbook: Workbook, states: tuple[str, ...] = ("picking",)) -> str:
    """The batch pick list on paper: per location, bin by bin, with the orders each item is for."""
    return templates.get_template("pick_list.html").render(
        groups=batch_pick_list(workbook, states),
        printed=workbook.clock().strftime("%Y-%m-%d %H:%M"),
        language=i18n.current(),
    )
