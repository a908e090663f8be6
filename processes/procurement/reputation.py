"""A supplier's reputation, computed from what its deliveries were like.

- on-time rate: the deliveries (Receipts) that arrived by the order's
  expected date, out of those whose order had one;
- acceptance rate: the quantity accepted at inspection out of the quantity
  received, over every delivery;
- rating: the manual rating in Suppliers (1 to 5).

`score` folds what is known of the three into one figure between 0 and 1;
a supplier nobody has bought from yet has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import _, ngettext
from sheets.table import Record, Table
from sheets.tabs import PURCHASE_ORDERS, RECEIPTS, SUPPLIERS
from sheets.workbook import Workbook

MAX_RATING = 5


@dataclass(frozen=True)
class Reputation:
    supplier_id: str
    deliveries: int = 0  # deliveries whose order had an expected date
    on_time: int = 0  # of those, how many arrived by it
    received: int = 0  # units received, over every delivery
    accepted: int = 0  # units of those accepted at inspection
    rating: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.deliveries if self.deliveries else None

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.received if self.received else None

    @property
    def score(self) -> float | None:
        """The mean of the on-time rate, the acceptance rate and rating / 5, of those known."""
        parts = [
            part
            for part in (
                self.on_time_rate,
                self.acceptance_rate,
                None if self.rating is None else min(max(self.rating, 0), MAX_RATING) / MAX_RATING,
            )
            if part is not None
        ]
        return sum(parts) / len(parts) if parts else None

    def describe(self) -> str:
        """The reputation in words, for the comparison and the recommendation."""
        if self.deliveries:
            said = [
                ngettext(
                    "on time in {on_time} of {count} delivery",
                    "on time in {on_time} of {count} deliveries",
                    self.deliveries,
                    on_time=self.on_time,
                )
            ]
        elif self.received:
            said = [_("no delivery dates to judge timeliness by")]
        else:
            said = [_("no deliveries yet")]
        if self.acceptance_rate is not None:
            said.append(_("{rate:.0%} of goods accepted", rate=self.acceptance_rate))
        if self.rating is not None:
            said.append(_("rated {rating:g}/{most}", rating=self.rating, most=MAX_RATING))
        return _(", ").join(said)


def reputations(suppliers: Table, orders: Table, receipts: Table) -> dict[str, Reputation]:
    """The reputation of every supplier in `suppliers` (and of any supplier an order names)."""
    order_by_id = {order.po_id: order for order in orders.records()}
    tally: dict[str, dict[str, int]] = {}
    for receipt in receipts.records():
        order = order_by_id.get(receipt.po_id)
        if order is None:
            continue  # a receipt for an order nobody can find says nothing about a supplier
        counts = tally.setdefault(
            order.supplier_id, dict.fromkeys(("deliveries", "on_time", "received", "accepted"), 0)
        )
        if order.expected_at is not None and receipt.received_at is not None:
            counts["deliveries"] += 1
            counts["on_time"] += int(receipt.received_at.date() <= order.expected_at)
        counts["received"] += receipt.qty_received or 0
        counts["accepted"] += accepted_quantity(receipt)
    ratings = {supplier.supplier_id: supplier.rating for supplier in suppliers.records()}
    return {
        supplier_id: Reputation(supplier_id, rating=ratings.get(supplier_id), **tally.get(supplier_id, {}))
        for supplier_id in {*ratings, *tally}
    }


def accepted_quantity(receipt: Record) -> int:
    """What passed inspection; a person who left `qty_accepted` blank meant received minus rejected."""
    if receipt.qty_accepted is not None:
        return receipt.qty_accepted
    return (receipt.qty_received or 0) - (receipt.qty_rejected or 0)


def supplier_reputation(workbook: Workbook) -> dict[str, Reputation]:
    """Every supplier's reputation, from one read of Suppliers, Purchase Orders and Receipts."""
    tables = workbook.tables(SUPPLIERS, PURCHASE_ORDERS, RECEIPTS)
    return reputations(tables[SUPPLIERS.name], tables[PURCHASE_ORDERS.name], tables[RECEIPTS.name])
