"""After-sales: a customer's return or exchange, reviewed, received and inspected, then refunded or replaced.

    order = find_customer_order(workbook, "#1001", "ann@example.com")      # public page, no login
    ret = request_return(workbook, "#1001", "ann@example.com",
                         Asked(sku="KIT-001", qty=1, kind="return", reason="Wrong size",
                               details="Too small"))                          # a reason from Settings
    approve_return(workbook, ret.return_id, note="Within 30 days", by=staff)   # or reject_return
    receive_return(workbook, ret.return_id, inspection_notes="Unused", disposition="restock",
                   location_id="LOC-…", by=staff)                             # or disposition="write_off"
    set_refund(workbook, ret.return_id, amount=24.0, by=staff)               # above the limit: awaiting_approval
    approve_refund(workbook, ret.return_id, by=manager)
    pay_refund(workbook, ret.return_id, refund_ref="RF-123", by=staff)
    create_replacement(workbook, ret.return_id, by=staff)                    # an exchange instead of a refund

The rules live here; pages call these functions and offer only the steps
`return_steps` returns. Every change is one transaction, and every decision
the customer should hear about queues an Outbox message in it.
"""

from .handling import DISPOSITIONS, approve_return, receive_return, reject_return
from .photos import Photo, check_photo
from .policy import offered_reasons
from .procedures import REFUND, RETURN, return_steps
from .requests import (
    KINDS,
    NOT_FOUND,
    Asked,
    CustomerOrder,
    ReturnableLine,
    find_customer_order,
    request_return,
    request_return_for,
)
from .settlement import Refundable, approve_refund, create_replacement, pay_refund, refundable, set_refund
from .views import VIEWS, ReturnQuery, ReturnsPage, ReturnView, photo_file, return_list, return_view

__all__ = [
    "DISPOSITIONS",
    "KINDS",
    "NOT_FOUND",
    "offered_reasons",
    "Photo",
    "check_photo",
    "photo_file",
    "REFUND",
    "RETURN",
    "VIEWS",
    "Asked",
    "CustomerOrder",
    "Refundable",
    "ReturnQuery",
    "ReturnView",
    "ReturnableLine",
    "ReturnsPage",
    "approve_refund",
    "approve_return",
    "create_replacement",
    "find_customer_order",
    "pay_refund",
    "receive_return",
    "refundable",
    "reject_return",
    "request_return",
    "request_return_for",
    "return_list",
    "return_steps",
    "return_view",
    "set_refund",
]
