"""A customer asks for a return or an exchange, on the public page, without logging in.

The customer names the order (its order_id, or the shop's reference such as
#1001) and the email address it was placed with. Only a matching pair opens
the order; any other pair gets the same neutral answer as an unknown order,
so the page reveals nothing about other orders or customers. Every value
comes from the public and is checked here, not in the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from i18n import N_, _, ngettext
from processes.errors import ProcessError
from processes.notify import MESSAGE_TABS, queue_message
from processes.orders.procedure import ORDER
from processes.permissions import Actor
from processes.settings import setting_in, value_of
from sheets.table import Record
from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS, RETURNS, SETTINGS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .common import LIMITS, lines_of, message_context, order_ref, paid_for, text, whole_number
from .exchange import ExchangeOption, exchange_options, paid_unit_price, price_difference
from .photos import SEPARATOR, Photo, check_photos, remove_photos, store_photos
from .policy import listed_reason, return_reasons, window_days
from .procedures import NO_REFUND, RETURN

#: The one answer for an unknown order and for a reference with the wrong email address.
NOT_FOUND = N_(
    "We could not find an order with that reference and email address. Please check both and try again."
)
#: Who the Audit tab names for a request made on the public page.
CUSTOMER = "customer (returns page)"
KINDS = ("return", "exchange")
REQUEST_TABS = (ORDERS, ORDER_LINES, PRODUCTS, RETURNS, *MESSAGE_TABS)
#: The acknowledgement the customer gets as soon as a request is recorded.
ACKNOWLEDGEMENT = "return_requested"


@dataclass(frozen=True)
class ReturnableLine:
    sku: str
    name: str
    shipped: int
    returnable: int  # shipped minus what is already asked back (rejected requests aside)
    unit_price: float = 0.0  # what the customer paid for one
    exchange_for: tuple[ExchangeOption, ...] = ()  # what it may be exchanged for, with today's prices

    def difference(self, new_sku: str, qty: int) -> float | None:
        """What exchanging `qty` of it for `new_sku` costs more (negative: less); None for an item not offered."""
        option = next((option for option in self.exchange_for if option.sku == new_sku), None)
        return None if option is None else price_difference(self.unit_price, option.price, qty)


@dataclass(frozen=True)
class CustomerOrder:
    """What the customer sees of their own order: its reference, its items, and why no return is possible."""

    reference: str
    lines: list[ReturnableLine]
    problem: str | None  # None: a return can be asked for
    reasons: tuple[str, ...] = ()  # the reasons offered, from Settings
    photos_max: int = 0  # how many photos may be added, and how large each (Settings)
    photo_max_mb: float = 0.0

    @property
    def returnable(self) -> list[ReturnableLine]:
        return [line for line in self.lines if line.returnable > 0]


def find_customer_order(workbook: Workbook, reference: str, email: str) -> CustomerOrder:
    """The order `reference` if `email` is its customer's; ProcessError(NOT_FOUND) otherwise."""
    tables = workbook.tables(*REQUEST_TABS)
    order = match_order(tables[ORDERS.name].records(), reference, email)
    settings = tables[SETTINGS.name]
    window = window_days(settings.get("return_window_days"))
    lines = lines_of(tables[ORDER_LINES.name].records(), order.order_id)
    returns = list(tables[RETURNS.name].records())
    products = tables[PRODUCTS.name]
    skus = list(dict.fromkeys(line.sku for line in lines))
    shown = []
    for sku in skus:
        shipped = paid_for(lines_of(lines, order.order_id, sku))[0]
        left = max(shipped - asked_back(returns, order.order_id, sku), 0)
        options = tuple(exchange_options(products.records(), products.get(sku)))
        unit = paid_unit_price(lines, order.order_id, sku)
        shown.append(ReturnableLine(sku, _name(products.get(sku), sku), shipped, left, unit, options))
    return CustomerOrder(
        order_ref(order),
        shown,
        eligibility_problem(order, workbook.clock(), window),
        tuple(return_reasons(settings.get("return_reasons"))),
        int(value_of("return_photos_max", settings.get("return_photos_max"))),
        float(value_of("return_photo_max_mb", settings.get("return_photo_max_mb"))),
    )


@dataclass(frozen=True)
class Asked:
    """What a request asks for, as the customer (or staff for them) gave it; checked when it is recorded.

    `reason` is one of the reasons in Settings (`return_reasons`); `details` is
    what the customer adds in their own words; `exchange_sku` is the item an
    exchange is for (blank: the same item), its price difference recorded;
    `photos` are stored in the data folder and named on the row.
    """

    sku: str
    qty: object
    kind: str
    reason: str
    details: str = ""
    exchange_sku: str = ""
    photos: Sequence[Photo] = ()


