"""Archived records stay findable by ID and read-only: an order's page data, its history, the review."""

from __future__ import annotations

import pytest

from processes import archive, orders, steps
from processes.errors import ProcessError
from processes.orders import ORDER
from processes.permissions import Actor
from processes.review import review_of
from sheets.tabs import ORDERS
from tests.archive.shop import CUTOFF, local_shop_archives, seed_shop

MIA = Actor("mia", "manager")


@pytest.fixture
def archived_shop(local):
    seed_shop(local.workbook)
    archives = local_shop_archives(local.workbook)
    local.review_before = repr(review_of(local.workbook, "2025-11-01", "2025-12-31"))
    local.old = {order.customer_name: order.order_id for order in local.workbook.table(ORDERS).records()}
    archive.run_archive(local.workbook, archives, before=CUTOFF)
    archive.use(archives)
    yield local
    archive.use(None)
    archives.close()


def test_an_archived_order_is_found_by_id_with_its_lines_and_history(archived_shop):
    order_id = archived_shop.old["Old 0"]
    assert archived_shop.workbook.table(ORDERS).get(order_id) is None  # no longer live
    view = orders.order_view(archived_shop.workbook, order_id)
    assert view is not None and view.archived == 2025
    assert view.order.customer_name == "Old 0"
    assert sorted(line.sku for line in view.lines) == ["MUG", "PAN"]
    said = [event.what for event in view.timeline]
    assert any("stock" in what for what in said) and any("insert" not in what for what in said)
    assert orders.order_view(archived_shop.workbook, "ORD-NOSUCHORDER") is None


def test_a_step_on_an_archived_order_is_refused_saying_it_is_archived(archived_shop):
    order_id = archived_shop.old["Old 0"]
    with pytest.raises(ProcessError, match=f"{order_id} is archived \\(closed records of 2025\\)"):
        steps.take(archived_shop.workbook, ORDER, order_id, "cancel", by=MIA)


def test_a_review_of_archived_months_counts_what_the_archive_holds(archived_shop):
    after = repr(review_of(archived_shop.workbook, "2025-11-01", "2025-12-31"))
    assert after == archived_shop.review_before
    archive.use(None)  # without the archive the same months look emptier: the archive is what kept them
    assert repr(review_of(archived_shop.workbook, "2025-11-01", "2025-12-31")) != archived_shop.review_before
