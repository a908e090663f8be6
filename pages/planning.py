"""Planning pages: what to buy and what to move (the Forecast tab), and one product's forecast.

The figures come from processes.planning; a transfer suggestion is one click
to a transfer request, through the transfer procedure's own entry rule.
"""

from __future__ import annotations

from nicegui import ui

from i18n import N_, _, formatting
from pages.auth import signed_in
from pages.common import ServerList, call, fact, pager, when
from pages.frame import frame
from pages.responsive import cards_on_phones
from processes import master_data, steps
from processes.inventory import TRANSFER
from processes.permissions import Actor
from processes.planning.views import (
    SHOW_ALL,
    SHOW_BUY,
    SHOW_MOVE,
    LocationForecast,
    PlanLine,
    PlanQuery,
    plan_csv,
    plan_page,
    product_forecast,
)


def register() -> None:
    @ui.page("/planning")
    async def planning_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Planning", actor):
            await PlanView(actor).build()

    @ui.page("/planning/{sku}")
    async def product_page(sku: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Forecast · {sku}", sku=sku), actor):
            await ProductForecastView(sku).build()


PLAN_COLUMNS = (
    ("sku", N_("SKU")),
    ("name", N_("Product")),
    ("location", N_("Location")),
    ("daily_demand", N_("Per day")),
    ("days_of_cover", N_("Days of cover")),
    ("projected", N_("Projected")),
    ("reorder_point", N_("Reorder point")),
    ("suggested_qty", N_("To buy")),
    ("transfer", N_("To move")),
    ("method", N_("Method")),
    ("accuracy", N_("Error (WAPE)")),
    ("note", N_("Note")),
)
SHOW_CHOICES = {SHOW_ALL: N_("Everything"), SHOW_BUY: N_("To buy"), SHOW_MOVE: N_("To move")}
SORT_CHOICES = {
    "days_of_cover": N_("Days of cover"),
    "suggested_qty": N_("To buy"),
    "transfer_qty": N_("To move"),
    "daily_demand": N_("Per day"),
    "accuracy": N_("Error (WAPE)"),
    "sku": N_("SKU"),
    "location": N_("Location"),
}


class PlanView(ServerList):
    """Every product at every location: cover, reorder point, what to buy, what to move."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.query = PlanQuery()

    async def build(self) -> None:
        ok, locations = await call(master_data.choices, master_data.LOCATION, active_only=False)
        ui.label(
            _(
                "The forecast of each product at each location, from its own sales history, and what it asks "
                "for: moving stock the company holds comes before buying."
            )
        ).classes("text-sm text-slate-600")
        with ui.row().classes("w-full items-end gap-4"):
            ui.input(_("Search"), on_change=lambda e: self._ask(search=e.value or "")).props(
                "clearable debounce=300 dense"
            ).classes("w-56")
            ui.select(
                locations or {},
                label=_("Location"),
                on_change=lambda e: self._ask(location_id=e.value or None),
            ).props("dense clearable").classes("w-52")
            ui.toggle(
                {key: _(label) for key, label in SHOW_CHOICES.items()},
                value=SHOW_ALL,
                on_change=lambda e: self._ask(show=e.value or SHOW_ALL),
            ).mark("show")
            ui.select(
                {key: _(label) for key, label in SORT_CHOICES.items()},
                value=self.query.sort,
                label=_("Sort by"),
                on_change=lambda e: self._ask(sort=e.value or "days_of_cover"),
            ).props("dense").classes("w-44").mark("sort")
            ui.checkbox(_("Highest first"), on_change=lambda e: self._ask(descending=bool(e.value)))
            ui.button(_("Export CSV"), icon="download", on_click=self.export).props("flat").mark("export")
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    async def export(self) -> None:
        ok, content = await call(plan_csv, self.query)
        if ok:
            ui.download.content(content, "flowsheet-plan.csv", "text/csv")

    async def refresh(self) -> None:
        page = await self.newest(plan_page)
        if page is None:
            return
        self.body.clear()
        with self.body:
            if page.computed_at is None:
                ui.label(
                    _(
                        "No forecast yet: the scheduled jobs compute it on their next cycle "
                        "(`python app.py jobs --once` runs one now)."
                    )
                ).classes("text-slate-500").mark("no forecast")
                return
            ui.label(
                _(
                    "Forecast computed {when} · {buy} to buy · {move} to move",
                    when=when(page.computed_at),
                    buy=page.to_buy,
                    move=page.to_move,
                )
            ).classes("text-sm").mark("plan summary")
            self.transfers([line for line in page.lines if line.transfer_qty])
            columns = [
                {"name": name, "label": _(label), "field": name, "align": "left"}
                for name, label in PLAN_COLUMNS
            ]
            table = ui.table(columns=columns, rows=[_row(line) for line in page.lines], row_key="key").props(
                "dense flat bordered hide-pagination :rows-per-page-options=[0]"
            )
            table.classes("w-full").mark("plan")
            cards_on_phones(table, {"sku": "/planning/"})
            table.add_slot(
                "body-cell-sku",
                '<q-td :props="props"><a :href="\'/planning/\' + encodeURIComponent(props.row.sku)" '
                'class="text-primary">{{ props.row.sku }}</a></q-td>',
            )
            pager(
                page.page,
                page.pages,
                _("{total:,} lines", total=page.total),
                lambda number: self._ask(page=number),
            )

    def transfers(self, lines: list[PlanLine]) -> None:
        """The transfers this page suggests, each one click to a transfer request."""
        if not lines:
            return
        with ui.card().classes("w-full gap-1").mark("suggested transfers"):
            ui.label(_("Suggested transfers")).classes("font-semibold")
            for line in lines:
                with ui.row().classes("items-center gap-3"):
                    ui.label(
                        _(
                            "{name}: move {qty} from {source} to {destination} ({cover} days of cover there)",
                            name=line.name,
                            qty=line.transfer_qty,
                            source=line.transfer_from_name,
                            destination=line.location,
                            cover=_number(line.days_of_cover, 1),
                        )
                    ).classes("text-sm")
                    ui.button(
                        _("Request transfer"), on_click=lambda line=line: self.request_transfer(line)
                    ).props("dense flat color=primary").mark(f"transfer {line.sku}@{line.location_id}")

    async def request_transfer(self, line: PlanLine) -> None:
        values = {
            "sku": line.sku,
            "from_location": line.transfer_from,
            "to_location": line.location_id,
            "qty": line.transfer_qty,
        }
        ok, transfer = await call(steps.make, TRANSFER, values, by=self.actor)
        if ok:
            ui.notify(
                _("Transfer {transfer_id} requested", transfer_id=transfer.transfer_id), type="positive"
            )
            await self.refresh()


def _row(line: PlanLine) -> dict:
    transfer = (
        _("{qty} from {location}", qty=line.transfer_qty, location=line.transfer_from_name)
        if line.transfer_qty
        else ""
    )
    return {
        "key": f"{line.sku}@{line.location_id}",
        "sku": line.sku,
        "name": line.name,
        "location": line.location,
        "location_id": line.location_id,
        "daily_demand": _number(line.daily_demand, 2),
        "days_of_cover": _number(line.days_of_cover, 1),
        "projected": "" if line.projected is None else line.projected,
        "reorder_point": "" if line.reorder_point is None else line.reorder_point,
        "suggested_qty": line.suggested_qty or "",
        "transfer": transfer,
        "method": _(line.method) if line.method else "",
        "accuracy": _percent(line.accuracy),
        "note": line.note or "",
    }


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else formatting.number(value, decimals=digits)


def _percent(value: float | None) -> str:
    """A backtest error (WAPE) as a percentage of the units sold."""
    return "" if value is None else f"{formatting.number(value * 100)}%"


# one product ----------------------------------------------------------------------


class ProductForecastView:
    def __init__(self, sku: str) -> None:
        self.sku = sku

    async def build(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        with self.body:
            ui.spinner()
        ui.timer(0, self.load, once=True)

    async def load(self) -> None:
        ok, forecast = await call(product_forecast, self.sku)
        self.body.clear()
        if not ok:
            return
        with self.body:
            ui.label(forecast.name).classes("text-xl font-semibold")
            ui.link(_("Back to the plan"), "/planning").classes("text-sm")
            if not forecast.locations:
                ui.label(
                    _("{name} has no sales in the last year: nothing to forecast.", name=forecast.name)
                ).classes("text-slate-500").mark("no sales")
            for place in forecast.locations:
                _location_card(place)


def _location_card(place: LocationForecast) -> None:
    with ui.card().classes("w-full gap-2").mark(f"forecast {place.location_id}"):
        ui.label(place.location).classes("text-lg font-semibold")
        with ui.row().classes("gap-6 flex-wrap"):
            fact(N_("Method"), _(place.method))
            fact(N_("Error (WAPE)"), _percent(place.accuracy) or _("not backtested"))
            fact(N_("Seasonal naive"), _percent(place.baseline_accuracy) or "—")
            fact(N_("Per day"), formatting.number(place.daily_demand, decimals=2))
            fact(N_("History"), _("{days} days", days=place.history_days))
            line = place.line
            if line is not None:
                fact(N_("Days of cover"), _number(line.days_of_cover, 1) or "—")
                fact(N_("Reorder point"), "" if line.reorder_point is None else str(line.reorder_point))
                fact(N_("To buy"), str(line.suggested_qty))
        ui.echart(_chart_options(place)).classes("w-full h-72").mark(f"chart {place.location_id}")


def _chart_options(place: LocationForecast) -> dict:
    band = [
        None if low is None or high is None else round(high - low, 2)
        for low, high in zip(place.low, place.high, strict=True)
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [_("Sold"), _("Forecast"), _("80% band")]},
        "grid": {"top": 30, "bottom": 30, "left": 10, "right": 20, "containLabel": True},
        "xAxis": {"type": "category", "data": place.days},
        "yAxis": {"type": "value", "name": _("units per day"), "min": 0},
        "series": [
            {"name": _("Sold"), "type": "bar", "data": place.history, "itemStyle": {"color": "#64748b"}},
            {"name": _("Forecast"), "type": "line", "data": place.forecast, "showSymbol": False},
            {
                "name": "low",
                "type": "line",
                "data": place.low,
                "stack": "band",
                "lineStyle": {"opacity": 0},
                "showSymbol": False,
                "tooltip": {"show": False},
            },
            {
                "name": _("80% band"),
                "type": "line",
                "data": band,
                "stack": "band",
                "lineStyle": {"opacity": 0},
                "areaStyle": {"opacity": 0.2},
                "showSymbol": False,
            },
        ],
    }
