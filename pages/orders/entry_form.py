"""Entering an order by hand: the customer, the address in parts, and one or more lines."""

from __future__ import annotations

from nicegui import ui

from i18n import _
from pages.common import call
from processes import master_data, orders
from processes.errors import ProcessError
from processes.orders import compose_address, read_line
from processes.permissions import Actor


class OrderForm:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.lines: list[tuple[ui.select, ui.input, ui.input]] = []

    async def build(self) -> None:
        ok, self.products = await call(master_data.choices, master_data.PRODUCT)
        ok, locations = await call(master_data.choices, master_data.LOCATION)
        with ui.card().classes("w-full max-w-3xl gap-2"):
            ui.label(_("Customer")).classes("font-semibold")
            with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-x-4"):
                self.name = ui.input(_("Customer name *"))
                self.email = ui.input(_("Customer email"))
                self.street = ui.input(_("Street and number"))
                self.postcode = ui.input(_("Postcode"))
                self.city = ui.input(_("Town"))
                self.country = ui.input(_("Country"))
                self.location = ui.select(locations or {}, label=_("Ships from")).props("clearable")
            ui.label(_("Lines")).classes("font-semibold")
            self.line_area = ui.column().classes("w-full gap-1")
            self._add_line()
            with ui.row().classes("gap-2"):
                ui.button(_("Add a line"), on_click=self._add_line).props("flat")
                ui.button(_("Create order"), on_click=self.create)

    def _add_line(self) -> None:
        number = len(self.lines) + 1
        with self.line_area, ui.row().classes("items-end gap-2"):
            product = ui.select(
                self.products or {}, label=_("Product {number}", number=number), with_input=True
            ).classes("w-72")
            qty = (
                ui.input(_("Quantity {number}", number=number), value="1")
                .props("inputmode=numeric")
                .classes("w-28")
            )
            price = ui.input(_("Unit price {number}", number=number), placeholder=_("the product's")).classes(
                "w-36"
            )
        self.lines.append((product, qty, price))

    async def create(self) -> None:
        try:
            lines = [
                read_line(product.value or "", qty.value, price.value)
                for product, qty, price in self.lines
                if product.value
            ]
        except ProcessError as refusal:
            ui.notify(str(refusal), type="negative", multi_line=True)
            return
        address = compose_address(self.street.value, self.postcode.value, self.city.value, self.country.value)
        ok, order = await call(
            orders.enter_order,
            customer_name=self.name.value or "",
            customer_email=self.email.value or "",
            ship_address=address,
            location_id=self.location.value or "",
            lines=lines,
            by=self.actor,
        )
        if ok:
            ui.notify(_("Order {order_id} created", order_id=order.order_id), type="positive")
            ui.navigate.to(f"/orders/{order.order_id}")
