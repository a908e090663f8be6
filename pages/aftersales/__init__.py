"""After-sales pages: the returns list, one return with its next steps, and the customer's public request form.

Every workbook call runs through `run.io_bound`; every rule is in
processes.aftersales, which the buttons call. A return's page offers only the
steps the procedure allows the user now.
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from i18n import _
from pages.auth import signed_in
from pages.frame import frame
from pages.public import public_path

from .customer import CustomerReturnPage
from .detail import ReturnPage
from .listing import ReturnsList

PUBLIC_RETURNS = public_path("returns")


def register() -> None:
    @ui.page("/returns")
    async def returns_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Returns", actor):
            ReturnsList().build()

    @ui.page("/returns/{return_id}")
    async def return_page(return_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Return {return_id}", return_id=return_id), actor):
            await ReturnPage(actor, return_id).build()

    @ui.page(PUBLIC_RETURNS)
    async def public_returns_page(request: Request) -> None:
        await CustomerReturnPage(request).build()
