"""The review of a big shop on Google reads the window's rows, never the Audit whole, and finds what the whole read finds."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from processes.errors import ProcessError
from processes.review import reading, review_of
from processes.stock import post_move
from sheets.tabs import (
    AUDIT,
    ORDER_LINES,
    ORDERS,
    PURCHASE_ORDERS,
    RETURNS,
    STOCK,
    STOCK_MOVES,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
)
from tests.google.test_home_reading import whole_reads

START = datetime(2026, 1, 1, 8, 0)
TODAY = START + timedelta(days=120)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(google) -> Clock:
    made = Clock()
    google.workbook.clock = made
    return made


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(reading, "FIRST_CHUNK", 8)


def change(workbook, tab, key: str, **values) -> None:
    with workbook.transaction(tab, user="sam", action="step") as tx:
        tx.update(key, values, tab=tab)


def seed_history(google, clock: Clock) -> dict[str, str]:
    """Four months of a shop, every change made in time order through transactions (so the Audit has it)."""
    workbook = google.workbook
    events: list[tuple[datetime, int, object]] = []
    made: dict[str, str] = {}

    def later(moment: datetime, action) -> None:
        events.append((moment, len(events), action))

    def new_order(name: str, created: datetime, lifetime: dict[str, timedelta]) -> None:
        def create() -> None:
            with workbook.transaction(ORDERS, ORDER_LINES, user="shop", action="import") as tx:
                order = tx.insert(
                    ORDERS,
                    {"customer_name": name, "created_at": clock.now, "location_id": "LOC-A", "total": 30},
                )
                tx.insert(ORDER_LINES, {"order_id": order.order_id, "sku": "KIT-001", "qty": 1})
            made[name] = order.order_id

        later(created, create)
        steps = {
            "confirmed": {"status": "confirmed"},
            "paid": {"status": "paid", "payment_status": "paid", "paid_at": None},
            "shipped": {"status": "shipped", "shipped_at": None, "carrier": "DHL"},
            "delivered": {"status": "delivered", "delivered_at": None},
        }
        for state, after in lifetime.items():
            values = steps[state]

            def move(values=values) -> None:
                stamped = {key: clock.now if value is None else value for key, value in values.items()}
                change(workbook, ORDERS, made[name], **stamped)

            later(created + after, move)

    usual = {
        "confirmed": timedelta(hours=5),
        "paid": timedelta(days=1),
        "shipped": timedelta(days=2),
        "delivered": timedelta(days=4),
    }
    for number in range(40):
        new_order(f"Customer {number:02d}", START + timedelta(days=3 * number, hours=number % 5), usual)
    # Made long before the window, paid in it: its wait counts from its confirmation months ago.
    new_order(
        "Slow payer", START + timedelta(days=60), {"confirmed": timedelta(days=1), "paid": timedelta(days=45)}
    )

    def ticket(name: str, opened: datetime, resolved: timedelta | None) -> None:
        def open_it() -> None:
            with workbook.transaction(TICKETS, user="sam", action="open ticket") as tx:
                made[name] = tx.insert(
                    TICKETS,
                    {"subject": name, "opened_at": clock.now, "due_at": clock.now + timedelta(hours=48)},
                ).ticket_id

        later(opened, open_it)
        if resolved is not None:
            later(
                opened + resolved,
                lambda: change(
                    workbook,
                    TICKETS,
                    made[name],
                    status="resolved",
                    resolved_at=clock.now,
                    first_response_at=clock.now,
                ),
            )

    for number in range(0, 40, 3):
        ticket(f"Ticket {number}", START + timedelta(days=3 * number + 1), timedelta(hours=30 + number))
    ticket("Forgotten", START + timedelta(days=91), None)  # its deadline passes, open, in the window

    def refund(number: int) -> None:
        name = f"Return {number}"

        def ask() -> None:
            with workbook.transaction(RETURNS, user="sam", action="return") as tx:
                made[name] = tx.insert(
                    RETURNS,
                    {
                        "order_id": made[f"Customer {number:02d}"],
                        "sku": "KIT-001",
                        "qty": 1,
                        "requested_at": clock.now,
                    },
                ).return_id

        asked = START + timedelta(days=3 * number + 6)
        later(asked, ask)
        later(
            asked + timedelta(days=3),
            lambda: change(
                workbook, RETURNS, made[name], status="closed", refund_status="paid", refunded_at=clock.now
            ),
        )

    for number in range(2, 40, 7):
        refund(number)

    def survey(number: int) -> None:
        name = f"Survey {number}"
        sent = START + timedelta(days=3 * number + 4, hours=1)

        def send() -> None:
            with workbook.transaction(SURVEYS, user="jobs", action="survey") as tx:
                made[name] = tx.insert(
                    SURVEYS, {"ref": made[f"Customer {number:02d}"], "sent_at": clock.now}
                ).survey_id

        later(sent, send)
        later(sent + timedelta(hours=20), lambda: change(workbook, SURVEYS, made[name], score=2 + number % 4))

    for number in range(1, 40, 2):
        survey(number)

    def purchase_order() -> None:
        with workbook.transaction(PURCHASE_ORDERS, SUPPLIERS, user="sam", action="draft") as tx:
            supplier = tx.insert(SUPPLIERS, {"name": "Acme"})
            made["PO"] = tx.insert(
                PURCHASE_ORDERS,
                {
                    "supplier_id": supplier.supplier_id,
                    "sku": "KIT-001",
                    "qty": 5,
                    "expected_at": date(2026, 5, 1),
                },
            ).po_id

    def stock_move(qty: int, reason: str, **where: str):
        def post() -> None:
            try:
                with workbook.transaction(STOCK, STOCK_MOVES, user="sam", action="move") as tx:
                    post_move(tx, sku="KIT-001", qty=qty, reason=reason, **where)
            except ProcessError:
                pass  # none left to ship: the order waits, and its day is a stock-out

        return post

    # Deliveries of 5 every 25 days, one shipped 2 days after each order (1 every 3 days):
    # the shelf runs empty for days on end, in every period.
    for number in range(5):
        later(START + timedelta(days=25 * number), stock_move(5, "receipt", to_location="LOC-A"))
    for number in range(40):
        later(START + timedelta(days=3 * number + 2), stock_move(1, "shipment", from_location="LOC-A"))
    for number in range(4):
        later(
            START + timedelta(days=30 * number + 10),
            stock_move(1, "transfer", from_location="LOC-A", to_location="LOC-B"),
        )

    # A purchase order has no creation stamp: its Audit rows are found by its ID.
    later(START + timedelta(days=50), purchase_order)
    later(
        START + timedelta(days=51),
        lambda: change(workbook, PURCHASE_ORDERS, made["PO"], status="awaiting_approval"),
    )
    later(
        START + timedelta(days=100), lambda: change(workbook, PURCHASE_ORDERS, made["PO"], status="approved")
    )

    for moment, _, action in sorted(events, key=lambda event: event[:2]):
        if moment > TODAY:
            continue
        clock.now = moment
        action()
    clock.now = TODAY
    return made


def both_reads(google, start: str, end: str) -> tuple[str, str, list[str]]:
    """The review read by the window's rows, the same read whole, and the tabs the first read whole."""
    backend = google.workbook.backend
    backend.sparse_from = 0
    google.workbook.invalidate()
    google.fake.reset_counts()
    selected = repr(review_of(google.workbook, start, end))
    read_whole = whole_reads(google)
    backend.sparse_from = 10**9
    google.workbook.invalidate()
    whole = repr(review_of(google.workbook, start, end))
    return selected, whole, read_whole


