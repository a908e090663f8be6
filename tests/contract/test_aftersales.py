"""After-sales, below the pages, on both backends: the customer's request, review, receipt, refund, exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from processes import aftersales, settings
from processes.errors import PermissionDenied, ProcessError
from processes.orders import ORDER_TABS, OrderLine, add_order
from processes.permissions import Actor
from processes.stock import ledger_issues
from sheets.errors import ConflictError
from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, OUTBOX, PRODUCTS, RETURNS, STOCK, STOCK_MOVES

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
DELIVERED = datetime(2026, 3, 2, 14, 0)
ANN = "ann.lee@example.com"


@dataclass
class Shop:
    """Two delivered orders of two customers, a warehouse, and a clock the test controls."""

    record: Any
    location: str
    order_id: str  # Ann's order #1001: 2 x KIT-001 at 120 and 4 x MUG-002 at 15, paid, total 300
    now: datetime

    @property
    def workbook(self):
        return self.record.workbook

    def ask(self, sku: str = "KIT-001", qty: Any = 1, kind: str = "return", **given) -> str:
        values = {
            "reference": "#1001",
            "email": ANN,
            "reason": "Changed my mind",
            "details": "",
            "exchange_sku": "",
            **given,
        }
        made = aftersales.request_return(
            self.workbook,
            values["reference"],
            values["email"],
            aftersales.Asked(
                sku=sku,
                qty=qty,
                kind=kind,
                reason=values["reason"],
                details=values["details"],
                exchange_sku=values["exchange_sku"],
            ),
        )
        return made.return_id

    def received(self, sku: str = "KIT-001", qty: int = 1, kind: str = "return") -> str:
        """A return approved and received back on the shelf."""
        return_id = self.ask(sku, qty, kind)
        aftersales.approve_return(self.workbook, return_id, note="Fine", by=STAFF)
        aftersales.receive_return(
            self.workbook,
            return_id,
            inspection_notes="Unused, in its box",
            disposition="restock",
            location_id=self.location,
            by=STAFF,
        )
        return return_id

    def get(self, tab, key):
        return self.workbook.table(tab).get(key)

    def rows(self, tab) -> list:
        return list(self.workbook.table(tab).records())


@pytest.fixture
def shop(record) -> Shop:
    workbook = record.workbook
    with workbook.transaction(LOCATIONS, *ORDER_TABS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "price": 120})
        tx.insert(PRODUCTS, {"sku": "MUG-002", "name": "Enamel mug", "price": 15})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"})
        orders = []
        for name, email, ref, lines in (
            ("Ann Lee", "Ann.Lee@Example.com", "#1001", [OrderLine("KIT-001", 2), OrderLine("MUG-002", 4)]),
            ("Bo Chen", "bo@example.com", "#1002", [OrderLine("KIT-001", 1)]),
        ):
            order = add_order(
                tx,
                customer_name=name,
                customer_email=email,
                ship_address="1 High Street, Leeds",
                channel="shopify",
                external_ref=ref,
                lines=lines,
                location_id=location.location_id,
                payment_status="paid",
                paid_at=DELIVERED - timedelta(days=3),
            )
            orders.append(tx.update(order, {"status": "delivered", "delivered_at": DELIVERED}))
    made = Shop(record, location.location_id, orders[0].order_id, DELIVERED + timedelta(days=5))
    workbook.clock = lambda: made.now
    return made


# --- the customer's request -------------------------------------------------------------


def test_a_matching_pair_opens_the_order_and_a_wrong_one_gets_the_same_neutral_refusal(shop):
    found = aftersales.find_customer_order(shop.workbook, " 1001 ", "ANN.lee@example.com ")
    assert found.reference == "#1001" and found.problem is None
    assert [(line.sku, line.name, line.shipped, line.returnable) for line in found.lines] == [
        ("KIT-001", "Cast-iron skillet", 2, 2),
        ("MUG-002", "Enamel mug", 4, 4),
    ]
    assert aftersales.find_customer_order(shop.workbook, shop.order_id, ANN).reference == "#1001"

    answers = []
    for reference, email in (
        ("#1001", "bo@example.com"),  # a real order, someone else's email
        ("#1002", ANN),  # someone else's order, a real customer's email
        ("#9999", ANN),  # no such order
        ("#1001", "ann.lee@example.co"),
    ):
        with pytest.raises(ProcessError) as refused:
            aftersales.find_customer_order(shop.workbook, reference, email)
        answers.append(str(refused.value))
        with pytest.raises(ProcessError) as refused:
            shop.ask(reference=reference, email=email)
        answers.append(str(refused.value))
    assert set(answers) == {aftersales.NOT_FOUND}
    with pytest.raises(ProcessError, match="The email address must be filled in"):
        shop.ask(email=" ")
    assert shop.rows(RETURNS) == []


def test_a_request_is_recorded_as_requested_and_its_text_stays_text(shop):
    return_id = shop.ask("MUG-002", "2", "exchange", details='=HYPERLINK("http://x") chipped')
    ret = shop.get(RETURNS, return_id)
    assert (ret.order_id, ret.sku, ret.qty, ret.kind, ret.status, ret.refund_status) == (
        shop.order_id,
        "MUG-002",
        2,
        "exchange",
        "requested",
        "none",
    )
    assert ret.reason == 'Changed my mind: =HYPERLINK("http://x") chipped' and ret.requested_at == shop.now
    with pytest.raises(ProcessError, match="The details can be at most 500 characters long"):
        shop.ask(details="x" * 501)
    with pytest.raises(ProcessError, match="Choose a return or an exchange"):
        shop.ask(kind="refund")
    with pytest.raises(ProcessError, match="has no item BOLT-9"):
        shop.ask("BOLT-9")
    with pytest.raises(ProcessError, match="must be at least 1"):
        shop.ask(qty=0)


def test_outside_the_return_window_or_before_delivery_a_request_is_refused(shop):
    shop.now = DELIVERED + timedelta(days=30)
    shop.ask()  # the last day of the 30-day window
    shop.now = DELIVERED + timedelta(days=30, minutes=1)
    assert "until 2026-04-01" in aftersales.find_customer_order(shop.workbook, "#1001", ANN).problem
    with pytest.raises(ProcessError, match="returns are accepted for 30 days after delivery"):
        shop.ask()

    order = shop.get(ORDERS, shop.order_id)
    with shop.workbook.transaction(ORDERS, user="seed") as tx:
        tx.update(order, {"status": "shipped", "delivered_at": None})
    with pytest.raises(ProcessError, match="has not been delivered yet"):
        shop.ask()


def test_no_more_than_shipped_minus_already_asked_back_can_be_requested(shop):
    first = shop.ask("KIT-001", 2)
    with pytest.raises(
        ProcessError, match=r"At most 0 of KIT-001 .* \(2 shipped, 2 already asked back\), not 1"
    ):
        shop.ask("KIT-001", 1)
    with pytest.raises(ProcessError, match="At most 4 of MUG-002"):
        shop.ask("MUG-002", 5)
    aftersales.reject_return(shop.workbook, first, note="Used", by=STAFF)
    shop.ask("KIT-001", 2)  # a rejected request gives the quantity back
    assert [
        line.returnable for line in aftersales.find_customer_order(shop.workbook, "#1001", ANN).lines
    ] == [0, 4]


# --- review --------------------------------------------------------------------------------


def test_approving_and_rejecting_queue_a_message_to_the_customer(shop):
    approved, rejected = shop.ask("KIT-001"), shop.ask("MUG-002")
    aftersales.approve_return(shop.workbook, approved, note="Send it back within 14 days", by=STAFF)
    with pytest.raises(ProcessError, match="Say why the request is rejected"):
        aftersales.reject_return(shop.workbook, rejected, note=" ", by=STAFF)
    aftersales.reject_return(shop.workbook, rejected, note="Mugs are not returnable once used", by=STAFF)

    assert [
        (r.status, r.reviewed_by) for r in (shop.get(RETURNS, approved), shop.get(RETURNS, rejected))
    ] == [
        ("approved", "sam"),
        ("rejected", "sam"),
    ]
    messages = {message.ref: message for message in shop.rows(OUTBOX)}
    assert set(messages) == {approved, rejected}
    assert messages[approved].to == "Ann.Lee@Example.com" and messages[approved].status == "queued"
    assert messages[approved].subject == f"Your return request {approved} is approved"
    assert "Send it back within 14 days" in messages[approved].body and "#1001" in messages[approved].body
    assert messages[rejected].subject == f"Your return request {rejected} was not approved"
    assert "Mugs are not returnable once used" in messages[rejected].body


def test_steps_out_of_order_are_refused_and_change_nothing(shop):
    return_id = shop.ask()
    with pytest.raises(ProcessError, match="Cannot receive and inspect: the return is requested"):
        aftersales.receive_return(
            shop.workbook, return_id, inspection_notes="x", disposition="write_off", by=STAFF
        )
    with pytest.raises(ProcessError, match="received and inspected before any refund"):
        aftersales.set_refund(shop.workbook, return_id, amount=10, by=STAFF)
    seen = shop.get(RETURNS, return_id)
    aftersales.approve_return(shop.workbook, return_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot approve the request: the return is approved"):
        aftersales.approve_return(shop.workbook, return_id, by=STAFF)
    with pytest.raises(ConflictError):  # what the user saw is no longer what is in the sheet
        aftersales.reject_return(shop.workbook, return_id, note="late", by=STAFF, base=seen)
    with pytest.raises(ProcessError, match="is a return: it is settled with a refund"):
        aftersales.create_replacement(shop.workbook, return_id, by=STAFF)
    with pytest.raises(
        ProcessError, match="is approved: the goods are received and inspected before any refund"
    ):
        aftersales.pay_refund(shop.workbook, return_id, refund_ref="RF-1", by=STAFF)
    assert shop.get(RETURNS, return_id).status == "approved"


# --- receiving ------------------------------------------------------------------------------


def test_restocking_posts_a_return_move_and_the_ledger_agrees(shop):
    return_id = shop.ask("MUG-002", 3)
    aftersales.approve_return(shop.workbook, return_id, by=STAFF)
    for qty, error in ((4, "at most 3 can be restocked"), (0, "must be at least 1")):
        with pytest.raises(ProcessError, match=error):
            aftersales.receive_return(
                shop.workbook,
                return_id,
                inspection_notes="ok",
                disposition="restock",
                restock_qty=qty,
                location_id=shop.location,
                by=STAFF,
            )
    with pytest.raises(ProcessError, match="Choose the location"):
        aftersales.receive_return(
            shop.workbook, return_id, inspection_notes="ok", disposition="restock", by=STAFF
        )
    aftersales.receive_return(
        shop.workbook,
        return_id,
        inspection_notes="Two unused, one chipped",
        disposition="restock",
        restock_qty="2",
        location_id=shop.location,
        by=STAFF,
    )
    ret = shop.get(RETURNS, return_id)
    assert (ret.status, ret.disposition, ret.restock_qty, ret.inspection_notes, ret.refund_status) == (
        "received",
        "restock",
        2,
        "Two unused, one chipped",
        "pending",
    )
    [move] = shop.rows(STOCK_MOVES)
    assert (move.reason, move.sku, move.qty, move.to_location, move.from_location, move.ref, move.by) == (
        "return",
        "MUG-002",
        2,
        shop.location,
        None,
        return_id,
        "sam",
    )
    assert shop.get(STOCK, ("MUG-002", shop.location)).on_hand == 2
    assert ledger_issues(shop.workbook) == []


def test_writing_off_posts_no_stock_move(shop):
    return_id = shop.ask("KIT-001", 1)
    aftersales.approve_return(shop.workbook, return_id, by=STAFF)
    with pytest.raises(ProcessError, match="inspection notes must be filled in"):
        aftersales.receive_return(
            shop.workbook, return_id, inspection_notes="", disposition="write_off", by=STAFF
        )
    aftersales.receive_return(
        shop.workbook, return_id, inspection_notes="Cracked handle", disposition="write_off", by=STAFF
    )
    ret = shop.get(RETURNS, return_id)
    assert (ret.status, ret.disposition, ret.restock_qty) == ("received", "write_off", 0)
    assert shop.rows(STOCK_MOVES) == [] and shop.rows(STOCK) == []


# --- refunds and exchanges --------------------------------------------------------------------


def test_a_refund_above_the_limit_waits_for_a_manager_then_is_paid_with_its_reference(shop):
    return_id = shop.received("KIT-001", 2)
    with pytest.raises(ProcessError, match=r"At most 240.00 can be refunded .* 240.01 is too much"):
        aftersales.set_refund(shop.workbook, return_id, amount="240.01", by=STAFF)
    aftersales.set_refund(shop.workbook, return_id, amount="240", by=STAFF)  # limit 200
    assert shop.get(RETURNS, return_id).refund_status == "awaiting_approval"
    assert [t.action for t in aftersales.return_steps(shop.get(RETURNS, return_id), STAFF)] == []

    with pytest.raises(PermissionDenied, match="Only a manager or an admin may approve a refund"):
        aftersales.approve_refund(shop.workbook, return_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot record the refund payment"):
        aftersales.pay_refund(shop.workbook, return_id, refund_ref="RF-1", by=STAFF)
    aftersales.approve_refund(shop.workbook, return_id, by=MANAGER)
    with pytest.raises(ProcessError, match="payment reference must be filled in"):
        aftersales.pay_refund(shop.workbook, return_id, refund_ref=" ", by=STAFF)
    aftersales.pay_refund(shop.workbook, return_id, refund_ref="RF-88120", by=STAFF)

    ret = shop.get(RETURNS, return_id)
    assert (ret.status, ret.refund_status, ret.refund_amount, ret.refund_ref, ret.refunded_at) == (
        "closed",
        "paid",
        240.0,
        "RF-88120",
        shop.now,
    )
    assert shop.get(ORDERS, shop.order_id).payment_status == "partially_refunded"
    [message] = [m for m in shop.rows(OUTBOX) if m.subject.startswith("Your refund")]
    assert "240.00" in message.body and "RF-88120" in message.body


def test_refunds_never_exceed_what_was_paid_and_the_order_follows_to_refunded(shop):
    first = shop.received("MUG-002", 3)
    with pytest.raises(ProcessError, match=r"At most 45.00 can be refunded"):
        aftersales.set_refund(shop.workbook, first, amount=60, by=STAFF)
    aftersales.set_refund(shop.workbook, first, amount="45", by=STAFF)
    assert shop.get(RETURNS, first).refund_status == "approved"  # at or below the limit: at once
    aftersales.pay_refund(shop.workbook, first, refund_ref="RF-1", by=STAFF)
    assert shop.get(ORDERS, shop.order_id).payment_status == "partially_refunded"

    second = shop.received("MUG-002", 1)
    assert aftersales.return_view(shop.workbook, second, STAFF).refundable.most == 15.0
    aftersales.set_refund(shop.workbook, second, amount=15, by=STAFF)
    aftersales.pay_refund(shop.workbook, second, refund_ref="RF-2", by=STAFF)
    kit = shop.received("KIT-001", 2)
    aftersales.set_refund(shop.workbook, kit, amount=240, by=MANAGER)
    assert shop.get(RETURNS, kit).refund_status == "awaiting_approval"  # one approval, even for a manager
    with pytest.raises(
        PermissionDenied, match=f"You set the refund of {kit}, so another manager approves it"
    ):
        aftersales.approve_refund(shop.workbook, kit, by=MANAGER)
    aftersales.approve_refund(shop.workbook, kit, by=Actor("max", "manager"))
    assert shop.get(RETURNS, kit).refund_set_by == MANAGER.name
    aftersales.pay_refund(shop.workbook, kit, refund_ref="RF-3", by=STAFF)
    assert shop.get(ORDERS, shop.order_id).payment_status == "refunded"  # 45 + 15 + 240 = 300


def test_an_unpaid_order_is_not_refunded(shop):
    return_id = shop.received("MUG-002", 1)
    with shop.workbook.transaction(ORDERS, user="seed") as tx:
        tx.update(tx.require(ORDERS, shop.order_id), {"payment_status": "pending"})
    with pytest.raises(ProcessError, match="only a paid order can be refunded"):
        aftersales.set_refund(shop.workbook, return_id, amount=15, by=STAFF)


def test_an_exchange_creates_a_free_replacement_order_linked_to_the_return(shop):
    return_id = shop.received("KIT-001", 2, kind="exchange")
    ret = shop.get(RETURNS, return_id)
    assert ret.refund_status == "none"
    assert [t.action for t in aftersales.return_steps(ret, STAFF)] == ["exchange"]
    with pytest.raises(ProcessError, match="is an exchange: it is settled with a replacement order"):
        aftersales.set_refund(shop.workbook, return_id, amount=10, by=STAFF)
    aftersales.create_replacement(shop.workbook, return_id, by=STAFF)

    ret = shop.get(RETURNS, return_id)
    assert ret.status == "closed" and ret.replacement_order_id
    original, replacement = shop.get(ORDERS, shop.order_id), shop.get(ORDERS, ret.replacement_order_id)
    assert (replacement.customer_name, replacement.customer_email, replacement.ship_address) == (
        original.customer_name,
        original.customer_email,
        original.ship_address,
    )
    assert (replacement.return_id, original.return_id) == (return_id, None)  # the way back to the return
    assert (replacement.status, replacement.payment_status, replacement.total, replacement.paid_at) == (
        "new",
        "paid",
        0.0,
        shop.now,
    )
    [line] = [line for line in shop.rows(ORDER_LINES) if line.order_id == replacement.order_id]
    assert (line.sku, line.qty, line.unit_price) == ("KIT-001", 2, 0.0)
    assert original.payment_status == "paid"
    [message] = [m for m in shop.rows(OUTBOX) if m.subject.startswith("Your replacement")]
    assert replacement.order_id in message.body
    with pytest.raises(ProcessError, match="Cannot create the replacement order: the return is closed"):
        aftersales.create_replacement(shop.workbook, return_id, by=STAFF)


def test_the_list_filters_searches_and_pages_on_the_server(shop):
    ids = [shop.ask("MUG-002", 1) for _ in range(3)]
    aftersales.reject_return(shop.workbook, ids[0], note="No", by=STAFF)
    page = aftersales.return_list(shop.workbook, aftersales.ReturnQuery(view="open"))
    assert page.total == 2 and [row["return_id"] for row in page.rows] == sorted(ids[1:], reverse=True)
    assert page.rows[0]["order"] == "#1001" and page.rows[0]["customer"] == "Ann Lee"
    assert aftersales.return_list(shop.workbook, aftersales.ReturnQuery(view="rejected")).total == 1
    assert (
        aftersales.return_list(shop.workbook, aftersales.ReturnQuery(view="all", search="ann.lee")).total == 3
    )
    assert (
        aftersales.return_list(shop.workbook, aftersales.ReturnQuery(view="all", search="bo chen")).total == 0
    )
    paged = aftersales.return_list(shop.workbook, aftersales.ReturnQuery(view="all", per_page=25, page=9))
    assert (paged.page, paged.pages, len(paged.rows)) == (1, 1, 3)


def test_every_step_costs_the_same_reads_however_many_orders_there_are(shop):
    """On Google each step reads the rows it works on (a return, its order's lines ...) in a few
    requests, as many with 300 more orders as without; locally no request at all."""

    def steps() -> list[int]:
        reads = []

        def step(action, *args, **kwargs):
            if shop.record.fake is not None:
                shop.record.fake.reset_counts()
            shop.workbook.invalidate()
            shop.workbook.backend.__dict__.get("positions", {}).clear()  # each step as in a fresh process
            made = action(*args, **kwargs)
            reads.append(shop.record.requests("values.batchGet"))
            return made

        return_id = step(shop.ask, "KIT-001", 1)
        step(aftersales.approve_return, shop.workbook, return_id, by=STAFF)
        step(
            aftersales.receive_return,
            shop.workbook,
            return_id,
            inspection_notes="ok",
            disposition="restock",
            location_id=shop.location,
            by=STAFF,
        )
        step(aftersales.set_refund, shop.workbook, return_id, amount=120, by=STAFF)  # within the limit
        step(aftersales.pay_refund, shop.workbook, return_id, refund_ref="RF-9", by=STAFF)
        return reads

    few = steps()
    with shop.workbook.transaction(*ORDER_TABS, user="seed") as tx:
        for number in range(300):
            add_order(
                tx,
                customer_name=f"Customer {number}",
                customer_email=f"c{number}@example.com",
                ship_address="2 Low Street, Leeds",
                lines=[OrderLine("MUG-002", 1)],
                location_id=shop.location,
            )
    many = steps()
    assert many == few
    if shop.record.kind == "google":
        assert max(few) <= 4
    else:
        assert few == [0] * 5


# --- the acknowledgement and the policy in Settings ------------------------------------------


def test_a_request_queues_a_we_received_it_message_whether_the_customer_or_staff_records_it(shop):
    public = shop.ask("KIT-001")
    by_phone = aftersales.request_return_for(
        shop.workbook,
        shop.order_id,
        aftersales.Asked(sku="MUG-002", qty=1, kind="exchange", reason="wrong SIZE"),
        by=STAFF,
    )
    assert by_phone.reason == "Wrong size"  # the listed spelling
    messages = {message.ref: message for message in shop.rows(OUTBOX)}
    assert set(messages) == {public, by_phone.return_id}
    first, second = messages[public], messages[by_phone.return_id]
    assert (first.to, first.subject) == ("Ann.Lee@Example.com", f"We received your return request {public}")
    assert (
        "Please do not send anything back yet" in first.body
        and "1 x Cast-iron skillet (KIT-001)" in first.body
    )
    assert second.subject == f"We received your exchange request {by_phone.return_id}"
    with pytest.raises(ProcessError, match="There is no order ORD-NOPE"):
        aftersales.request_return_for(
            shop.workbook,
            "ORD-NOPE",
            aftersales.Asked(sku="KIT-001", qty=1, kind="return", reason="Other"),
            by=STAFF,
        )


def test_the_acknowledgement_is_written_in_the_customers_language_from_settings(shop):
    settings.update_setting(shop.workbook, "customer_language", "zh", by=MANAGER)
    return_id = shop.ask("KIT-001")
    [message] = shop.rows(OUTBOX)
    assert message.subject == f"我们已收到您的退货申请 {return_id}"


def test_the_reasons_offered_and_accepted_are_the_ones_in_settings(shop):
    assert aftersales.find_customer_order(shop.workbook, "#1001", ANN).reasons[:2] == (
        "Wrong size",
        "Not as described",
    )
    with pytest.raises(ProcessError, match="Choose one of the reasons offered: Wrong size, Not as described"):
        shop.ask(reason="Too heavy")
    settings.update_setting(shop.workbook, "return_reasons", " Too heavy ;; Broken; Too heavy", by=MANAGER)
    assert aftersales.find_customer_order(shop.workbook, "#1001", ANN).reasons == ("Too heavy", "Broken")
    assert shop.get(RETURNS, shop.ask(reason="too heavy")).reason == "Too heavy"
    with pytest.raises(ProcessError, match="Choose one of the reasons offered: Too heavy, Broken"):
        shop.ask(reason="Changed my mind")
    assert len(shop.rows(RETURNS)) == 1


def test_the_return_window_in_settings_is_the_one_honoured(shop):
    settings.update_setting(shop.workbook, "return_window_days", "3", by=MANAGER)
    shop.now = DELIVERED + timedelta(days=3)
    assert aftersales.find_customer_order(shop.workbook, "#1001", ANN).problem is None
    shop.now = DELIVERED + timedelta(days=3, minutes=1)
    assert "returns are accepted for 3 days after delivery, until 2026-03-05" in (
        aftersales.find_customer_order(shop.workbook, "#1001", ANN).problem
    )
    with pytest.raises(ProcessError, match="accepted for 3 days after delivery"):
        shop.ask()
    settings.update_setting(shop.workbook, "return_window_days", "60", by=MANAGER)
    shop.ask()


# --- an exchange for another item, and its price difference -----------------------------------


def _catalogue(shop) -> None:
    """Skillets and mugs in their categories: a bigger skillet at 150, a smaller one at 100, a mug at 18."""
    with shop.workbook.transaction(PRODUCTS, user="seed") as tx:
        for sku, category in (("KIT-001", "skillets"), ("MUG-002", "mugs")):
            tx.update(tx.get(PRODUCTS, sku), {"category": category})
        tx.insert(PRODUCTS, {"sku": "KIT-L", "name": "Skillet, large", "price": 150, "category": "Skillets"})
        tx.insert(PRODUCTS, {"sku": "KIT-S", "name": "Skillet, small", "price": 100, "category": "skillets"})
        tx.insert(
            PRODUCTS,
            {"sku": "KIT-OLD", "name": "Old skillet", "price": 90, "category": "skillets", "active": False},
        )
        tx.insert(PRODUCTS, {"sku": "KIT-NOPRICE", "name": "Skillet, no price", "category": "skillets"})
        tx.insert(PRODUCTS, {"sku": "MUG-BIG", "name": "Big mug", "price": 18, "category": "mugs"})


def _exchange(shop, sku: str, qty: int, exchange_sku: str) -> str:
    return_id = shop.ask(sku, qty, "exchange", exchange_sku=exchange_sku)
    aftersales.approve_return(shop.workbook, return_id, note="Fine", by=STAFF)
    aftersales.receive_return(
        shop.workbook,
        return_id,
        inspection_notes="Unused",
        disposition="restock",
        location_id=shop.location,
        by=STAFF,
    )
    return return_id


def test_the_customer_is_offered_items_of_the_same_kind_on_sale_with_the_difference_in_price(shop):
    _catalogue(shop)
    kit, mug = aftersales.find_customer_order(shop.workbook, "#1001", ANN).lines
    assert [(o.sku, o.price) for o in kit.exchange_for] == [
        ("KIT-001", 120.0),
        ("KIT-L", 150.0),
        ("KIT-S", 100.0),
    ]
    assert [o.sku for o in mug.exchange_for] == ["MUG-002", "MUG-BIG"]
    assert (
        kit.unit_price,
        kit.difference("KIT-L", 2),
        kit.difference("KIT-S", 1),
        kit.difference("KIT-001", 1),
    ) == (
        120.0,
        60.0,
        -20.0,
        0.0,
    )
    assert kit.difference("MUG-BIG", 1) is None  # not offered for a skillet


def test_an_exchange_for_another_item_is_refused_unless_it_is_offered(shop):
    _catalogue(shop)
    for wanted in ("MUG-BIG", "KIT-OLD", "KIT-NOPRICE", "NOPE-1"):
        with pytest.raises(ProcessError, match=f"{wanted} cannot be had in exchange for KIT-001"):
            shop.ask("KIT-001", 1, "exchange", exchange_sku=wanted)
    with pytest.raises(ProcessError, match="Only an exchange is for another item"):
        shop.ask("KIT-001", 1, "return", exchange_sku="KIT-L")
    assert shop.rows(RETURNS) == []
    same = shop.get(RETURNS, shop.ask("KIT-001", 1, "exchange"))
    assert (same.exchange_sku, same.price_difference) == ("KIT-001", 0.0)


def test_a_dearer_item_is_sent_once_the_customer_pays_the_difference(shop):
    _catalogue(shop)
    return_id = _exchange(shop, "MUG-002", 2, "MUG-BIG")  # paid 15 each, now 18 each
    ret = shop.get(RETURNS, return_id)
    assert (ret.exchange_sku, ret.price_difference) == ("MUG-BIG", 6.0)
    aftersales.create_replacement(shop.workbook, return_id, by=STAFF)
    ret = shop.get(RETURNS, return_id)
    replacement = shop.get(ORDERS, ret.replacement_order_id)
    assert (ret.status, ret.refund_status) == ("closed", "none")
    assert (replacement.total, replacement.payment_status, replacement.paid_at, replacement.return_id) == (
        6.0,
        "pending",
        None,
        return_id,
    )
    [line] = [line for line in shop.rows(ORDER_LINES) if line.order_id == replacement.order_id]
    assert (line.sku, line.qty, line.unit_price) == ("MUG-BIG", 2, 3.0)
    [message] = [m for m in shop.rows(OUTBOX) if m.subject.startswith("Your replacement")]
    assert "2 x Big mug (MUG-BIG)" in message.body and "The new items cost 6.00 more" in message.body


def test_a_cheaper_item_is_sent_free_and_the_difference_is_refunded_at_most(shop):
    _catalogue(shop)
    return_id = _exchange(shop, "KIT-001", 1, "KIT-S")  # paid 120, now 100
    assert shop.get(RETURNS, return_id).price_difference == -20.0
    aftersales.create_replacement(shop.workbook, return_id, by=STAFF)
    ret = shop.get(RETURNS, return_id)
    replacement = shop.get(ORDERS, ret.replacement_order_id)
    assert (replacement.total, replacement.payment_status) == (0.0, "paid")
    assert (ret.status, ret.refund_status) == ("closed", "pending")
    assert [t.action for t in aftersales.return_steps(ret, STAFF)] == ["refund"]
    [message] = [m for m in shop.rows(OUTBOX) if m.subject.startswith("Your replacement")]
    assert "The new item costs 20.00 less" in message.body
    with pytest.raises(ProcessError, match="At most 20.00 can be refunded"):
        aftersales.set_refund(shop.workbook, return_id, amount=20.01, by=STAFF)
    aftersales.set_refund(shop.workbook, return_id, amount=20, by=STAFF)
    aftersales.pay_refund(shop.workbook, return_id, refund_ref="RF-9", by=STAFF)
    ret = shop.get(RETURNS, return_id)
    assert (ret.status, ret.refund_status, ret.refund_amount) == ("closed", "paid", 20.0)
    assert shop.get(ORDERS, shop.order_id).payment_status == "partially_refunded"


def test_the_refund_of_a_closed_exchange_waits_on_staff_on_the_dashboard(shop):
    from processes.tasks import tasks_for
    from sheets.tabs import ALL_TABS

    _catalogue(shop)
    return_id = _exchange(shop, "KIT-001", 1, "KIT-S")
    aftersales.create_replacement(shop.workbook, return_id, by=STAFF)
    found = tasks_for(STAFF, shop.workbook.tables(*ALL_TABS), shop.now)
    assert [(task.ref, task.steps) for task in found if task.ref == return_id] == [
        (return_id, ("Set the refund",))
    ]


# --- photos ----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_a_requests_photos_are_stored_in_the_data_folder_and_named_on_its_row(shop, tmp_path):
    photos = [aftersales.Photo("lid.jpg", "jpg", JPEG), aftersales.Photo("box.png", "png", PNG)]
    made = aftersales.request_return(
        shop.workbook,
        "#1001",
        ANN,
        aftersales.Asked(sku="KIT-001", qty=1, kind="return", reason="Damaged or faulty", photos=photos),
        photo_dir=tmp_path,
    )
    ret = shop.get(RETURNS, made.return_id)
    assert ret.photos == f"{made.return_id}-1.jpg, {made.return_id}-2.png"
    assert (tmp_path / "return-photos" / f"{made.return_id}-2.png").read_bytes() == PNG
    view = aftersales.return_view(shop.workbook, made.return_id, STAFF)
    assert view.photos == [f"{made.return_id}-1.jpg", f"{made.return_id}-2.png"]
    path, media_type = aftersales.photo_file(shop.workbook, tmp_path, made.return_id, view.photos[1])
    assert (path.read_bytes(), media_type) == (PNG, "image/png")
    with pytest.raises(ProcessError, match="has no photo"):
        aftersales.photo_file(shop.workbook, tmp_path, made.return_id, f"{made.return_id}-3.png")


def test_photos_over_the_settings_limits_are_refused_and_a_refused_request_leaves_no_file(shop, tmp_path):
    settings.update_setting(shop.workbook, "return_photos_max", "1", by=MANAGER)
    two = [aftersales.Photo("a.png", "png", PNG), aftersales.Photo("b.png", "png", PNG)]
    with pytest.raises(ProcessError, match="At most 1 photo can be added to a request, not 2"):
        aftersales.request_return(
            shop.workbook,
            "#1001",
            ANN,
            aftersales.Asked(sku="KIT-001", qty=1, kind="return", reason="Other", photos=two),
            photo_dir=tmp_path,
        )
    settings.update_setting(shop.workbook, "return_photo_max_mb", "0.1", by=MANAGER)
    big = aftersales.Photo("big.jpg", "jpg", JPEG + b"\x00" * 200_000)
    with pytest.raises(ProcessError, match="big.jpg is 0.2 MB; a photo can be at most 0.1 MB"):
        aftersales.request_return(
            shop.workbook,
            "#1001",
            ANN,
            aftersales.Asked(sku="KIT-001", qty=1, kind="return", reason="Other", photos=[big]),
            photo_dir=tmp_path,
        )
    # Refused for what it asks (more than was shipped): no photo is kept for it either.
    with pytest.raises(ProcessError, match="At most 2 of KIT-001"):
        aftersales.request_return(
            shop.workbook,
            "#1001",
            ANN,
            aftersales.Asked(sku="KIT-001", qty=3, kind="return", reason="Other", photos=two[:1]),
            photo_dir=tmp_path,
        )
    assert shop.rows(RETURNS) == []
    assert not (tmp_path / "return-photos").exists() or list((tmp_path / "return-photos").iterdir()) == []
