"""Procurement, below the pages, on both backends: quotes, the supplier choice, approval, receiving into stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from processes import procurement, settings
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor
from processes.stock import ledger_issues
from sheets.errors import ConflictError
from sheets.tabs import (
    AUDIT,
    LOCATIONS,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    QUOTES,
    RECEIPTS,
    STOCK,
    STOCK_MOVES,
    SUPPLIERS,
)

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
NOW = datetime(2026, 3, 2, 9, 30)
TODAY = NOW.date()


@dataclass
class Shop:
    """A workbook with a product, a warehouse and four suppliers, on a clock the test controls."""

    record: object
    location: str
    suppliers: dict[str, str]  # name -> supplier_id
    now: datetime = NOW

    @property
    def workbook(self):
        return self.record.workbook

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)

    def request(self, qty: int = 60, needed_in_days: int = 60, by: Actor = STAFF) -> str:
        made = procurement.create_request(
            self.workbook,
            sku="KIT-001",
            qty=qty,
            needed_by=self.now.date() + timedelta(days=needed_in_days),
            location_id=self.location,
            reason="Autumn range",
            department="Purchasing",
            by=by,
        )
        return made.request_id

    def quote(
        self, request_id: str, supplier: str, price: float, lead: int = 10, valid_days: int = 30
    ) -> str:
        made = procurement.add_quote(
            self.workbook,
            request_id,
            supplier_id=self.suppliers[supplier],
            unit_price=price,
            lead_time_days=lead,
            valid_until=self.now.date() + timedelta(days=valid_days),
            by=STAFF,
        )
        return made.quote_id

    def three_quotes(self, request_id: str, price: float = 14.0) -> list[str]:
        return [
            self.quote(request_id, "Hangzhou", price, lead=28),
            self.quote(request_id, "Lakeside", price + 2.5, lead=7),
            self.quote(request_id, "Greenleaf", price + 0.7, lead=14),
        ]

    def order(self, qty: int = 60, price: float = 14.0, by: Actor = STAFF, requested_by: Actor = STAFF):
        request_id = self.request(qty, by=requested_by)
        first, *_ = self.three_quotes(request_id, price)
        return procurement.choose_supplier(
            self.workbook, request_id, first, selection_reason="Lowest price", by=by
        )

    def quote_of(self, request_id: str, supplier: str) -> str:
        """The ID of `supplier`'s quote for the request."""
        return next(
            quote.quote_id
            for quote in self.read(QUOTES).records()
            if quote.request_id == request_id and quote.supplier_id == self.suppliers[supplier]
        )

    def read(self, tab):
        self.workbook.invalidate()
        return self.workbook.table(tab)

    def ledger_agrees(self) -> bool:
        self.workbook.invalidate()
        return ledger_issues(self.workbook) == []


@pytest.fixture
def shop(record) -> Shop:
    with record.workbook.transaction(PRODUCTS, LOCATIONS, SUPPLIERS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "unit": "pcs"})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse", "kind": "warehouse"})
        suppliers = {
            name: tx.insert(SUPPLIERS, {"name": name, "lead_time_days": lead, "rating": rating}).supplier_id
            for name, lead, rating in (
                ("Hangzhou", 28, 4),
                ("Lakeside", 7, 3),
                ("Greenleaf", 14, None),
                ("Northwind", 21, 5),
            )
        }
    made = Shop(record, location.location_id, suppliers)
    record.workbook.clock = lambda: made.now
    return made


def counts(shop: Shop, *tabs) -> list[int]:
    return [len(shop.read(tab)) for tab in tabs]


# --- the three-quote rule -------------------------------------------------------------


