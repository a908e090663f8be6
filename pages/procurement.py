"""Purchasing: requests with their stock picture, quotes compared, purchase orders and goods received.

Every workbook call runs through `run.io_bound`; every rule is in
processes.procurement, which the buttons call. A page offers only the steps
the procedure allows the user now, and shows a refusal as a notification
while the form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import app, run, ui

from pages.auth import LOGIN_PATH, signed_in
from pages.common import attempt
from pages.frame import frame
from processes import SheetError, procurement, runtime
from processes.errors import ProcessError
from processes.permissions import Actor, Permission
from processes.procedure import Transition
from processes.procurement import PURCHASE_ORDER, PURCHASE_REQUEST, RECEIVING_STEPS, StockContext

REQUEST_STATES = PURCHASE_REQUEST.states
ORDER_STATES = PURCHASE_ORDER.states
ALL = "all"


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
        with frame(f"Purchase request {request_id}", actor):
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
        with frame(f"Purchase order {po_id}", actor):
            await OrderPage(actor, po_id).build()

    @app.get("/procurement/orders/{po_id}/print", response_class=HTMLResponse)
    async def printable_order(po_id: str) -> Response:
        name = app.storage.user.get("username")
        actor = await run.io_bound(runtime.accounts().actor, name) if name else None
        if actor is None:
            return RedirectResponse(LOGIN_PATH)
        try:
            page = await run.io_bound(procurement.render_purchase_order, runtime.workbook(), po_id)
        except (ProcessError, SheetError) as refusal:
            return HTMLResponse(f"<p>{escape(str(refusal))}</p>", status_code=404)
        return HTMLResponse(page)


# --- shared pieces ----------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value as a table cell shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def table(
    columns: list[tuple[str, str]], rows: list[dict[str, Any]], key: str, links: dict[str, str] | None = None
) -> ui.table:
    """A compact table; `links` turns a column's cells into links (column -> path prefix)."""
    grid = ui.table(
        columns=[{"name": name, "label": label, "field": name, "align": "left"} for name, label in columns],
        rows=[{name: shown(row.get(name)) for name, _ in columns} for row in rows],
        row_key=key,
    ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]")
    grid.classes("w-full")
    for column, prefix in (links or {}).items():
        grid.add_slot(
            f"body-cell-{column}",
            f'<q-td :props="props"><a class="text-primary" :href="\'{prefix}\' + props.value">'
            "{{ props.value }}</a></q-td>",
        )
    return grid


def fact(label: str, value: Any) -> None:
    with ui.row().classes("gap-2 items-baseline"):
        ui.label(label).classes("text-sm text-slate-500 w-36")
        ui.label(shown(value) or "—")


def show_context(context: StockContext) -> None:
    """Stock on hand, what is on its way and what is already asked for: so nobody orders twice."""
    here = context.here
    if context.location_id is None:
        ui.label("No delivery location chosen: stock everywhere.")
    elif here is None:
        ui.label("No stock of it is kept at this location yet.")
    else:
        ui.label(
            f"At {here.location_name}: {here.on_hand} on hand, {here.reserved} reserved, "
            f"{here.available} available (min {here.min_qty}, max {here.max_qty})"
        )
    for line in context.elsewhere:
        ui.label(f"At {line.location_name}: {line.on_hand} on hand, {line.available} available").classes(
            "text-sm text-slate-600"
        )
    if context.incoming:
        ui.label(f"Incoming: {context.incoming_qty} on open purchase orders").classes("font-medium")
        for line in context.incoming:
            expected = f", expected {line.expected_at.isoformat()}" if line.expected_at else ""
            ui.link(
                f"{line.po_id}: {line.outstanding} from {line.supplier_name} ({line.status}{expected})",
                f"/procurement/orders/{line.po_id}",
            ).classes("text-sm")
    else:
        ui.label("Nothing incoming on open purchase orders.")
    if context.open_requests:
        ui.label("Open requests for it:").classes("font-medium")
        for request in context.open_requests:
            needed = f", needed by {request.needed_by.isoformat()}" if request.needed_by else ""
            ui.link(
                f"{request.request_id}: {request.qty} for {request.location_id} ({request.status}{needed})",
                f"/procurement/requests/{request.request_id}",
            ).classes("text-sm")
    else:
        ui.label("No open request for it.")


def status_filter(states: tuple[str, ...], on_change: Callable[[], Any]) -> ui.select:
    return ui.select([ALL, *states], value=ALL, label="Status", on_change=on_change).classes("w-48")