@pytest.fixture
def shop(google, clock):
    return seed_history(google, clock)


def test_the_review_of_the_last_weeks_equals_the_whole_read_without_reading_the_audit_whole(google, shop):
    selected, whole, read_whole = both_reads(google, "2026-04-17", "2026-04-30")

    assert selected == whole
    assert read_whole == []  # no Audit, Orders or Stock Moves whole
    # Its stock-outs come from the moves of the window and the Stock tab's balances before it.
    google.workbook.invalidate()
    stockouts = review_of(google.workbook, "2026-04-17", "2026-04-30").planning.stockout_days
    assert stockouts.value > 0 and stockouts.previous > 0
    # The slow payer's wait of 44 days, paid in the previous period, counts: the Audit was read
    # back to its making for its confirmation.
    google.workbook.invalidate()
    review = review_of(google.workbook, "2026-04-17", "2026-04-30")
    [orders] = [procedure for procedure in review.procedures if procedure.name == "Order"]
    [paying] = [stage for stage in orders.stages if stage.stage.name == "confirmed → paid"]
    assert paying.p90.previous > 24 * 10 and paying.median.previous == 19 and "Slow payer" in shop


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-02-01", "2026-02-28"), ("2026-01-01", "2026-05-01"), ("2026-04-28", "2026-05-01")],
)
def test_other_periods_equal_the_whole_read_too(google, shop, start, end):
    selected, whole, read_whole = both_reads(google, start, end)
    assert selected == whole
    assert "%27Stock+Moves%27" not in read_whole


def test_a_ticket_left_open_past_its_deadline_before_the_window_counts_as_missed(google, shop):
    google.workbook.backend.sparse_from = 0
    review = review_of(google.workbook, "2026-04-17", "2026-04-30")
    assert review.service_levels.tickets_resolved_in_time.previous == 0  # "Forgotten", due on day 93


def test_on_a_small_tab_every_row_is_read_as_before(google, shop):
    google.workbook.invalidate()
    google.fake.reset_counts()
    review_of(google.workbook, "2026-04-17", "2026-04-30")
    assert google.fake.count("values.batchGet") == 1
    assert AUDIT.name  # the Audit came whole with the other tabs, in that one request


def test_an_order_a_person_typed_far_up_among_the_old_rows_counts_only_in_a_whole_read(google, shop):
    """What the read by the window gives up: a row out of time order, with no Audit row, far from the end."""
    header = [str(cell) for cell in google.person.values("Orders")[0]]
    typed = {"order_id": "ORD-TYPED-1", "customer_name": "Phoned in", "created_at": "2026-04-20 10:00"}
    google.person.insert_rows("Orders", 8, [[typed.get(name, "") for name in header]])

    def orders_started(sparse_from: int) -> float:
        google.workbook.backend.sparse_from = sparse_from
        google.workbook.invalidate()
        review = review_of(google.workbook, "2026-04-17", "2026-04-30")
        return next(p for p in review.procedures if p.name == "Order").started.value

    # Read whole (below SPARSE_FROM rows) it counts; read by the window, it is not seen.
    assert orders_started(10**9) == orders_started(0) + 1