def test_fewer_than_three_valid_quotes_are_refused_and_an_expired_quote_does_not_count(shop):
    request_id = shop.request(needed_in_days=90)
    cheapest = shop.quote(request_id, "Hangzhou", 13.9, valid_days=3)  # expires before the choice
    shop.quote(request_id, "Lakeside", 16.4)
    shop.quote(request_id, "Greenleaf", 14.6)
    shop.wait(days=5)

    with pytest.raises(ProcessError, match="valid quotes from at least 3 suppliers; this request has 2"):
        procurement.choose_supplier(
            shop.workbook,
            request_id,
            shop.quote_of(request_id, "Lakeside"),
            selection_reason="x",
            by=STAFF,
        )
    with pytest.raises(ProcessError, match="does not count: expired on 2026-03-05"):
        procurement.choose_supplier(shop.workbook, request_id, cheapest, selection_reason="x", by=STAFF)

    assert len(shop.read(PURCHASE_ORDERS)) == 0
    assert shop.read(PURCHASE_REQUESTS).get(request_id).status == "quoting"
    comparison = procurement.compare_quotes(shop.workbook, request_id)
    assert comparison.valid_suppliers == 2 and comparison.needs_exception
    assert [line.problem for line in comparison.lines] == ["expired on 2026-03-05", None, None]


def test_three_quotes_from_one_supplier_count_as_one(shop):
    request_id = shop.request()
    for price in (14.0, 13.5, 13.0):
        last = shop.quote(request_id, "Hangzhou", price)
    with pytest.raises(ProcessError, match="this request has 1"):
        procurement.choose_supplier(shop.workbook, request_id, last, selection_reason="Cheapest", by=STAFF)


def test_a_manager_s_exception_allows_fewer_quotes_and_is_recorded_with_who(shop):
    request_id = shop.request()
    only = shop.quote(request_id, "Northwind", 15.0)

    order = procurement.choose_supplier(
        shop.workbook,
        request_id,
        only,
        selection_reason="Sole maker of this skillet",
        exception_reason="Nobody else makes it",
        by=MANAGER,
    )

    stored = shop.read(PURCHASE_ORDERS).get(order.po_id)
    assert stored.exception_reason == "Nobody else makes it (exception by mia, 2026-03-02)"
    assert stored.selection_reason == "Sole maker of this skillet"
    assert (stored.quote_id, stored.supplier_id, stored.unit_price) == (
        only,
        shop.suppliers["Northwind"],
        15.0,
    )
    assert shop.read(PURCHASE_REQUESTS).get(request_id).status == "ordered"


def test_staff_cannot_give_the_exception_and_nothing_is_written(shop):
    request_id = shop.request()
    only = shop.quote(request_id, "Northwind", 15.0)
    before = counts(shop, PURCHASE_ORDERS, AUDIT)

    with pytest.raises(PermissionDenied, match="Only a manager or an admin may choose a supplier with fewer"):
        procurement.choose_supplier(
            shop.workbook,
            request_id,
            only,
            selection_reason="Only one",
            exception_reason="In a hurry",
            by=STAFF,
        )
    assert counts(shop, PURCHASE_ORDERS, AUDIT) == before


def test_the_reason_for_the_choice_is_required(shop):
    request_id = shop.request()
    first, *_ = shop.three_quotes(request_id)
    with pytest.raises(ProcessError, match="The reason for choosing this supplier must be filled in"):
        procurement.choose_supplier(shop.workbook, request_id, first, selection_reason="  ", by=STAFF)


# --- approval and the expected date ---------------------------------------------------


def test_an_order_over_the_limit_waits_for_a_manager_and_staff_cannot_approve_it(shop):
    order = shop.order(qty=400, price=14.0)  # 5,600 > 5,000
    assert (order.status, order.total, order.approved_by) == ("awaiting_approval", 5600.0, None)
    assert [t.action for t in procurement.order_steps(order, STAFF)] == ["cancel"]
    assert [t.action for t in procurement.order_steps(order, MANAGER)] == ["approve", "cancel"]

    with pytest.raises(PermissionDenied, match="approve a purchase order over the approval limit"):
        procurement.approve_order(shop.workbook, order.po_id, by=STAFF, base=order)
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "awaiting_approval"

    approved = procurement.approve_order(shop.workbook, order.po_id, by=MANAGER, base=order)
    assert (approved.status, approved.approved_by) == ("approved", "mia")
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "approved"


