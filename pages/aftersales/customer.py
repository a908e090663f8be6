"""The customer's return or exchange request: no login, rate limited, every field checked by the rule.

The page shows two fields first (order reference and email address); only a
matching pair shows the order's items. Each load and each submission counts
against the public rate limit of the client's address.
"""

from __future__ import annotations

import logging

from fastapi import Request
from nicegui import events, ui

from i18n import N_, _, ngettext
from pages.common import background
from pages.public import PUBLIC_LIMIT, RETURNS, TOO_MANY, client_address, public_frame
from processes import SheetError, aftersales, runtime
from processes.aftersales import CustomerOrder, Photo
from processes.errors import ProcessError

log = logging.getLogger(__name__)

#: What the photo field lets the customer's device choose; the content is checked whatever is chosen.
PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif"
TRY_LATER = N_("Your request could not be handled just now; please try again in a few minutes.")
KIND_CHOICES = {
    "return": N_("Return it for a refund"),
    "exchange": N_("Exchange it for another size or item"),
}


def difference_for_customer(difference: float) -> str:
    """The price difference of an exchange as the customer reads it."""
    if difference > 0:
        return _("The exchange costs {amount:,.2f} more: you pay the difference.", amount=difference)
    if difference < 0:
        return _("The exchange costs {amount:,.2f} less: we refund you the difference.", amount=-difference)
    return _("The same price: nothing to pay, nothing to refund.")


