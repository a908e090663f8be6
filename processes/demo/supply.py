"""What the stock simulation decides: opening balances, purchase orders and transfers.

simulation.py decides them, settling.py trims the low rows' last ones,
replenishment.py writes them with their Stock Moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Row = tuple[str, str]  # (sku, location key)
Posting = tuple[datetime, Row, int]  # a change of stock as the ledger dates it


@dataclass
class Purchase:
    """A purchase order the buyer placed, received in full."""

    sku: str
    qty: int
    ordered_at: datetime
    expected_at: datetime
    received_at: datetime
    cancelled: bool = False  # trimmed away by settle_low_rows: the buyer cancelled it before it shipped

    @property
    def days_late(self) -> int:
        return max((self.received_at.date() - self.expected_at.date()).days, 0)


@dataclass
class Transfer:
    """Stock sent from the main warehouse to another location, received in full."""

    sku: str
    target: str
    qty: int
    requested_at: datetime
    shipped_at: datetime
    received_at: datetime


@dataclass
class Outcome:
    """What the simulation decided: openings, purchases and transfers; sales carry their own fate."""

    opened_at: datetime
    openings: dict[Row, int]
    purchases: list[Purchase] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    held: dict[Row, int] = field(default_factory=dict)  # reserved for orders open at the end
    topped_up: list[Row] = field(default_factory=list)  # rows whose opening the guard had to raise