def test_whoever_asked_for_the_goods_or_chose_the_supplier_does_not_approve_the_order(shop):
    other = Actor("max", "manager")
    chosen_by_a_manager = shop.order(qty=400, by=MANAGER)
    asked_by_a_manager = shop.order(qty=400, requested_by=MANAGER)
    for order in (chosen_by_a_manager, asked_by_a_manager):
        with pytest.raises(PermissionDenied, match=f"You .* {order.po_id}, so another manager approves it"):
            procurement.approve_order(shop.workbook, order.po_id, by=MANAGER, base=order)
        assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "awaiting_approval"
        assert procurement.approve_order(shop.workbook, order.po_id, by=other).approved_by == "max"

    settings.update_setting(shop.workbook, "segregation_of_duties", "off", by=MANAGER)
    single_manager_shop = shop.order(qty=400, by=MANAGER)
    assert (
        procurement.approve_order(shop.workbook, single_manager_shop.po_id, by=MANAGER).status == "approved"
    )


def test_incoming_means_the_same_on_the_stock_page_and_the_request_form(shop):
    from processes import inventory

    waiting = shop.order(qty=400)  # above the limit: awaiting a manager's approval
    assert waiting.status == "awaiting_approval"
    context = procurement.stock_context(shop.workbook, "KIT-001", shop.location)
    shop.workbook.invalidate()
    tables = shop.workbook.tables(PURCHASE_ORDERS, RECEIPTS)
    stock_page = inventory.incoming_quantities(tables[PURCHASE_ORDERS.name], tables[RECEIPTS.name])
    assert context.incoming_qty == stock_page[("KIT-001", shop.location)] == 400


@pytest.mark.parametrize(("qty", "price"), [(100, 50.0), (10, 14.0)], ids=["at the limit", "under it"])
def test_at_or_under_the_limit_the_order_is_approved_at_once(shop, qty, price):
    order = shop.order(qty=qty, price=price)
    assert (order.status, order.approved_by) == ("approved", "sam")
    assert [t.action for t in procurement.order_steps(order, STAFF)] == ["mark_ordered", "cancel"]


def test_the_limit_in_force_is_the_one_in_settings(shop):
    settings.update_setting(shop.workbook, "po_approval_limit", "500", by=MANAGER)
    assert shop.order(qty=40, price=14.0).status == "awaiting_approval"  # 560 > 500


def test_the_expected_date_is_today_plus_the_lead_time_and_moves_when_ordered(shop):
    order = shop.order()  # Hangzhou, 28 days
    assert order.expected_at == TODAY + timedelta(days=28)

    shop.wait(days=3)
    ordered = procurement.mark_ordered(shop.workbook, order.po_id, by=STAFF, base=order)
    assert ordered.status == "ordered"
    assert ordered.ordered_at == NOW + timedelta(days=3)
    assert ordered.expected_at == TODAY + timedelta(days=3 + 28)


def test_a_step_the_procedure_does_not_allow_is_refused(shop):
    order = shop.order()
    with pytest.raises(ProcessError, match="Cannot approve the order: the purchase order is approved"):
        procurement.approve_order(shop.workbook, order.po_id, by=MANAGER)
    with pytest.raises(ProcessError, match="Cannot receive a partial delivery"):
        procurement.receive(shop.workbook, order.po_id, qty_received=1, qty_accepted=1, by=STAFF)


def test_cancelling_an_order_opens_its_request_for_another_choice(shop):
    order = shop.order()
    procurement.cancel_order(shop.workbook, order.po_id, by=STAFF, base=order)
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "cancelled"
    assert shop.read(PURCHASE_REQUESTS).get(order.request_id).status == "quoting"

    second = shop.quote_of(order.request_id, "Lakeside")
    again = procurement.choose_supplier(
        shop.workbook, order.request_id, second, selection_reason="Hangzhou cannot deliver", by=STAFF
    )
    assert again.supplier_id == shop.suppliers["Lakeside"]


# --- receiving ------------------------------------------------------------------------


def ordered(shop: Shop, qty: int = 60):
    order = shop.order(qty=qty)
    return procurement.mark_ordered(shop.workbook, order.po_id, by=STAFF, base=order)


