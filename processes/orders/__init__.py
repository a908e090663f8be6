"""Orders: entry, the fulfilment pipeline, import. See the modules of this package."""

from processes.orders.entry import ORDER_TABS, OrderLine, add_order

__all__ = ["ORDER_TABS", "OrderLine", "add_order"]
