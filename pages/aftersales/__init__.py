"""After-sales pages: the returns list, one return with its next steps, and the customer's public request form.

Every workbook call runs through `run.io_bound`; every rule is in
processes.aftersales, which the buttons call. A return's page offers only the
steps the procedure allows the user now.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from nicegui import app, ui

from i18n import _
from pages.auth import LOGIN_PATH, signed_in
from pages.common import background
from pages.frame import frame
from pages.public import public_path
from processes import SheetError, aftersales, runtime
from processes.errors import ProcessError
from sheets.tabs import RETURNS

from .customer import CustomerReturnPage
from .detail import ReturnPage
from .listing import ReturnsList
from .paths import PHOTO_PATH
from .staff_request import StaffRequestForm

PUBLIC_RETURNS = public_path("returns")


def register() -> None:
    @ui.page("/returns")
    async def returns_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Returns", actor):
            await StaffRequestForm(actor).build()
            ReturnsList().build()

    @ui.page("/returns/{return_id}")
    async def return_page(return_id: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Return {return_id}", return_id=return_id), actor):
            await ReturnPage(actor, return_id).build()

    @app.get(PHOTO_PATH)
    async def return_photo(return_id: str, name: str) -> Response:
        user = app.storage.user.get("username")
        actor = await background(runtime.accounts().actor, user) if user else None
        if actor is None:
            return RedirectResponse(LOGIN_PATH)
        if not actor.may_read(RETURNS.name):  # the same permission as the Returns tab itself
            return Response(status_code=403)
        try:
            path, media_type = await background(
                aftersales.photo_file, runtime.workbook(), runtime.data_dir(), return_id, name
            )
        except (ProcessError, SheetError):
            return Response(status_code=404)
        # Served as the picture it was checked to be, never sniffed into anything else.
        return FileResponse(path, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})

    @ui.page(PUBLIC_RETURNS)
    async def public_returns_page(request: Request) -> None:
        await CustomerReturnPage(request).build()