def test_a_receipt_above_the_ordered_quantity_is_refused_with_nothing_written(shop):
    order = ordered(shop, qty=60)
    tabs = ("Receipts", "Stock", "Stock Moves", "Purchase Orders", "Audit")
    before = {tab: shop.record.person.values(tab) for tab in tabs}

    with pytest.raises(
        ProcessError, match="is for 60; 0 already received, so at most 60 more can be received, not 61"
    ):
        procurement.receive(shop.workbook, order.po_id, qty_received=61, qty_accepted=61, by=STAFF)
    assert {tab: shop.record.person.values(tab) for tab in tabs} == before

    procurement.receive(shop.workbook, order.po_id, qty_received=40, qty_accepted=40, by=STAFF)
    with pytest.raises(ProcessError, match="40 already received, so at most 20 more"):
        procurement.receive(shop.workbook, order.po_id, qty_received=21, qty_accepted=21, by=STAFF)
    assert len(shop.read(RECEIPTS)) == 1
    assert shop.ledger_agrees()


@pytest.mark.parametrize(
    ("received", "accepted", "rejected", "says"),
    [
        (10, 8, 1, "10 received must be accepted plus rejected; 8 accepted and 1 rejected make 9"),
        (0, 0, 0, "Quantity received must be at least 1"),
        ("ten", 10, 0, "Quantity received must be a whole number, not 'ten'"),
        (10, -1, 11, "Quantity accepted must be at least 0"),
    ],
)
def test_a_delivery_that_does_not_add_up_is_refused(shop, received, accepted, rejected, says):
    order = ordered(shop)
    with pytest.raises(ProcessError, match=says):
        procurement.receive(
            shop.workbook,
            order.po_id,
            qty_received=received,
            qty_accepted=accepted,
            qty_rejected=rejected,
            by=STAFF,
        )
    assert counts(shop, RECEIPTS, STOCK_MOVES) == [0, 0]


def test_a_partly_received_order_is_closed_short_with_its_reason_and_nothing_more_is_expected(shop):
    order = ordered(shop, qty=60)
    with pytest.raises(ProcessError, match="Cannot close short: the purchase order is ordered"):
        procurement.close_short(shop.workbook, order.po_id, reason="late", by=STAFF)
    procurement.receive(shop.workbook, order.po_id, qty_received=20, qty_accepted=20, by=STAFF)
    with pytest.raises(ProcessError, match="Why the order is closed short must be filled in"):
        procurement.close_short(shop.workbook, order.po_id, reason=" ", by=STAFF)

    closed = procurement.close_short(shop.workbook, order.po_id, reason="Supplier out of stock", by=STAFF)

    assert (closed.status, closed.short_reason) == ("received", "20 of 60: Supplier out of stock")
    assert shop.read(PURCHASE_REQUESTS).get(order.request_id).status == "closed"
    context = procurement.stock_context(shop.workbook, "KIT-001", shop.location)
    assert context.incoming_qty == 0  # the 40 that will not come are not counted as coming
    assert shop.ledger_agrees()


def test_a_partial_then_a_full_receipt_put_the_accepted_goods_into_stock(shop):
    order = ordered(shop, qty=60)
    assert shop.ledger_agrees()

    receipt = procurement.receive(
        shop.workbook,
        order.po_id,
        qty_received=36,
        qty_accepted=34,
        qty_rejected=2,
        inspection_notes="2 with chipped enamel",
        by=STAFF,
    )
    assert (receipt.location_id, receipt.received_by, receipt.received_at) == (shop.location, "sam", NOW)
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "partially_received"
    assert shop.read(STOCK).get(("KIT-001", shop.location)).on_hand == 34
    [move] = shop.read(STOCK_MOVES).records()
    assert (move.reason, move.qty, move.to_location, move.ref) == (
        "receipt",
        34,
        shop.location,
        receipt.receipt_id,
    )
    assert shop.read(PURCHASE_REQUESTS).get(order.request_id).status == "ordered"
    assert shop.ledger_agrees()

    shop.wait(days=2)
    procurement.receive(shop.workbook, order.po_id, qty_received=24, qty_accepted=24, by=STAFF)
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "received"
    assert shop.read(STOCK).get(("KIT-001", shop.location)).on_hand == 58
    assert shop.read(PURCHASE_REQUESTS).get(order.request_id).status == "closed"
    assert shop.ledger_agrees()

    with pytest.raises(ProcessError, match="Cannot receive the goods: the purchase order is received"):
        procurement.receive(shop.workbook, order.po_id, qty_received=1, qty_accepted=1, by=STAFF)


