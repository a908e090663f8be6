"""Inventory: the stock view, stocktakes and transfers between locations.

Every change of stock goes through processes.stock.post_move, so each one is a
Stock Moves row written together with the new balance.
"""

from processes.inventory.labels import give_barcodes, labels, render_labels
from processes.inventory.procedures import (
    COUNT_CHECKLIST,
    STOCKTAKE,
    TRANSFER,
    UNFINISHED,
    WAITING_ON_MANAGER,
)
from processes.inventory.stock_view import (
    INCOMING_PO_STATUSES,
    StockLine,
    StockPage,
    StockQuery,
    incoming_quantities,
    is_below_min,
    set_limits,
    stock_lines,
    stock_page,
)
from processes.inventory.stocktake import (
    CountLine,
    CountSheet,
    SessionSummary,
    Variance,
    approve_counts,
    count_sheet,
    record_counts,
    reject_counts,
    start_stocktake,
    stocktake_sessions,
    variances,
)
from processes.inventory.transfers import (
    VIEWS,
    TransferLine,
    TransferPage,
    TransferQuery,
    cancel_transfer,
    receive_transfer,
    request_transfer,
    ship_transfer,
    transfer_page,
)

__all__ = [
    "give_barcodes",
    "labels",
    "render_labels",
    "COUNT_CHECKLIST",
    "INCOMING_PO_STATUSES",
    "STOCKTAKE",
    "TRANSFER",
    "UNFINISHED",
    "VIEWS",
    "WAITING_ON_MANAGER",
    "CountLine",
    "CountSheet",
    "SessionSummary",
    "StockLine",
    "StockPage",
    "StockQuery",
    "TransferLine",
    "TransferPage",
    "TransferQuery",
    "Variance",
    "approve_counts",
    "cancel_transfer",
    "count_sheet",
    "incoming_quantities",
    "is_below_min",
    "receive_transfer",
    "record_counts",
    "reject_counts",
    "request_transfer",
    "set_limits",
    "ship_transfer",
    "start_stocktake",
    "stock_lines",
    "stock_page",
    "stocktake_sessions",
    "transfer_page",
    "variances",
]
