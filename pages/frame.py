"""The layout every page shares: header, navigation and page width, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from i18n import _
from pages.language import language_switch
from pages.session import take_notice
from processes.browse import tab_names, tabs_by_section
from processes.permissions import Actor, Permission

APP_NAME = "Flowsheet"

#: Navigation, part one: the pages that walk staff through each area's procedures.
AREA_PAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "Procurement": (("Purchasing", "/procurement"), ("Planning", "/planning"), ("Suppliers", "/suppliers")),
    "Inventory": (
        ("Stock", "/inventory"),
        ("Stocktake", "/inventory/stocktake"),
        ("Transfers", "/inventory/transfers"),
        ("Products", "/products"),
        ("Locations", "/locations"),
    ),
    "Orders": (
        ("Orders", "/orders"),
        ("Import orders", "/orders/import"),
        ("Pick list", "/orders/picking"),
        ("Packing", "/orders/packing"),
    ),
    "Customer service": (("Tickets", "/tickets"), ("Satisfaction", "/surveys")),
    "After-sales": (("Returns", "/returns"),),
    "Improvement": (("Handbook", "/handbook"), ("Review", "/review"), ("Suggestions", "/suggestions")),
    "Management": (("Alerts", "/alerts"), ("Settings", "/settings"), ("Export", "/export")),
}

#: Navigation, part two: the tabs that hold each area's records (the editable grid of each tab),
#: grouped by the section each tab declares (sheets/tabs.py).
AREAS: dict[str, tuple[str, ...]] = tabs_by_section()


def tab_path(tab_name: str) -> str:
    return f"/tabs/{tab_name.replace(' ', '-').lower()}"


def tab_from_path(slug: str) -> str | None:
    for name in tab_names():
        if tab_path(name) == f"/tabs/{slug.lower()}":
            return name
    return None


@contextmanager
def frame(title: str, actor: Actor) -> Iterator[None]:
    """Header and navigation around a page body: `with frame('Orders', actor): ...`."""
    ui.page_title(f"{_(title)} · {APP_NAME}")
    with ui.header().classes("items-center bg-slate-800 text-white px-2 sm:px-4 py-2 gap-2 no-wrap"):
        menu = ui.button(icon="menu", on_click=lambda: drawer.toggle())
        menu.props(f'flat color=white dense aria-label="{_("Menu")}"')
        ui.link(APP_NAME, "/").classes("text-lg font-semibold text-white no-underline gt-xs")
        ui.label("·").classes("opacity-50 gt-xs")
        ui.label(_(title)).classes("text-lg ellipsis min-w-0")
        ui.space()
        language_switch(actor).props("dark")
        ui.label(f"{actor.name} ({_(actor.role)})").classes("text-sm opacity-80 gt-xs")
        ui.link(_("Log out"), "/logout").classes("text-sm text-white whitespace-nowrap")
    # Open beside the page on a wide screen; on a phone closed until the menu button opens it over the page.
    # Quasar opens it by itself above its breakpoint (show-if-above) and tells the server: no round trip.
    with ui.left_drawer(value=False).props("show-if-above").classes("bg-slate-50 px-2") as drawer:
        ui.link(_("Dashboard"), "/").classes("block font-semibold py-1")
        ui.link(_("Data issues"), "/issues").classes("block py-1")
        if actor.may(Permission.MANAGE_USERS):
            ui.link(_("Users"), "/users").classes("block py-1")
        if actor.may(Permission.MANAGE_CHANNELS):
            ui.link(_("Channels"), "/channels").classes("block py-1")
        for area, names in AREAS.items():
            ui.label(_(area)).classes("text-xs uppercase tracking-wide text-slate-500 mt-3")
            pages = AREA_PAGES.get(area, ())
            for label, path in pages:
                ui.link(_(label), path).classes("block py-0.5 pl-2 font-medium text-slate-900")
            readable = [name for name in names if actor.may_read(name)]
            if pages:  # the raw records fold away behind the procedure pages
                with ui.expansion(_("Records"), value=False).props("dense").classes("text-sm text-slate-600"):
                    _tab_links(readable)
            else:
                _tab_links(readable)
    with ui.column().classes("w-full max-w-screen-xl mx-auto p-2 sm:p-4 gap-4"):
        notice = take_notice()  # why the browser was sent here (e.g. the role changed)
        if notice:
            ui.label(notice).classes("w-full rounded bg-amber-50 text-amber-900 px-3 py-2").mark("notice")
        yield


def _tab_links(names: list[str]) -> None:
    for name in names:
        ui.link(_(name), tab_path(name)).classes("block py-0.5 pl-2 text-slate-700")


def show_error(message: str) -> None:
    """A failure the user can act on, shown in place and as a notification."""
    ui.notify(message, type="negative", multi_line=True)