def test_a_delivery_rejected_in_full_moves_no_stock(shop):
    order = ordered(shop, qty=10)
    procurement.receive(
        shop.workbook, order.po_id, qty_received=10, qty_accepted=0, qty_rejected=10, by=STAFF
    )
    assert shop.read(PURCHASE_ORDERS).get(order.po_id).status == "received"
    assert counts(shop, STOCK_MOVES, STOCK) == [0, 0]
    assert shop.ledger_agrees()


def test_receiving_costs_one_read_and_one_write_on_google(shop):
    order = ordered(shop)
    fake = shop.record.fake
    if fake is None:
        pytest.skip("request counts are Google's")
    fake.reset_counts()
    procurement.receive(shop.workbook, order.po_id, qty_received=6, qty_accepted=6, by=STAFF, base=order)
    assert fake.counts() == {"values.batchGet": 1, "batchUpdate": 1}


# --- a person's edit in between -------------------------------------------------------


def row_of(shop: Shop, tab: str, key: str) -> int:
    return next(number for number, row in enumerate(shop.record.person.values(tab), 1) if row and key in row)


def test_an_order_a_person_changed_after_the_page_loaded_it_is_not_overwritten(shop):
    order = shop.order(qty=400)  # awaiting approval
    shop.record.person.set_cell("Purchase Orders", row_of(shop, "Purchase Orders", order.po_id), "qty", 500)

    with pytest.raises(ConflictError, match="qty: 400 → 500"):
        procurement.approve_order(shop.workbook, order.po_id, by=MANAGER, base=order)
    stored = shop.read(PURCHASE_ORDERS).get(order.po_id)
    assert (stored.status, stored.qty, stored.approved_by) == ("awaiting_approval", 500, None)


def test_a_delivery_against_an_order_a_person_changed_is_refused_with_nothing_written(shop):
    order = ordered(shop)
    shop.record.person.set_cell(
        "Purchase Orders", row_of(shop, "Purchase Orders", order.po_id), "location_id", "LOC-X"
    )

    with pytest.raises(ConflictError):
        procurement.receive(shop.workbook, order.po_id, qty_received=5, qty_accepted=5, by=STAFF, base=order)
    assert counts(shop, RECEIPTS, STOCK_MOVES, STOCK) == [0, 0, 0]


# --- reputation and the recommendation ------------------------------------------------


def hand_made_history(shop: Shop) -> None:
    """Hangzhou: 3 dated deliveries, 2 on time, 188 of 200 accepted, rated 4.
    Greenleaf: one delivery of an order without an expected date, all 10 accepted, no rating.
    Lakeside, rated 3, and Northwind, rated 5: no deliveries."""
    s = shop.suppliers
    with shop.workbook.transaction(PURCHASE_ORDERS, RECEIPTS, user="history") as tx:
        first = tx.insert(
            PURCHASE_ORDERS,
            {"supplier_id": s["Hangzhou"], "sku": "KIT-001", "qty": 100, "expected_at": date(2026, 1, 10)},
        )
        second = tx.insert(
            PURCHASE_ORDERS,
            {"supplier_id": s["Hangzhou"], "sku": "KIT-001", "qty": 100, "expected_at": date(2026, 2, 1)},
        )
        undated = tx.insert(PURCHASE_ORDERS, {"supplier_id": s["Greenleaf"], "sku": "KIT-001", "qty": 10})
        for order, at, received, accepted, rejected in (
            (first, datetime(2026, 1, 9, 16), 50, 48, 2),  # a day early
            (first, datetime(2026, 1, 12, 9), 50, 50, 0),  # two days late
            (second, datetime(2026, 2, 1, 18), 100, None, 10),  # on the day; accepted left blank
            (undated, datetime(2026, 2, 3, 10), 10, 10, 0),
        ):
            tx.insert(
                RECEIPTS,
                {
                    "po_id": order.po_id,
                    "received_at": at,
                    "location_id": shop.location,
                    "qty_received": received,
                    "qty_accepted": accepted,
                    "qty_rejected": rejected,
                },
            )


