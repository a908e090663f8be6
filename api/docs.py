"""/api/v1/docs: the OpenAPI document as interactive pages, for a logged-in user.

Swagger UI is served from the swagger-ui-bundle package, never from a CDN, so
the docs work on a network without the internet. "Authorize" takes a token.
"""

from __future__ import annotations

from urllib.parse import quote

import swagger_ui_bundle
from fastapi import Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from nicegui import app

from pages.session import logged_in_name


def register(prefix: str) -> None:
    assets = f"{prefix}/docs/assets"
    app.add_static_files(assets, swagger_ui_bundle.swagger_ui_path)

    @app.get(f"{prefix}/docs", include_in_schema=False, response_model=None)
    def docs(request: Request) -> HTMLResponse | RedirectResponse:
        if not logged_in_name():
            return RedirectResponse(f"/login?next={quote(request.url.path, safe='')}")
        return get_swagger_ui_html(
            openapi_url=f"{prefix}/openapi.json",
            title="Flowsheet API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )


def logged_in() -> bool:
    """Whether the caller's browser session is logged in (the docs page reads the document so)."""
    return bool(logged_in_name())
