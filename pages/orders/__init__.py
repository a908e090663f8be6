"""Order pages: the list, one order with its steps, manual entry, import, and the batch pick list.

Every rule lives in processes.orders; these pages show what it answers and
offer only the steps its procedure allows from each order's state.
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from i18n import _
from pages.auth import signed_in
from pages.frame import frame
from processes import runtime

from .detail import OrderDetail
from .entry_form import OrderForm
from .import_page import ImportView
from .listing import OrderList
from .picking_page import BatchPickView


def register() -> None:
    @ui.page("/orders")
    async def orders_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Orders", actor):
            OrderList().build()

    @ui.page("/orders/new")
    async def new_order_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("New order", actor):
            await OrderForm(actor).build()

    @ui.page("/orders/import")
    async def import_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Import orders", actor):
            await ImportView(actor).build()

    @ui.page("/orders/picking")
    async def picking_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Pick list", actor):
            BatchPickView().build()

    @ui.page("/orders/{order_id}")
    async def order_page(order_id: str, request: Request) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Order {order_id}", order_id=order_id), actor):
            OrderDetail(order_id, actor, site_url=runtime.site_url(str(request.base_url))).build()