def request_return(
    workbook: Workbook, reference: str, email: str, asked: Asked, *, photo_dir: Path | None = None
) -> Record:
    """Record the customer's request (status requested) and return it; refused with a reason the customer can act on.

    The photos of `asked` are stored in `photo_dir` (the data folder). The
    customer is sent an acknowledgement in the same commit.
    """
    reference = text(reference, N_("The order reference"), limit=LIMITS["reference"], required=True)
    email = text(email, N_("The email address"), limit=LIMITS["email"], required=True)
    checked = _checked(asked)
    with (
        _photos_kept_if_recorded(photo_dir) as written,
        workbook.transaction(*REQUEST_TABS, user=CUSTOMER, action="request a return") as tx,
    ):
        order = match_order(tx.table(ORDERS).records(), reference, email)
        return _record_request(tx, order, checked, photo_dir, written)


def request_return_for(
    workbook: Workbook, order_id: str, asked: Asked, *, photo_dir: Path | None = None, by: Actor
) -> Record:
    """Staff record a request the customer made by phone or email: the same checks, the same acknowledgement."""
    order_id = text(order_id, N_("The order"), limit=LIMITS["reference"], required=True)
    checked = _checked(asked)
    with (
        _photos_kept_if_recorded(photo_dir) as written,
        workbook.transaction(*REQUEST_TABS, user=by.name, action="request a return") as tx,
    ):
        order = tx.get(ORDERS, order_id)
        if order is None:
            raise ProcessError(_("There is no order {order_id}.", order_id=order_id))
        return _record_request(tx, order, checked, photo_dir, written)


@contextmanager
def _photos_kept_if_recorded(photo_dir: Path | None) -> Iterator[list[str]]:
    """The names of the photos written for a request; taken back when the request is not recorded after all."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        if photo_dir is not None:
            remove_photos(photo_dir, written)
        raise


@dataclass(frozen=True)
class _Checked:
    """A request's fields, typed and checked."""

    sku: str
    count: int
    kind: str
    reason: str
    details: str
    exchange_sku: str
    photos: tuple[Photo, ...] = ()


def _checked(asked: Asked) -> _Checked:
    """The request's fields, typed and checked before anything is read."""
    sku = text(asked.sku, N_("The item"), limit=LIMITS["sku"], required=True)
    count = whole_number(asked.qty, N_("The quantity"))
    kind = text(asked.kind, N_("Return or exchange"), limit=10, required=True).casefold()
    if kind not in KINDS:
        raise ProcessError(_("Choose a return or an exchange."))
    reason = text(asked.reason, N_("The reason"), limit=LIMITS["reason"], required=True)
    details = text(asked.details, N_("The details"), limit=LIMITS["reason"])
    wanted = text(asked.exchange_sku, N_("The item wanted instead"), limit=LIMITS["sku"])
    if wanted and kind != "exchange":
        raise ProcessError(_("Only an exchange is for another item; a return is refunded."))
    exchange_for = wanted or (sku if kind == "exchange" else "")
    return _Checked(sku, count, kind, reason, details, exchange_for, tuple(asked.photos))


def _record_request(
    tx: Transaction, order: Record, asked: _Checked, photo_dir: Path | None, written: list[str]
) -> Record:
    """Check the request against the order and the policy, record it with its photos and queue the acknowledgement."""
    reason = listed_reason(asked.reason, return_reasons(tx.get(SETTINGS, "return_reasons")))
    photos = check_photos(
        list(asked.photos),
        most=int(setting_in(tx, "return_photos_max")),
        max_mb=float(setting_in(tx, "return_photo_max_mb")),
    )
    if photos and photo_dir is None:
        raise ProcessError(_("Photos cannot be kept: no data folder is known."))
    problem = eligibility_problem(order, tx.now, window_days(tx.get(SETTINGS, "return_window_days")))
    if problem:
        raise ProcessError(problem)
    lines = _returnable_lines(tx, order, asked)
    exchange = _exchange(tx, order, lines, asked) if asked.kind == "exchange" else {}
    made = tx.insert(
        RETURNS,
        {
            "order_id": order.order_id,
            "sku": asked.sku,
            "qty": asked.count,
            "kind": asked.kind,
            "reason": f"{reason}: {asked.details}" if asked.details else reason,
            "requested_at": tx.now,
            "status": RETURN.start_states[0],
            "refund_status": NO_REFUND,
            **exchange,
        },
    )
    if photos:
        written += store_photos(photo_dir, made.return_id, photos)
        made = tx.update(made, {"photos": SEPARATOR.join(written)})
    queue_message(
        tx,
        to=order.customer_email,
        template=ACKNOWLEDGEMENT,
        ref=made.return_id,
        **message_context(tx, made, order),
    )
    return made