# --- /procurement: the requests, and a new one ------------------------------------------


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
                ui.label("New purchase request").classes("text-base font-semibold")
                self.product = ui.select(
                    choices.products, label="Product to buy", on_change=self.show_context
                )
                self.product.classes("w-full")
                only_location = next(iter(choices.locations)) if len(choices.locations) == 1 else None
                self.location = ui.select(
                    choices.locations, label="Deliver to", value=only_location, on_change=self.show_context
                ).classes("w-full")
                self.qty = ui.number("Quantity", min=1, step=1, format="%.0f").classes("w-full")
                self.needed_by = ui.input("Needed by").props("type=date stack-label").classes("w-full")
                self.reason = ui.input("Reason").classes("w-full")
                self.department = ui.input("Department").classes("w-full")
                ui.button("Submit request", on_click=self.submit).classes("mt-2")
            with ui.card().classes("grow gap-1"):
                ui.label("Stock of this product").classes("text-base font-semibold")
                self.context = ui.column().classes("gap-1")
                with self.context:
                    ui.label("Choose a product to see its stock, what is coming and what is asked for.")
        with ui.row().classes("w-full items-end gap-4"):
            ui.label("Purchase requests").classes("text-lg font-semibold")
            self.status = status_filter(REQUEST_STATES, self.refresh)
            ui.link("Purchase orders", "/procurement/orders")
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
        self.context.clear()
        with self.context:
            show_context(context)

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
            ui.notify(f"Request {made.request_id} submitted", type="positive")
            ui.navigate.to(f"/procurement/requests/{made.request_id}")

    async def refresh(self) -> None:
        status = None if self.status.value == ALL else self.status.value
        rows = await attempt(procurement.request_rows, self.workbook, status)
        if rows is None:
            return
        self.list.clear()
        with self.list:
            if not rows:
                ui.label("No purchase requests." if status is None else f"No purchase request is {status}.")
                return
            table(
                [
                    ("request_id", "Request"),
                    ("created_at", "Created"),
                    ("product", "Product"),
                    ("qty", "Qty"),
                    ("location", "For"),
                    ("needed_by", "Needed by"),
                    ("status", "Status"),
                    ("quotes", "Quotes"),
                    ("requested_by", "By"),
                ],
                [vars(row) for row in rows],
                "request_id",
                links={"request_id": "/procurement/requests/"},
            ).mark("requests")


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
            view = await run.io_bound(procurement.request_view, self.workbook, self.request_id)
            choices = await run.io_bound(procurement.form_choices, self.workbook)
        except (ProcessError, SheetError) as problem:
            self.body.clear()
            with self.body:
                ui.label(str(problem)).classes("text-negative")
                ui.link("All purchase requests", "/procurement")
            return
        self.view = view
        steps = {step.action: step for step in procurement.request_steps(view.request, self.actor)}
        self.body.clear()
        with self.body:
            self.summary(view)
            with ui.card().classes("w-full gap-1"):
                ui.label("Stock of this product").classes("text-base font-semibold")
                show_context(view.context)
            self.quotes(view.comparison, choosing="order" in steps)
            if "quote" in steps:
                self.quote_form(choices.suppliers)
            if "order" in steps:
                self.choice_form(view.comparison)
            if "cancel" in steps:
                ui.button(steps["cancel"].label, on_click=self.cancel).props("outline color=negative")
            if view.orders:
                ui.label("Purchase orders").classes("text-base font-semibold")
                table(
                    [
                        ("po_id", "Order"),
                        ("supplier", "Supplier"),
                        ("qty", "Qty"),
                        ("total", "Total"),
                        ("status", "Status"),
                        ("selection_reason", "Reason for the choice"),
                    ],
                    [vars(row) for row in view.orders],
                    "po_id",
                    links={"po_id": "/procurement/orders/"},
                )

    def summary(self, view: procurement.RequestView) -> None:
        request = view.request
        with ui.row().classes("items-center gap-3"):
            ui.label(f"{request.request_id}: {request.qty} × {view.product}").classes("text-lg font-semibold")
            ui.badge(request.status).props("outline")
        with ui.column().classes("gap-0"):
            fact("Deliver to", view.location)
            fact("Needed by", request.needed_by)
            fact("Reason", request.reason)
            fact("Department", request.department)
            fact("Requested", f"{shown(request.created_at)} by {request.requested_by or '?'}")

    def quotes(self, comparison: procurement.Comparison, choosing: bool) -> None:
        ui.label("Quotes").classes("text-base font-semibold")
        if not comparison.lines:
            ui.label(f"No quotes yet: ask at least {procurement.QUOTES_NEEDED} suppliers.")
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
                "counts": "valid" if line.valid else line.problem,
                "on_time": _on_time(line.reputation),
                "accepted": _rate(line.reputation.acceptance_rate),
                "rating": "" if line.reputation.rating is None else f"{line.reputation.rating:g}/5",
                "score": "" if line.score is None else f"{line.score:.2f}",
                "pick": "recommended" if choosing and line is recommended else "",
                "notes": line.quote.notes,
            }
            for line in comparison.lines
        ]
        table(
            [
                ("supplier", "Supplier"),
                ("unit_price", "Unit price"),
                ("total", "Total"),
                ("lead_time", "Lead days"),
                ("arrives_by", "Arrives by"),
                ("valid_until", "Valid until"),
                ("counts", "Counts?"),
                ("on_time", "On time"),
                ("accepted", "Accepted"),
                ("rating", "Rating"),
                ("score", "Score"),
                ("pick", ""),
                ("notes", "Notes"),
            ],
            rows,
            "quote_id",
        ).mark("quotes")
        if choosing:
            ui.label(
                f"Valid quotes from {comparison.valid_suppliers} supplier(s); {procurement.QUOTES_NEEDED} are needed."
            ).classes("text-sm")
            ui.label(f"Recommended: {comparison.reason}").classes("text-sm font-medium")

    def quote_form(self, suppliers: dict[str, str]) -> None:
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label("Record a quote").classes("text-base font-semibold")
            with ui.row().classes("w-full items-end gap-3"):
                supplier = ui.select(suppliers, label="Quoting supplier").classes("w-64")
                price = ui.number("Unit price", min=0, step=0.01).classes("w-28")
                lead = ui.number("Lead time (days)", min=0, step=1, format="%.0f").classes("w-32")
                lead.props('hint="blank: the usual for the supplier"')
                valid_until = ui.input("Valid until").props("type=date stack-label").classes("w-40")
            notes = ui.input("Notes").classes("w-full")

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
                    ui.notify(f"Quote {made.quote_id} recorded", type="positive")
                    await self.load()

            ui.button("Add quote", on_click=add)

    def choice_form(self, comparison: procurement.Comparison) -> None:
        valid = comparison.valid_lines
        if not valid:
            return
        may_waive = self.actor.may(Permission.WAIVE_THREE_QUOTES)
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label("Choose the supplier").classes("text-base font-semibold")
            if comparison.needs_exception and not may_waive:
                ui.label(
                    f"Choosing needs valid quotes from at least {procurement.QUOTES_NEEDED} suppliers "
                    f"({comparison.valid_suppliers} so far). Record more quotes, or ask a manager to "
                    "record why fewer will do."
                )
                return
            options = {
                line.quote.quote_id: f"{line.supplier_name} · {line.quote.unit_price:,.2f} a unit · "
                f"total {line.total:,.2f}"
                for line in valid
            }
            recommended = comparison.recommended.quote.quote_id if comparison.recommended else None
            quote = ui.select(options, value=recommended, label="Chosen quote").classes("w-full")
            reason = ui.input("Why this supplier").classes("w-full")
            contract = ui.input("Contract reference").classes("w-64")
            exception = None
            if comparison.needs_exception:
                exception = ui.input(
                    f"Exception: why fewer than {procurement.QUOTES_NEEDED} quotes will do"
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
                    ui.notify(f"Purchase order {order.po_id} created ({order.status})", type="positive")
                    ui.navigate.to(f"/procurement/orders/{order.po_id}")

            ui.button("Create the purchase order", on_click=choose)

    async def cancel(self) -> None:
        done = await attempt(
            procurement.cancel_request, self.workbook, self.request_id, by=self.actor, base=self.view.request
        )
        if done is not None:
            ui.notify(f"Request {self.request_id} cancelled", type="positive")
            await self.load()


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def _on_time(reputation: procurement.Reputation) -> str:
    if not reputation.deliveries:
        return ""
    return f"{reputation.on_time} of {reputation.deliveries}"


# --- /procurement/orders: every purchase order -------------------------------------------


class OrdersPage:
    def __init__(self) -> None:
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            self.status = status_filter(ORDER_STATES, self.refresh)
            ui.link("Purchase requests", "/procurement")
        self.list = ui.column().classes("w-full")
        await self.refresh()

    async def refresh(self) -> None:
        status = None if self.status.value == ALL else self.status.value
        rows = await attempt(procurement.order_rows, self.workbook, status)
        if rows is None:
            return
        self.list.clear()
        with self.list:
            if not rows:
                ui.label("No purchase orders." if status is None else f"No purchase order is {status}.")
                return
            table(
                [
                    ("po_id", "Order"),
                    ("request_id", "Request"),
                    ("supplier", "Supplier"),
                    ("product", "Product"),
                    ("qty", "Qty"),
                    ("received", "Received"),
                    ("total", "Total"),
                    ("status", "Status"),
                    ("expected_at", "Expected"),
                ],
                [vars(row) for row in rows],
                "po_id",
                links={"po_id": "/procurement/orders/", "request_id": "/procurement/requests/"},
            ).mark("orders")


# --- /procurement/orders/{id}: approval, ordering, receiving -----------------------------


class OrderPage:
    def __init__(self, actor: Actor, po_id: str) -> None:
        self.actor = actor
        self.po_id = po_id
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        await self.load()

    async def load(self) -> None:
        try:
            view = await run.io_bound(procurement.order_view, self.workbook, self.po_id)
        except (ProcessError, SheetError) as problem:
            self.body.clear()
            with self.body:
                ui.label(str(problem)).classes("text-negative")
                ui.link("All purchase orders", "/procurement/orders")
            return
        self.view = view
        steps = procurement.order_steps(view.order, self.actor)
        self.body.clear()
        with self.body:
            self.summary(view)
            for step in steps:
                if step.action not in RECEIVING_STEPS:
                    self.step_button(step)
            if any(step.action in RECEIVING_STEPS for step in steps):
                self.receiving_form(view)
            self.receipts(view)

    def summary(self, view: procurement.OrderView) -> None:
        order = view.order
        with ui.row().classes("items-center gap-3"):
            ui.label(
                f"{order.po_id}: {order.qty} × {view.product.name if view.product else order.sku}"
            ).classes("text-lg font-semibold")
            ui.badge(order.status).props("outline")
            ui.link("Printable purchase order", f"/procurement/orders/{order.po_id}/print", new_tab=True)
        with ui.column().classes("gap-0"):
            fact("Supplier", view.supplier.name if view.supplier else order.supplier_id)
            fact("Unit price", order.unit_price)
            fact("Total", order.total)
            fact("Deliver to", view.location.name if view.location else order.location_id)
            fact("Expected by", order.expected_at)
            fact("Ordered at", order.ordered_at)
            fact("Approved by", order.approved_by)
            fact("Contract", order.contract_ref)
            fact("Why this supplier", order.selection_reason)
            if order.exception_reason:
                fact("Quote exception", order.exception_reason)
            fact("Received so far", f"{view.received} of {order.qty}")
        if order.request_id:
            ui.link(f"Request {order.request_id}", f"/procurement/requests/{order.request_id}")

    def step_button(self, step: Transition) -> None:
        """The button for one step, under the checklist the person goes through first."""

        async def take() -> None:
            done = await attempt(
                procurement.take_order_step,
                self.workbook,
                self.po_id,
                step.action,
                by=self.actor,
                base=self.view.order,
            )
            if done is not None:
                ui.notify(f"{self.po_id} is {done.status}", type="positive")
                await self.load()

        if not step.checklist:
            ui.button(step.label, on_click=take).props("outline")
            return
        with ui.card().classes("w-full max-w-3xl gap-1"):
            for item in step.checklist:
                ui.label(f"• {item}").classes("text-sm")
            ui.button(step.label, on_click=take)

    def receiving_form(self, view: procurement.OrderView) -> None:
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label(f"Receive a delivery: {view.outstanding} of {view.order.qty} still to come").classes(
                "text-base font-semibold"
            )
            for item in procurement.PURCHASE_ORDER.transition("receive").checklist:
                ui.label(f"• {item}").classes("text-sm")
            with ui.row().classes("w-full items-end gap-3"):
                received = ui.number("Quantity received", min=0, step=1, format="%.0f").classes("w-36")
                accepted = ui.number("Quantity accepted", min=0, step=1, format="%.0f").classes("w-36")
                rejected = ui.number("Quantity rejected", value=0, min=0, step=1, format="%.0f").classes(
                    "w-36"
                )
                location = ui.select(view.locations, value=view.order.location_id, label="Put at").classes(
                    "w-56"
                )
            notes = ui.input("Inspection notes").classes("w-full")

            async def record() -> None:
                receipt = await attempt(
                    procurement.receive,
                    self.workbook,
                    self.po_id,
                    qty_received=received.value,
                    qty_accepted=accepted.value,
                    qty_rejected=rejected.value,
                    location_id=location.value,
                    inspection_notes=notes.value,
                    by=self.actor,
                    base=self.view.order,
                )
                if receipt is not None:
                    ui.notify(
                        f"Delivery {receipt.receipt_id} recorded: {receipt.qty_accepted} into stock",
                        type="positive",
                    )
                    await self.load()

            ui.button("Record the delivery", on_click=record)

    def receipts(self, view: procurement.OrderView) -> None:
        ui.label("Deliveries").classes("text-base font-semibold")
        if not view.receipts:
            ui.label("Nothing received yet.")
            return
        table(
            [
                ("receipt_id", "Delivery"),
                ("received_at", "Received"),
                ("location_id", "Put at"),
                ("qty_received", "Received"),
                ("qty_accepted", "Accepted"),
                ("qty_rejected", "Rejected"),
                ("inspection_notes", "Inspection"),
                ("received_by", "By"),
            ],
            [
                receipt.to_dict()
                | {"location_id": view.location_names.get(receipt.location_id, receipt.location_id)}
                for receipt in view.receipts
            ],
            "receipt_id",
        ).mark("receipts")