class CustomerReturnPage:
    def __init__(self, request: Request) -> None:
        self.address = client_address(request)
        self.reference = ""  # the pair that opened the order; the request is sent with it
        self.email = ""
        self.photos: list[Photo] = []  # checked on arrival, sent with the request

    async def build(self) -> None:
        with public_frame("Return or exchange"):
            if not PUBLIC_LIMIT.allow(self.address, page=RETURNS):
                ui.label(_(TOO_MANY)).classes("text-negative")
                return
            ui.label(
                _(
                    "Give your order number (as in your order confirmation, for example #1001) and the email "
                    "address you ordered with."
                )
            )
            self.ref_input = (
                ui.input(_("Order number")).props("maxlength=64 autocomplete=off").classes("w-full")
            )
            self.email_input = (
                ui.input(_("Email address")).props("maxlength=254 type=email").classes("w-full")
            )
            ui.button(_("Find my order"), on_click=self.find)
            self.message = ui.label().classes("text-negative")
            self.body = ui.column().classes("w-full gap-3")

    def _allowed(self) -> bool:
        if PUBLIC_LIMIT.allow(self.address, page=RETURNS):
            return True
        self._refuse(_(TOO_MANY))
        return False

    def _refuse(self, text: str) -> None:
        self.message.text = text
        ui.notify(text, type="negative", multi_line=True)

    async def _call(self, action, *args, **kwargs):
        """Run a rule off the event loop; a refusal is shown and gives None."""
        try:
            return await background(action, *args, **kwargs)
        except ProcessError as refusal:
            self._refuse(str(refusal))
        except SheetError:
            log.warning("public returns page: the record could not be read or written", exc_info=True)
            self._refuse(_(TRY_LATER))
        return None

    async def find(self) -> None:
        self.body.clear()
        self.message.text = ""
        if not self._allowed():
            return
        reference, email = str(self.ref_input.value or "")[:64], str(self.email_input.value or "")[:254]
        order = await self._call(aftersales.find_customer_order, runtime.workbook(), reference, email)
        if order is None:
            return
        self.reference, self.email = reference, email
        self._show(order)

    def _show(self, order: CustomerOrder) -> None:
        with self.body:
            ui.label(_("Order {reference}", reference=order.reference)).classes("text-lg font-semibold")
            if order.problem:
                ui.label(order.problem)
                return
            if not order.returnable:
                ui.label(_("Every item of this order has already been asked back."))
                return
            items = {
                line.sku: _("{name} (up to {count})", name=line.name, count=line.returnable)
                for line in order.returnable
            }
            self.lines = {line.sku: line for line in order.returnable}
            self.item = ui.select(
                items, label=_("Item"), value=next(iter(items)), on_change=self._item_chosen
            )
            self.item.classes("w-full")
            self.qty = ui.input(_("Quantity"), value="1", on_change=self._show_difference)
            self.qty.props("maxlength=6 inputmode=numeric").classes("w-32")
            kinds = {kind: _(label) for kind, label in KIND_CHOICES.items()}
            self.kind = ui.select(
                kinds, label=_("Return or exchange"), value="return", on_change=self._show_difference
            )
            self.kind.classes("w-full")
            self.exchange_sku = ui.select({}, label=_("Exchange for"), on_change=self._show_difference)
            self.exchange_sku.classes("w-full").bind_visibility_from(self.kind, "value", value="exchange")
            self.difference = ui.label().classes("font-medium").mark("price-difference")
            self.difference.bind_visibility_from(self.kind, "value", value="exchange")
            self._item_chosen()
            reasons = {reason: _(reason) for reason in order.reasons}
            self.reason = ui.select(reasons, label=_("Reason"), value=next(iter(reasons), None))
            self.reason.classes("w-full")
            self.details = (
                ui.textarea(_("Tell us more (optional)")).props("maxlength=500 counter").classes("w-full")
            )
            self._photo_field(order)
            ui.button(_("Send the request"), on_click=self.send)

    def _photo_field(self, order: CustomerOrder) -> None:
        if order.photos_max <= 0:
            return
        self.photos_max, self.photo_max_mb = order.photos_max, order.photo_max_mb
        ui.label(
            ngettext(
                "Photos (optional): up to {count} picture, JPEG, PNG, WebP or HEIC, at most {mb:g} MB each.",
                "Photos (optional): up to {count} pictures, JPEG, PNG, WebP or HEIC, at most {mb:g} MB each.",
                order.photos_max,
                mb=order.photo_max_mb,
            )
        ).classes("text-sm")
        self.upload = ui.upload(multiple=True, auto_upload=True, on_upload=self._photo_arrived)
        self.upload.props(f'accept="{PHOTO_TYPES}"').classes("w-full").mark("photos")
        self.photo_list = ui.column().classes("gap-1")

    async def _photo_arrived(self, event: events.UploadEventArguments) -> None:
        """A photo arrived: kept if it is a picture small enough, refused with a reason otherwise; the form stays."""
        data = await event.file.read()
        self.upload.reset()
        if len(self.photos) >= self.photos_max:
            self._refuse(
                ngettext(
                    "At most {count} photo can be added.",
                    "At most {count} photos can be added.",
                    self.photos_max,
                )
            )
            return
        try:
            photo = aftersales.check_photo(event.file.name, data, max_mb=self.photo_max_mb)
        except ProcessError as refusal:
            self._refuse(str(refusal))
            return
        self.message.text = ""
        self.photos.append(photo)
        self._show_photos()

    def _show_photos(self) -> None:
        self.photo_list.clear()
        with self.photo_list:
            for photo in self.photos:
                with ui.row().classes("items-center gap-2").mark("photo-added"):
                    ui.label(photo.name).classes("text-sm")
                    ui.button(icon="close", on_click=lambda photo=photo: self._drop(photo)).props(
                        f'flat dense round size=sm aria-label="{_("Remove")}"'
                    )

    def _drop(self, photo: Photo) -> None:
        self.photos.remove(photo)
        self._show_photos()

    def _item_chosen(self) -> None:
        """The items the chosen one may be exchanged for, with their price; the same item first."""
        line = self.lines.get(self.item.value)
        options = sorted(line.exchange_for, key=lambda option: option.sku != line.sku) if line else []
        self.exchange_sku.set_options(
            {option.sku: f"{option.name} · {option.price:,.2f}" for option in options},
            value=options[0].sku if options else None,
        )
        self._show_difference()

    def _show_difference(self) -> None:
        """The exchange's price difference for the item, quantity and new item chosen (the rule checks it again)."""
        line = self.lines.get(self.item.value)
        try:
            qty = max(int(str(self.qty.value or "1")[:6]), 1)
        except ValueError:
            qty = 1
        difference = line.difference(self.exchange_sku.value, qty) if line else None
        self.difference.text = "" if difference is None else difference_for_customer(difference)

    async def send(self) -> None:
        self.message.text = ""
        if not self._allowed():
            return
        made = await self._call(
            aftersales.request_return,
            runtime.workbook(),
            self.reference,
            self.email,
            aftersales.Asked(
                sku=self.item.value,
                qty=str(self.qty.value or "")[:6],
                kind=self.kind.value,
                reason=str(self.reason.value or "")[:501],
                details=str(self.details.value or "")[:501],
                exchange_sku=(self.exchange_sku.value or "") if self.kind.value == "exchange" else "",
                photos=list(self.photos),
            ),
            photo_dir=runtime.data_dir(),
        )
        if made is None:
            return
        self.body.clear()
        with self.body:
            ui.label(_("Your request {return_id} is recorded.", return_id=made.return_id)).classes(
                "text-lg font-semibold"
            ).mark("return-reference")
            ui.label(
                _(
                    "Please keep the reference {return_id}. We review every request and tell you our decision by email, usually within two working days.",
                    return_id=made.return_id,
                )
            )
