"""Purchasing: requests with their stock picture, quotes compared, purchase orders and goods received.

Every workbook call runs through `run.io_bound`; every rule is in
processes.procurement, which the buttons call. A page offers only the steps
the procedure allows the user now, and shows a refusal as a notification
while the form keeps what was typed.
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import app, ui

from i18n import _
from pages.auth import LOGIN_PATH, signed_in
from pages.common import background
from pages.frame import frame
from pages.procurement.orders import OrderPage, OrdersPage
from pages.procurement.requests import RequestPage, RequestsPage
from processes import SheetError, procurement, runtime
from processes.errors import ProcessError


def register() -> None:
    @ui.page("/procurement")
    async def requests_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Purchasing", actor):
            await RequestsPage(actor).build()

    @ui.page("/procurement/requests/{request_id}")
    async def request_page(request_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Purchase request {request_id}", request_id=request_id), actor):
            await RequestPage(actor, request_id).build()

    @ui.page("/procurement/orders")
    async def orders_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Purchase orders", actor):
            await OrdersPage().build()

    @ui.page("/procurement/orders/{po_id}")
    async def order_page(po_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Purchase order {po_id}", po_id=po_id), actor):
            await OrderPage(actor, po_id).build()

    @app.get("/procurement/orders/{po_id}/print", response_class=HTMLResponse)
    async def printable_order(po_id: str) -> Response:
        name = app.storage.user.get("username")
        actor = await background(runtime.accounts().actor, name) if name else None
        if actor is None:
            return RedirectResponse(LOGIN_PATH)
        try:
            page = await background(procurement.render_purchase_order, runtime.workbook(), po_id)
        except (ProcessError, SheetError) as refusal:
            return HTMLResponse(f"<p>{escape(str(refusal))}</p>", status_code=404)
        return HTMLResponse(page)