def _returnable_lines(tx: Transaction, order: Record, asked: _Checked) -> list[Record]:
    """The order's lines of the item; refused when it has none, or fewer left to ask back than asked."""
    sku, count = asked.sku, asked.count
    lines = lines_of(tx.where(ORDER_LINES, "order_id", order.order_id), order.order_id, sku)
    if not lines:
        raise ProcessError(_("Order {order_ref} has no item {sku}.", order_ref=order_ref(order), sku=sku))
    shipped = paid_for(lines)[0]
    left = shipped - asked_back(tx.where(RETURNS, "order_id", order.order_id), order.order_id, sku)
    if count > left:
        raise ProcessError(
            _(
                "At most {max} of {sku} can still be returned from order {order_ref} ({shipped} shipped, {value} already asked back), not {count}.",
                max=max(left, 0),
                sku=sku,
                order_ref=order_ref(order),
                shipped=shipped,
                value=shipped - left,
                count=count,
            )
        )
    return lines


def _exchange(tx: Transaction, order: Record, lines: list[Record], asked: _Checked) -> dict[str, object]:
    """The exchange's new item and its price difference; refused for an item not offered in exchange."""
    products = tx.table(PRODUCTS)
    offered = {option.sku: option for option in exchange_options(products.records(), products.get(asked.sku))}
    option = offered.get(asked.exchange_sku)
    if option is None:
        if asked.exchange_sku == asked.sku:
            raise ProcessError(
                _(
                    "{sku} is no longer sold, so it cannot be exchanged; ask for a return instead.",
                    sku=asked.sku,
                )
            )
        raise ProcessError(
            _(
                "{sku} cannot be had in exchange for {returned}: choose an item of the same kind that is on sale.",
                sku=asked.exchange_sku,
                returned=asked.sku,
            )
        )
    paid = paid_unit_price(lines, order.order_id, asked.sku)
    return {
        "exchange_sku": option.sku,
        "price_difference": price_difference(paid, option.price, asked.count),
    }


def match_order(orders: Iterable[Record], reference: str, email: str) -> Record:
    """The order whose ID or shop reference is `reference` and whose customer's email is `email`."""
    wanted_ref = _reference(reference)
    wanted_email = (email or "").strip().casefold()
    if not wanted_ref or not wanted_email:
        raise ProcessError(_(NOT_FOUND))
    found = [
        order
        for order in orders
        if wanted_ref in {_reference(order.order_id), _reference(order.external_ref)}
        and (order.customer_email or "").strip().casefold() == wanted_email
    ]
    if not found:
        raise ProcessError(_(NOT_FOUND))
    return max(found, key=lambda order: (order.created_at or datetime.min, order.order_id))


def eligibility_problem(order: Record, now: datetime, window_days: int) -> str | None:
    """Why no return can be asked for on `order` now, or None."""
    if order.status != ORDER.transition("deliver").target or order.delivered_at is None:
        return _(
            "Order {order_ref} has not been delivered yet; a return can be asked for once it has arrived.",
            order_ref=order_ref(order),
        )
    closes = order.delivered_at + timedelta(days=window_days)
    if now > closes:
        return ngettext(
            "Order {order_ref} was delivered on {delivered}; returns are accepted for {count} day after "
            "delivery, until {closes}.",
            "Order {order_ref} was delivered on {delivered}; returns are accepted for {count} days after "
            "delivery, until {closes}.",
            window_days,
            order_ref=order_ref(order),
            delivered=f"{order.delivered_at:%Y-%m-%d}",
            closes=f"{closes:%Y-%m-%d}",
        )
    return None


def asked_back(returns: Iterable[Record], order_id: str, sku: str) -> int:
    """Units of `sku` on `order_id` already asked back: every request not rejected."""
    rejected = RETURN.transition("reject").target
    return sum(
        r.qty or 0 for r in returns if r.order_id == order_id and r.sku == sku and r.status != rejected
    )


def _reference(value: object) -> str:
    return str(value or "").strip().lstrip("#").strip().casefold()


def _name(product: Record | None, sku: str) -> str:
    return product.name if product is not None and product.name else sku
