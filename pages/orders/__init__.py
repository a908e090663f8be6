"""Order pages: the list, one order with its steps, manual entry, import, and the batch pick list.

Every rule lives in processes.orders; these pages show what it answers and
offer only the steps its procedure allows from each order's state.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from nicegui import app, ui

from i18n import _
from pages.auth import signed_in
from pages.frame import frame
from pages.printing import printable
from processes import orders, runtime

from .detail import OrderDetail
from .entry_form import OrderForm
from .import_page import ImportView
from .listing import OrderList
from .packing_page import PackingStart, PackingView
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

    @app.get("/orders/picking/print", response_class=HTMLResponse)
    async def printable_pick_list(states: str = "picking") -> Response:
        chosen = tuple(state for state in states.split("+") if state in orders.BATCH_STATES) or ("picking",)
        return await printable(orders.render_pick_list, chosen)

    @ui.page("/orders/packing")
    async def packing_start_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Packing", actor):
            PackingStart().build()

    @ui.page("/orders/packing/{order_id}")
    async def packing_page(order_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Packing", actor):
            PackingView(order_id, actor).build()

    @app.get("/orders/{order_id}/packing-slip", response_class=HTMLResponse)
    async def packing_slip(order_id: str) -> Response:
        return await printable(orders.render_packing_slip, order_id)

    @ui.page("/orders/{order_id}")
    async def order_page(order_id: str, request: Request) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Order {order_id}", order_id=order_id), actor):
            OrderDetail(order_id, actor, site_url=runtime.site_url(str(request.base_url))).build()