def test_supplier_reputation_is_computed_from_the_history(shop):
    hand_made_history(shop)
    known = procurement.supplier_reputation(shop.workbook)
    hangzhou, greenleaf, lakeside = (
        known[shop.suppliers[name]] for name in ("Hangzhou", "Greenleaf", "Lakeside")
    )

    assert (hangzhou.deliveries, hangzhou.on_time, hangzhou.received, hangzhou.accepted) == (3, 2, 200, 188)
    assert hangzhou.on_time_rate == pytest.approx(2 / 3)
    assert hangzhou.acceptance_rate == pytest.approx(0.94)
    assert hangzhou.score == pytest.approx((2 / 3 + 0.94 + 0.8) / 3)
    assert hangzhou.describe() == "on time in 2 of 3 deliveries, 94% of goods accepted, rated 4/5"

    assert (greenleaf.on_time_rate, greenleaf.acceptance_rate, greenleaf.rating) == (None, 1.0, None)
    assert greenleaf.score == 1.0
    assert (lakeside.deliveries, lakeside.score) == (0, pytest.approx(0.6))
    assert lakeside.describe() == "no deliveries yet, rated 3/5"


def test_the_comparison_recommends_on_price_and_reputation_with_the_reason(shop):
    hand_made_history(shop)
    request_id = shop.request(needed_in_days=30)
    shop.quote(request_id, "Hangzhou", 10.00, lead=20)  # 0.6 x 0.9 + 0.4 x 0.802 = 0.861
    shop.quote(request_id, "Lakeside", 9.50, lead=10)  # 0.6 x 0.947 + 0.4 x 0.6 = 0.808
    shop.quote(request_id, "Northwind", 9.00, lead=45)  # 1.0, but arrives after the needed-by date

    comparison = procurement.compare_quotes(shop.workbook, request_id)
    by_supplier = {line.supplier_name: line for line in comparison.lines}
    assert by_supplier["Hangzhou"].score == pytest.approx(0.6 * 0.9 + 0.4 * (2 / 3 + 0.94 + 0.8) / 3)
    assert by_supplier["Lakeside"].score == pytest.approx(0.6 * 0.9 / 0.95 + 0.4 * 0.6)
    assert by_supplier["Northwind"].in_time is False
    assert by_supplier["Lakeside"].total == 570.0
    assert comparison.recommended.supplier_name == "Hangzhou"
    assert comparison.reason == (
        "Hangzhou: 10.00 a unit, 11% above the lowest (Northwind, 9.00); "
        "on time in 2 of 3 deliveries, 94% of goods accepted, rated 4/5; "
        "arrives by 2026-03-22, needed by 2026-04-01; score 0.86; "
        "Northwind scores 1.00 but arrives after the needed-by date."
    )


# --- the request and its stock picture ------------------------------------------------


def test_the_request_form_shows_stock_what_is_coming_and_what_is_asked_for(shop):
    with shop.workbook.transaction(STOCK, user="seed") as tx:
        tx.insert(
            STOCK,
            {
                "sku": "KIT-001",
                "location_id": shop.location,
                "on_hand": 0,
                "reserved": 0,
                "min_qty": 20,
                "max_qty": 80,
            },
        )
    order = ordered(shop, qty=60)
    procurement.receive(
        shop.workbook, order.po_id, qty_received=36, qty_accepted=34, qty_rejected=2, by=STAFF
    )
    pending = shop.request(qty=15)

    context = procurement.stock_context(shop.workbook, "KIT-001", shop.location)
    assert context.product_name == "Cast-iron skillet"
    here = context.here
    assert (here.on_hand, here.reserved, here.available, here.min_qty, here.max_qty) == (34, 0, 34, 20, 80)
    assert [(line.po_id, line.outstanding, line.supplier_name) for line in context.incoming] == [
        (order.po_id, 24, "Hangzhou")
    ]
    assert context.incoming_qty == 24
    assert [(r.request_id, r.qty, r.status) for r in context.open_requests] == [
        (order.request_id, 60, "ordered"),
        (pending, 15, "open"),
    ]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"sku": "NOPE"}, "There is no product 'NOPE' in Products"),
        ({"qty": 0}, "Quantity must be at least 1"),
        ({"qty": 2.5}, "Quantity must be a whole number"),
        ({"needed_by": "2026-03-01"}, r"Needed by is already past \(2026-03-01\)"),
        ({"needed_by": "soon"}, "Needed by must be a date like 2026-03-02"),
        ({"location_id": ""}, "Location must be filled in"),
    ],
)
def test_a_request_with_bad_input_is_refused_with_a_clear_message(shop, change, says):
    values = {"sku": "KIT-001", "qty": 5, "needed_by": "2026-04-01", "location_id": shop.location} | change
    with pytest.raises(ProcessError, match=says):
        procurement.create_request(shop.workbook, by=STAFF, **values)
    assert len(shop.read(PURCHASE_REQUESTS)) == 0


