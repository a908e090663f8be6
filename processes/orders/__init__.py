"""Orders: entry, the fulfilment pipeline, import, pick lists and views. See the modules of this package.

order = enter_order(workbook, customer_name=..., lines=[OrderLine("KIT-001", 2)], ..., by=actor)
confirm_order(workbook, order.order_id, by=actor, base=order)     # and the other steps in pipeline
report = import_orders(workbook, data, by=actor)                  # Shopify export or mapped CSV
"""

from processes.orders.csv_input import (
    FIELDS,
    REQUIRED_FIELDS,
    FileProblem,
    LineProblem,
    header_of,
    is_shopify,
)
from processes.orders.documents import render_packing_slip, render_pick_list
from processes.orders.entry import ORDER_TABS, OrderAmounts, OrderLine, add_order, enter_order, read_line
from processes.orders.importing import ImportReport, import_orders, parse_mapping, run_import_command
from processes.orders.picking import (
    BATCH_STATES,
    BatchGroup,
    PickList,
    batch_pick_list,
    find_order,
    order_number,
    pick_list,
)
from processes.orders.pipeline import (
    cancel_order,
    confirm_order,
    deliver_order,
    pack_order,
    record_payment,
    ship_order,
    start_picking,
    take_step,
)
from processes.orders.procedure import ORDER, address_problem, compose_address, order_steps
from processes.orders.queries import (
    VIEWS,
    OrderPage,
    OrderQuery,
    OrderView,
    order_page,
    order_view,
    reads_whole,
)

__all__ = [
    "BATCH_STATES",
    "FIELDS",
    "ORDER",
    "ORDER_TABS",
    "REQUIRED_FIELDS",
    "VIEWS",
    "BatchGroup",
    "FileProblem",
    "ImportReport",
    "LineProblem",
    "OrderAmounts",
    "OrderLine",
    "OrderPage",
    "OrderQuery",
    "OrderView",
    "PickList",
    "add_order",
    "address_problem",
    "batch_pick_list",
    "cancel_order",
    "compose_address",
    "confirm_order",
    "deliver_order",
    "enter_order",
    "find_order",
    "header_of",
    "import_orders",
    "is_shopify",
    "order_number",
    "order_page",
    "reads_whole",
    "order_steps",
    "order_view",
    "pack_order",
    "parse_mapping",
    "pick_list",
    "read_line",
    "record_payment",
    "render_packing_slip",
    "render_pick_list",
    "run_import_command",
    "ship_order",
    "start_picking",
    "take_step",
]
