"""Back to the shop: an order shipped in Flowsheet is fulfilled in its shop with the carrier and tracking number.

Each round reads the Orders tab (one read, the workbook's cache allowing),
owes the shop every shipped order of its channel the shop knows and has not
fulfilled (fulfilments.py), and sends what is due. The shop tells the
customer (the connection asks it to), so the ship step queues no message of
its own for these orders. A refusal or an outage is kept on the order's
fulfilment and tried again after its backoff; the order page shows it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from processes.orders.procedure import ORDER
from sheets.errors import SheetError
from sheets.table import Table
from sheets.tabs import ORDERS
from sheets.workbook import Workbook

from .errors import ShopError
from .fulfilments import FulfilmentQueue, Shipped
from .protocol import Connection
from .reports import ShopReports
from .store import ChannelStore

log = logging.getLogger(__name__)

#: The order states in which the goods have left: what the shop is told.
SENT = ORDER.group("sent")


@dataclass
class FulfilReport:
    channel: str
    queued: int = 0
    sent: int = 0
    already: int = 0  # the shop had fulfilled them already (an earlier answer lost)
    failed: int = 0
    error: str = ""  # the sheet could not be read: nothing new was owed this round

    def __str__(self) -> str:
        said = f"{self.channel}: no fulfilment due"
        if self.sent or self.failed or self.already:
            said = (
                f"{self.channel}: {self.sent} fulfilment(s) sent, {self.already} already fulfilled in the shop, "
                f"{self.failed} failed (to try again)"
            )
        return said + (f"; the Orders tab could not be read: {self.error}" if self.error else "")


def send_fulfilments(
    workbook: Workbook, connection: Connection, store: ChannelStore, now: datetime
) -> FulfilReport:
    """Owe the shop what shipped here, and send every fulfilment that is due; never raises for the shop."""
    report = FulfilReport(connection.channel)
    queue = FulfilmentQueue(store)
    try:
        shipped = shipped_orders(workbook.table(ORDERS), connection.channel)
    except SheetError as error:  # what is owed already still goes out; the rest waits for the sheet
        log.warning(
            "channels: the Orders tab could not be read for %s's fulfilments: %s", connection.channel, error
        )
        report.error, shipped = str(error), []
    if shipped:
        reports = ShopReports(store).of(connection.channel, [order.ref for order in shipped])
        report.queued = queue.owe(connection.channel, shipped, reports, now)
    for owed in queue.due(connection.channel, now):
        try:
            fulfilled = connection.fulfil(owed)
        except ShopError as error:
            log.info("channels: fulfilling %s in %s failed: %s", owed.ref, owed.channel, error)
            queue.failed(owed, str(error), now)
            report.failed += 1
            continue
        queue.done(owed, fulfilled.shop_fulfilment, now)
        if fulfilled.already:
            report.already += 1
        else:
            report.sent += 1
    return report


def shipped_orders(orders: Table, channel: str) -> list[Shipped]:
    """The orders of `channel` that have shipped with a tracking number, straight from the columns."""
    columns = orders.columns
    return [
        Shipped(order_id, ref, carrier or "", tracking)
        for order_id, order_channel, ref, status, carrier, tracking in zip(
            columns["order_id"],
            columns["channel"],
            columns["external_ref"],
            columns["status"],
            columns["carrier"],
            columns["tracking_no"],
            strict=True,
        )
        if order_channel == channel and status in SENT and ref and tracking
    ]