def test_a_quote_with_bad_input_is_refused_and_a_quote_moves_the_request_to_quoting(shop):
    request_id = shop.request()
    with pytest.raises(ProcessError, match="Valid until is already past"):
        procurement.add_quote(
            shop.workbook,
            request_id,
            supplier_id=shop.suppliers["Lakeside"],
            unit_price=9,
            valid_until="2026-03-01",
            by=STAFF,
        )
    with pytest.raises(ProcessError, match="Unit price must be more than 0"):
        procurement.add_quote(
            shop.workbook,
            request_id,
            supplier_id=shop.suppliers["Lakeside"],
            unit_price=0,
            valid_until="2026-04-01",
            by=STAFF,
        )
    assert shop.read(PURCHASE_REQUESTS).get(request_id).status == "open"

    quote = procurement.add_quote(
        shop.workbook,
        request_id,
        supplier_id=shop.suppliers["Lakeside"],
        unit_price="9.50",
        valid_until="2026-04-01",
        by=STAFF,
    )
    assert quote.lead_time_days == 7  # the supplier's usual lead time
    assert shop.read(PURCHASE_REQUESTS).get(request_id).status == "quoting"


def test_only_an_open_request_is_cancelled_and_the_steps_follow_the_state(shop):
    request_id = shop.request()
    request = shop.read(PURCHASE_REQUESTS).get(request_id)
    assert [t.action for t in procurement.request_steps(request, STAFF)] == ["quote", "order", "cancel"]

    cancelled = procurement.cancel_request(shop.workbook, request_id, by=STAFF, base=request)
    assert cancelled.status == "cancelled"
    assert procurement.request_steps(cancelled, MANAGER) == []
    with pytest.raises(ProcessError, match="Cannot record a quote: the purchase request is cancelled"):
        shop.quote(request_id, "Lakeside", 9.0)


# --- the printable purchase order -----------------------------------------------------


def test_the_printable_order_escapes_what_people_typed_and_prints_on_a4(shop):
    with shop.workbook.transaction(SUPPLIERS, user="seed") as tx:
        tx.update(
            tx.require(SUPPLIERS, shop.suppliers["Hangzhou"]),
            {"name": "<script>alert('owned')</script> Trading", "contact": "Li & <b>Wei</b>"},
        )
    order = shop.order()

    page = procurement.render_purchase_order(shop.workbook, order.po_id)

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; Trading" in page
    assert "Li &amp; &lt;b&gt;Wei&lt;/b&gt;" in page
    assert "@page { size: A4" in page and "@media print" in page
    assert order.po_id in page and "Cast-iron skillet" in page and "840.00" in page
    assert "Delivery expected by: 2026-03-30" in page


def test_an_order_not_yet_approved_prints_as_not_to_be_sent(shop):
    order = shop.order(qty=400)
    assert "Awaiting approval: do not send" in procurement.render_purchase_order(shop.workbook, order.po_id)
    with pytest.raises(ProcessError, match="There is no purchase order PO-NOPE"):
        procurement.render_purchase_order(shop.workbook, "PO-NOPE")


def test_a_delivery_counted_by_scan_and_saved_twice_is_received_once(shop):
    order = ordered(shop, qty=60)
    key = procurement.new_receipt_id()
    first = procurement.receive(
        shop.workbook, order.po_id, qty_received=20, qty_accepted=20, by=STAFF, receipt_id=key
    )
    again = procurement.receive(  # the answer to the first save was lost; the page saves again
        shop.workbook, order.po_id, qty_received=20, qty_accepted=20, by=STAFF, base=order, receipt_id=key
    )

    assert first.receipt_id == again.receipt_id == key
    assert counts(shop, RECEIPTS, STOCK_MOVES) == [1, 1]
    assert shop.read(STOCK).get(("KIT-001", shop.location)).on_hand == 20
    assert shop.ledger_agrees()
