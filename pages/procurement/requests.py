"""Purchase requests: the list with the new-request form, and one request with its quotes."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, formatting, ngettext
from pages.common import attempt, background
from pages.procurement.common import (
    ALL,
    REQUEST_STATES,
    fact,
    show_context,
    shown,
    status_filter,
    status_list,
    table,
)
from pages.steps_panel import StepsPanel
from processes import SheetError, procurement, runtime
from processes.errors import ProcessError
from processes.permissions import Actor, Permission
from processes.planning import views as planning


class RequestsPage:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        choices = await attempt(procurement.form_choices, self.workbook)
        if choices is None:
            return
        with ui.row().classes("w-full items-start gap-4"):
            with ui.card().classes("w-96 gap-1"):
                ui.label(_("New purchase request")).classes("text-base font-semibold")
                self.product = ui.select(
                    choices.products, label=_("Product to buy"), on_change=self.show_context
                )
                self.product.classes("w-full")
                only_location = next(iter(choices.locations)) if len(choices.locations) == 1 else None
                self.location = ui.select(
                    choices.locations, label=_("Deliver to"), value=only_location, on_change=self.show_context
                ).classes("w-full")
                self.qty = ui.number(_("Quantity"), min=1, step=1, format="%.0f").classes("w-full")
                self.needed_by = ui.input(_("Needed by")).props("type=date stack-label").classes("w-full")
                self.reason = ui.input(_("Reason")).classes("w-full")
                self.department = ui.input(_("Department")).classes("w-full")
                ui.button(_("Submit request"), on_click=self.submit).classes("mt-2")
            with ui.card().classes("grow gap-1"):
                ui.label(_("Stock of this product")).classes("text-base font-semibold")
                self.context = ui.column().classes("gap-1")
                with self.context:
                    ui.label(_("Choose a product to see its stock, what is coming and what is asked for."))
        with ui.row().classes("w-full items-end gap-4"):
            ui.label(_("Purchase requests")).classes("text-lg font-semibold")
            self.status = status_filter(REQUEST_STATES, self.refresh)
            ui.link(_("Purchase orders"), "/procurement/orders")
        self.list = ui.column().classes("w-full")
        await self.refresh()

    async def show_context(self) -> None:
        if not self.product.value:
            return
        context = await attempt(
            procurement.stock_context, self.workbook, self.product.value, self.location.value
        )
        if context is None:
            return
        suggestion = None
        if self.location.value:
            suggestion = await attempt(
                planning.suggestion_for, self.workbook, self.product.value, self.location.value
            )
        self.context.clear()
        with self.context:
            if suggestion is not None:
                self.show_suggestion(suggestion)
            show_context(context)

    def show_suggestion(self, suggestion: planning.Suggestion) -> None:
        """The forecast for the chosen product and location, and the quantity it suggests buying."""
        with ui.column().classes("w-full gap-1 rounded bg-sky-50 px-3 py-2").mark("forecast"):
            ui.label(_("Forecast")).classes("font-semibold")
            cover = (
                _("{days} days of cover", days=formatting.number(suggestion.days_of_cover, decimals=1))
                if suggestion.days_of_cover is not None
                else _("no sales to cover")
            )
            ui.label(
                _(
                    "Sells {rate} a day ({method}) · projected stock {projected} · {cover} · reorder point {point}",
                    rate=formatting.number(suggestion.daily_demand, decimals=2),
                    method=_(suggestion.method) if suggestion.method else _("no forecast"),
                    projected=suggestion.projected,
                    cover=cover,
                    point=suggestion.reorder_point,
                )
            ).classes("text-sm")
            if suggestion.transfer_qty:
                ui.label(
                    _(
                        "{qty} can be moved from {location} first: see Planning.",
                        qty=suggestion.transfer_qty,
                        location=suggestion.transfer_from_name,
                    )
                ).classes("text-sm")
            if suggestion.note:
                ui.label(suggestion.note).classes("text-sm text-amber-800")
            if suggestion.suggested_qty:
                with ui.row().classes("items-center gap-2"):
                    ui.label(_("Suggested quantity: {qty}", qty=suggestion.suggested_qty)).classes("text-sm")
                    ui.button(
                        _("Use it"), on_click=lambda: self.qty.set_value(suggestion.suggested_qty)
                    ).props("flat dense").mark("use suggestion")
            else:
                ui.label(_("Nothing needs buying now: projected stock is above the reorder point.")).classes(
                    "text-sm"
                )

    async def submit(self) -> None:
        made = await attempt(
            procurement.create_request,
            self.workbook,
            sku=self.product.value,
            qty=self.qty.value,
            needed_by=self.needed_by.value,
            location_id=self.location.value,
            reason=self.reason.value,
            department=self.department.value,
            by=self.actor,
        )
        if made is not None:
            ui.notify(_("Request {request_id} submitted", request_id=made.request_id), type="positive")
            ui.navigate.to(f"/procurement/requests/{made.request_id}")

    async def refresh(self) -> None:
        status = None if self.status.value == ALL else self.status.value
        rows = await attempt(procurement.request_rows, self.workbook, status)
        if rows is None:
            return
        drawn = status_list(
            self.list,
            rows,
            status,
            nothing=N_(
                "No purchase requests. Ask for stock with New purchase request; low stock asks by itself."
            ),
            nothing_in_state=N_("No purchase request is {status}."),
            columns=[
                ("request_id", N_("Request")),
                ("created_at", N_("Created")),
                ("product", N_("Product")),
                ("qty", N_("Qty")),
                ("location", N_("For")),
                ("needed_by", N_("Needed by")),
                ("status", N_("Status")),
                ("quotes", N_("Quotes")),
                ("requested_by", N_("By")),
            ],
            key="request_id",
            links={"request_id": "/procurement/requests/"},
        )
        if drawn is not None:
            drawn.mark("requests")


# --- /procurement/requests/{id}: quotes, comparison, the choice --------------------------


class RequestPage:
    def __init__(self, actor: Actor, request_id: str) -> None:
        self.actor = actor
        self.request_id = request_id
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        await self.load()

    async def load(self) -> None:
        try:
            view = await background(procurement.request_view, self.workbook, self.request_id)
            choices = await background(procurement.form_choices, self.workbook)
        except (ProcessError, SheetError) as problem:
            self.body.clear()
            with self.body:
                ui.label(str(problem)).classes("text-negative")
                ui.link(_("All purchase requests"), "/procurement")
            return
        self.view = view
        steps = {step.action: step for step in procurement.request_steps(view.request, self.actor)}
        self.body.clear()
        with self.body:
            self.summary(view)
            with ui.card().classes("w-full gap-1"):
                ui.label(_("Stock of this product")).classes("text-base font-semibold")
                show_context(view.context)
            self.quotes(view.comparison, choosing="order" in steps)
            extras = {
                "quote": lambda step: self.quote_form(choices.suppliers),
                "order": lambda step: self.choice_form(view.comparison),
            }
            StepsPanel(
                procurement.PURCHASE_REQUEST,
                view.request,
                self.actor,
                on_done=self.load,
                extras=extras,
                title="",
            ).draw()
            if view.orders:
                ui.label(_("Purchase orders")).classes("text-base font-semibold")
                table(
                    [
                        ("po_id", N_("Order")),
                        ("supplier", N_("Supplier")),
                        ("qty", N_("Qty")),
                        ("total", N_("Total")),
                        ("status", N_("Status")),
                        ("selection_reason", N_("Reason for the choice")),
                    ],
                    [vars(row) for row in view.orders],
                    "po_id",
                    links={"po_id": "/procurement/orders/"},
                )

    def summary(self, view: procurement.RequestView) -> None:
        request = view.request
        with ui.row().classes("items-center gap-3"):
            ui.label(f"{request.request_id}: {request.qty} × {view.product}").classes("text-lg font-semibold")
            ui.badge(i18n.value(request.status)).props("outline")
        with ui.column().classes("gap-0"):
            fact("Deliver to", view.location)
            fact("Needed by", request.needed_by)
            fact("Reason", request.reason)
            fact("Department", request.department)
            fact(
                "Requested",
                _("{when} by {who}", when=shown(request.created_at), who=request.requested_by or "?"),
            )

    def quotes(self, comparison: procurement.Comparison, choosing: bool) -> None:
        ui.label(_("Quotes")).classes("text-base font-semibold")
        if not comparison.lines:
            ui.label(
                _(
                    "No quotes yet: ask at least {QUOTES_NEEDED} suppliers.",
                    QUOTES_NEEDED=procurement.QUOTES_NEEDED,
                )
            )
            return
        recommended = comparison.recommended
        rows = [
            {
                "quote_id": line.quote.quote_id,
                "supplier": line.supplier_name,
                "unit_price": line.quote.unit_price,
                "total": line.total,
                "lead_time": line.quote.lead_time_days,
                "arrives_by": line.arrives_by,
                "valid_until": line.quote.valid_until,
                "counts": _("valid") if line.valid else line.problem,
                "on_time": _on_time(line.reputation),
                "accepted": _rate(line.reputation.acceptance_rate),
                "rating": "" if line.reputation.rating is None else f"{line.reputation.rating:g}/5",
                "score": "" if line.score is None else f"{line.score:.2f}",
                "pick": _("recommended") if choosing and line is recommended else "",
                "notes": line.quote.notes,
            }
            for line in comparison.lines
        ]
        table(
            [
                ("supplier", N_("Supplier")),
                ("unit_price", N_("Unit price")),
                ("total", N_("Total")),
                ("lead_time", N_("Lead days")),
                ("arrives_by", N_("Arrives by")),
                ("valid_until", N_("Valid until")),
                ("counts", N_("Counts?")),
                ("on_time", N_("On time")),
                ("accepted", N_("Accepted")),
                ("rating", N_("Rating")),
                ("score", N_("Score")),
                ("pick", ""),
                ("notes", N_("Notes")),
            ],
            rows,
            "quote_id",
        ).mark("quotes")
        if choosing:
            ui.label(
                ngettext(
                    "Valid quotes from {count} supplier; {QUOTES_NEEDED} are needed.",
                    "Valid quotes from {count} suppliers; {QUOTES_NEEDED} are needed.",
                    comparison.valid_suppliers,
                    QUOTES_NEEDED=procurement.QUOTES_NEEDED,
                )
            ).classes("text-sm")
            ui.label(_("Recommended: {reason}", reason=comparison.reason)).classes("text-sm font-medium")

    def quote_form(self, suppliers: dict[str, str]) -> None:
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label(_("Record a quote")).classes("text-base font-semibold")
            with ui.row().classes("w-full items-end gap-3"):
                supplier = ui.select(suppliers, label=_("Quoting supplier")).classes("w-64")
                price = ui.number(_("Unit price"), min=0, step=0.01).classes("w-28")
                lead = ui.number(_("Lead time (days)"), min=0, step=1, format="%.0f").classes("w-32")
                lead.props(f'hint="{_("blank: the usual for the supplier")}"')
                valid_until = ui.input(_("Valid until")).props("type=date stack-label").classes("w-40")
            notes = ui.input(_("Notes")).classes("w-full")

            async def add() -> None:
                made = await attempt(
                    procurement.add_quote,
                    self.workbook,
                    self.request_id,
                    supplier_id=supplier.value,
                    unit_price=price.value,
                    lead_time_days=lead.value,
                    valid_until=valid_until.value,
                    notes=notes.value,
                    by=self.actor,
                )
                if made is not None:
                    ui.notify(_("Quote {quote_id} recorded", quote_id=made.quote_id), type="positive")
                    await self.load()

            ui.button(_("Add quote"), on_click=add)

    def choice_form(self, comparison: procurement.Comparison) -> None:
        valid = comparison.valid_lines
        if not valid:
            return
        may_waive = self.actor.may(Permission.WAIVE_THREE_QUOTES)
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label(_("Choose the supplier")).classes("text-base font-semibold")
            if comparison.needs_exception and not may_waive:
                ui.label(
                    _(
                        "Choosing needs valid quotes from at least {QUOTES_NEEDED} suppliers ({valid_suppliers} so far). Record more quotes, or ask a manager to record why fewer will do.",
                        QUOTES_NEEDED=procurement.QUOTES_NEEDED,
                        valid_suppliers=comparison.valid_suppliers,
                    )
                )
                return
            options = {
                line.quote.quote_id: _(
                    "{supplier} · {price:,.2f} a unit · total {total:,.2f}",
                    supplier=line.supplier_name,
                    price=line.quote.unit_price,
                    total=line.total,
                )
                for line in valid
            }
            recommended = comparison.recommended.quote.quote_id if comparison.recommended else None
            quote = ui.select(options, value=recommended, label=_("Chosen quote")).classes("w-full")
            reason = ui.input(_("Why this supplier")).classes("w-full")
            contract = ui.input(_("Contract reference")).classes("w-64")
            exception = None
            if comparison.needs_exception:
                exception = ui.input(
                    _(
                        "Exception: why fewer than {QUOTES_NEEDED} quotes will do",
                        QUOTES_NEEDED=procurement.QUOTES_NEEDED,
                    )
                ).classes("w-full")

            async def choose() -> None:
                order = await attempt(
                    procurement.choose_supplier,
                    self.workbook,
                    self.request_id,
                    quote.value,
                    selection_reason=reason.value,
                    contract_ref=contract.value,
                    exception_reason=exception.value if exception else "",
                    by=self.actor,
                    base=self.view.request,
                )
                if order is not None:
                    ui.notify(
                        _(
                            "Purchase order {po_id} created ({status})",
                            po_id=order.po_id,
                            status=order.status,
                        ),
                        type="positive",
                    )
                    ui.navigate.to(f"/procurement/orders/{order.po_id}")

            ui.button(_("Create the purchase order"), on_click=choose)


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def _on_time(reputation: procurement.Reputation) -> str:
    if not reputation.deliveries:
        return ""
    return _("{part} of {whole}", part=reputation.on_time, whole=reputation.deliveries)


# --- /procurement/orders: every purchase order -------------------------------------------
