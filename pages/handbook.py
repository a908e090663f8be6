"""The process handbook: an index and one page per procedure, generated from its declaration.

The pages only show what processes.handbook writes: the Markdown from the
template, the flowchart drawn by Mermaid in the browser, and a download of
the same page as a self-contained HTML document that prints cleanly (and
prints to PDF from the browser's print dialog).
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from pages.auth import signed_in
from pages.common import call
from pages.frame import frame
from processes import handbook
from processes.declarations import PROCEDURES, procedure_by_slug
from processes.procedure import Procedure

#: Stands where the flowchart goes in the page's Markdown; the page puts the drawing there.
CHART = "FLOWCHART"
HTML = "text/html; charset=utf-8"
#: How long the page waits for the browser to hand over the drawn flowchart.
DRAWING_TIMEOUT = 3.0


async def _settings() -> dict[str, Any]:
    """The Settings in force; on failure (already shown to the user) the defaults."""
    ok, values = await call(handbook.settings_values)
    return values if ok else {}


async def _download_all() -> None:
    settings = await _settings()
    document = handbook.handbook_html(PROCEDURES, settings)
    ui.download(document.encode("utf-8"), "flowsheet-handbook.html", HTML)


def _show_procedure(procedure: Procedure, settings: dict[str, Any]) -> None:
    before, _, after = handbook.handbook_markdown(procedure, settings, chart=CHART).partition(CHART)
    ui.markdown(before, extras=handbook.MARKDOWN_EXTRAS).classes("w-full").mark("handbook-top")
    chart = ui.mermaid(handbook.mermaid(procedure)).classes("w-full").mark("flowchart")
    ui.markdown(after, extras=handbook.MARKDOWN_EXTRAS).classes("w-full").mark("handbook-body")

    async def download() -> None:
        drawing = await _drawn_svg(chart)
        document = handbook.handbook_html(
            [procedure],
            await _settings(),
            drawings={procedure.slug: drawing} if drawing else None,
            title=f"{procedure.name} · Flowsheet handbook",
        )
        ui.download(document.encode("utf-8"), f"handbook-{procedure.slug}.html", HTML)

    with ui.row().classes("gap-2"):
        ui.button("Download for printing (HTML)", icon="download", on_click=download).mark("download")
        ui.link("All procedures", "/handbook").classes("self-center")


async def _drawn_svg(chart: ui.mermaid) -> str | None:
    """The flowchart as the browser drew it (SVG), for the download; None when it cannot be had."""
    try:
        drawn = await ui.run_javascript(
            f'return getHtmlElement("{chart.html_id}")?.querySelector("svg")?.outerHTML ?? null',
            timeout=DRAWING_TIMEOUT,
        )
    except TimeoutError:
        return None
    return drawn if isinstance(drawn, str) else None


def register() -> None:
    @ui.page("/handbook")
    async def handbook_index() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Handbook", actor):
            ui.markdown(handbook.index_markdown(), extras=handbook.MARKDOWN_EXTRAS).classes("w-full").mark(
                "handbook-index"
            )
            ui.label(
                "The download holds every procedure in one document; open it and print it (or save it as PDF)."
            ).classes("text-sm text-slate-600")
            ui.button("Download the handbook (HTML)", icon="download", on_click=_download_all).mark(
                "download-all"
            )

    @ui.page("/handbook/{slug}")
    async def handbook_page(slug: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        procedure = procedure_by_slug(slug)
        with frame(procedure.name if procedure else "Handbook", actor):
            if procedure is None:
                ui.label(f"There is no procedure called {slug!r}; pick one from the handbook's index.")
                ui.link("The handbook", "/handbook")
                return
            _show_procedure(procedure, await _settings())
