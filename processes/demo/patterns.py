"""What sells when: the demand the order history is drawn from.

Each location gets a number of orders a day that depends on the weekday
(online orders peak on Mondays and dip on Saturdays; the store is busiest on
Saturdays and closed on Sundays). Each order's items are drawn by popularity,
which for most products holds steady over the months; one product is rising
(the French press), one fading (the glass teapot), and a few sell only every
few days (the slow movers). The demand planning has to find these patterns
in the history again.
"""

from __future__ import annotations

from .catalogue import DISCONTINUED, STOCKED

#: Everyday orders per day over all locations (the story's own orders come on top).
ORDERS_PER_DAY = 14.0
#: Share of the everyday orders each location ships, as in the story (orders.ORDER_WEIGHT_BY_LOCATION).
LOCATION_SHARE = {"main": 30 / 40, "overflow": 4 / 40, "store": 6 / 40}
# Orders on each weekday, Monday first, against an average day (each profile averages 1).
ONLINE_WEEKDAYS = (1.30, 1.10, 1.00, 0.95, 0.90, 0.70, 1.05)
STORE_WEEKDAYS = (0.75, 0.85, 0.90, 1.00, 1.25, 2.25, 0.0)
WEEKDAYS = {"main": ONLINE_WEEKDAYS, "overflow": ONLINE_WEEKDAYS, "store": STORE_WEEKDAYS}
STORE_CLOSED = 6  # Sunday

# How often an order picks each product, against a typical one, at the first and last day of the history.
POPULARITY = {
    "KIT-001": (1.2, 1.4),  # skillets pick up towards autumn
    "KIT-002": (0.9, 0.9),
    "KIT-003": (1.4, 1.4),
    "KIT-004": (1.0, 1.0),
    "KIT-005": (1.3, 1.3),
    "KIT-006": (1.1, 1.1),
    "KIT-007": (0.7, 0.7),
    "KIT-008": (0.35, 2.2),  # the trending product: the French press rises all year
    "KIT-009": (1.0, 0.45),  # the glass teapot fades
    "TBL-001": (0.8, 0.8),
    "TBL-002": (1.8, 1.8),
    "TBL-003": (0.9, 0.9),
    "TBL-004": (0.12, 0.12),  # slow movers: a sale every few days
    "STO-001": (1.0, 1.0),
    "STO-002": (0.9, 1.0),
    "STO-003": (0.18, 0.18),
    "STO-004": (0.10, 0.10),
    "TEX-001": (1.1, 1.1),
    "TEX-002": (0.5, 0.5),
    "TEX-003": (0.7, 0.7),
    "CLN-001": (1.2, 1.2),
    "CLN-002": (1.0, 1.0),
}
TRENDING = "KIT-008"
FADING = "KIT-009"
SLOW_MOVERS = ("TBL-004", "STO-003", "STO-004")
# Items per order and units per item, drawn evenly from these.
LINES_PER_ORDER = (1, 1, 2, 2, 3)
UNITS_PER_LINE = (1, 1, 1, 2, 2, 3)


def orders_per_day(location: str, weekday: int) -> float:
    """The average number of everyday orders a location ships on a weekday (0 = Monday)."""
    return ORDERS_PER_DAY * LOCATION_SHARE[location] * WEEKDAYS[location][weekday]


def for_sale(location: str) -> tuple[str, ...]:
    """The products a location sells: what it stocks, less what is discontinued."""
    return tuple(sku for sku in STOCKED[location] if sku not in DISCONTINUED)


def popularity(sku: str, progress: float) -> float:
    """How often an order picks `sku`, `progress` of the way (0 to 1) through the history."""
    first, last = POPULARITY[sku]
    return first + (last - first) * progress


def expected_units(sku: str, location: str, progress: float) -> float:
    """The average units of `sku` a location sells a day at `progress`: what a buyer plans on at first."""
    offered = for_sale(location)
    if sku not in offered:
        return 0.0
    share = popularity(sku, progress) / sum(popularity(other, progress) for other in offered)
    lines = _mean(LINES_PER_ORDER) * ORDERS_PER_DAY * LOCATION_SHARE[location]
    return lines * share * _mean(UNITS_PER_LINE)


def _mean(values: tuple[int, ...]) -> float:
    return sum(values) / len(values)
