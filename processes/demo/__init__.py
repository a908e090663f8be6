"""Demo data: a small home & kitchen shop, seeded into an empty workbook in one commit.

`python app.py --demo` calls `seed_demo` so every page, job and report has something
worth showing on first start. The records tell one consistent story: every reference
points at a real record, order totals are the sum of their lines, reserved stock is
what confirmed orders hold, and the Stock Moves ledger adds up to each Stock row's
on_hand exactly. Times are relative to `now` and every choice comes from one seeded
random generator, so the same seed and `now` give the same records (IDs apart: the
app assigns those; and the seconds each forecast run took, which are measured).

Behind the story's last 30 days lie six months of everyday trade (history.py): orders
drawn from demand with weekday patterns, a rising product and slow movers, shipped
from stock that a simulated buyer kept up with purchase orders and transfers
(simulation.py, replenishment.py), one late delivery leaving a shelf empty for some
days. Demand planning finds real figures in it on first start, and the Forecast Runs
of the past weeks are the real engine's, run on the history as it stood then
(forecast_runs.py).

One module per area of the story; `_tell_the_story` runs them in the order the
records depend on each other, which is also the order the random choices are made.
Every name, address, e-mail and phone number is invented (example.com, example.net,
555 numbers).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime

from sheets.table import Table
from sheets.tabs import ORDERS, PRODUCTS, STOCK
from sheets.workbook import Workbook

from .after_sales import plan_returns, seed_returns
from .builder import DemoBuilder
from .catalogue import seed_catalogue
from .forecast_runs import seed_forecast_runs
from .history import finish_sales, plan_history_returns, plan_sales, seed_history_returns
from .management import seed_alerts, seed_outbox, seed_suggestions
from .orders import insert_orders, invent_customers, plan_orders
from .procurement import seed_procurement
from .replenishment import seed_replenishment
from .service import seed_messages, seed_surveys, seed_tickets
from .simulation import simulate
from .stock import plan_stocktake, seed_stock, seed_transfers, write_ledger

__all__ = ["DEMO_USER", "EMPTINESS_TABS", "SEED_ACTION", "is_empty", "seed_demo"]

DEMO_USER = "demo"
SEED_ACTION = "seed demo data"

#: The tabs that must be empty before seeding (see is_empty).
EMPTINESS_TABS = (ORDERS, PRODUCTS, STOCK)


def is_empty(workbook: Workbook) -> bool:
    """Whether the workbook has no orders, products or stock yet (demo data goes only there)."""
    return _all_empty(workbook.tables(*EMPTINESS_TABS).values())


def seed_demo(workbook: Workbook, now: datetime | None = None, rng_seed: int = 7) -> dict[str, int]:
    """Fill an empty workbook with a consistent demo shop; returns the records created per tab.

    Everything is written in one transaction (one request on Google). Raises
    ValueError, writing nothing, when the workbook already holds orders,
    products or stock.
    """
    moment = (now or datetime.now()).replace(microsecond=0)
    with workbook.transaction(*EMPTINESS_TABS, user=DEMO_USER, action=SEED_ACTION) as tx:
        # Checked inside the transaction, so a concurrent writer cannot slip in between.
        if not _all_empty(tx.table(tab) for tab in EMPTINESS_TABS):
            raise ValueError(
                "The workbook already holds orders, products or stock; demo data goes only into an empty workbook."
            )
        demo = DemoBuilder(tx, random.Random(rng_seed), moment)
        _tell_the_story(demo)
    return demo.counts_by_tab()


def _tell_the_story(demo: DemoBuilder) -> None:
    """Every area in dependency order; reordering changes the random draws and so the records."""
    seed_catalogue(demo)
    invent_customers(demo)
    plan_orders(demo)
    returns = plan_returns(demo)
    # The story's own stock events come first: the everyday trade is simulated around them.
    seed_procurement(demo)
    restocking_transfer = seed_transfers(demo)
    stocktake = plan_stocktake(demo)
    sales = plan_sales(demo)
    seed_replenishment(demo, simulate(demo, sales))
    finish_sales(demo, sales)
    history_returns = plan_history_returns(demo, sales)
    insert_orders(demo)
    seed_returns(demo, returns)
    seed_history_returns(demo, history_returns)
    stock = seed_stock(demo, stocktake)
    seed_forecast_runs(demo)
    seed_alerts(demo, stock, restocking_transfer)
    tickets = seed_tickets(demo)
    seed_messages(demo, tickets)
    seed_surveys(demo, tickets)
    seed_suggestions(demo)
    seed_outbox(demo, returns)
    write_ledger(demo)


def _all_empty(tables: Iterable[Table]) -> bool:
    return all(len(table) == 0 for table in tables)
