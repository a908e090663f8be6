"""The customer behind a ticket: their other orders, tickets and returns, so staff answer knowing the history.

A customer is recognised by email address (case and spaces aside); a ticket
without one falls back to the customer's name, matched the same way. Returns
carry no customer of their own: a customer's returns are those of their orders.
Pure over tables read with the ticket (processes.service.views), newest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sheets.table import Record, Table
from sheets.tabs import ORDERS, RETURNS, TICKETS


@dataclass(frozen=True)
class CustomerHistory:
    matched_by: str  # "email", "name", or "" when the ticket names no customer
    orders: list[Record] = field(default_factory=list)
    tickets: list[Record] = field(default_factory=list)  # the customer's other tickets
    returns: list[Record] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.orders or self.tickets or self.returns)


def _same(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def customer_history(ticket: Record, tables: Mapping[str, Table]) -> CustomerHistory:
    """The orders, other tickets and returns of the ticket's customer (by email, else by name)."""
    email, name = _same(ticket.customer_email), _same(ticket.customer_name)
    if email:
        matched_by, column, wanted = "email", "customer_email", email
    elif name:
        matched_by, column, wanted = "name", "customer_name", name
    else:
        return CustomerHistory("")

    def theirs(records: Iterable[Record]) -> list[Record]:
        return [record for record in records if _same(record[column]) == wanted]

    orders = _newest_first(theirs(tables[ORDERS.name].records()), "created_at")
    tickets = [
        other for other in theirs(tables[TICKETS.name].records()) if other.ticket_id != ticket.ticket_id
    ]
    order_ids = {order.order_id for order in orders}
    returns = [ret for ret in tables[RETURNS.name].records() if ret.order_id in order_ids]
    return CustomerHistory(
        matched_by,
        orders,
        _newest_first(tickets, "opened_at"),
        _newest_first(returns, "requested_at"),
    )


def _newest_first(records: list[Record], column: str) -> list[Record]:
    return sorted(records, key=lambda record: record[column] or datetime.min, reverse=True)
