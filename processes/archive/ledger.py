"""The opening balance that keeps the live ledger adding up once old Stock Moves are archived.

Archiving a batch of moves takes their effect out of the live ledger; the
same commit puts it back as one opening-balance move per (sku, location),
dated at the archive's cutoff. Its ID is made from the cutoff, the SKU and the
location, so a later batch of the same run (or a run again after an
interruption) finds it by key and changes it instead of adding another. A
later run's cutoff is later: the old opening moves are then archived like any
other move and folded into the new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sheets.table import Record
from sheets.tabs import STOCK_MOVES
from sheets.transaction import Transaction

OPENING_REASON = "adjustment"
OPENING_REF = "opening balance {cutoff:%Y-%m-%d}"


def net_effect(moves: Iterable[Record]) -> dict[tuple[str, str], int]:
    """What `moves` add to each (sku, location), as processes.stock.ledger_balances counts them."""
    effect: dict[tuple[str, str], int] = defaultdict(int)
    for move in moves:
        qty = int(move["qty"] or 0)
        if move["to_location"]:
            effect[(move["sku"], move["to_location"])] += qty
        if move["from_location"]:
            effect[(move["sku"], move["from_location"])] -= qty
    return effect


def opening_id(cutoff: datetime, sku: str, location: str) -> str:
    return f"MOV-OPEN-{cutoff:%Y%m%d}-{sku}-{location}"


def post_openings(tx: Transaction, moved: Iterable[Record], cutoff: datetime) -> int:
    """Add (or change) this cutoff's opening move of every pair `moved` touched; returns how many changed."""
    changed = 0
    for (sku, location), effect in sorted(net_effect(moved).items()):
        if effect == 0:
            continue
        move_id = opening_id(cutoff, sku, location)
        current = tx.get(STOCK_MOVES, move_id)
        balance = effect + (net_effect([current])[(sku, location)] if current is not None else 0)
        direction = {
            "to_location": location if balance > 0 else None,
            "from_location": location if balance < 0 else None,
            "qty": abs(balance),
        }
        if current is None:
            tx.insert(
                STOCK_MOVES,
                {
                    "move_id": move_id,
                    "at": cutoff,
                    "sku": sku,
                    "reason": OPENING_REASON,
                    "ref": OPENING_REF.format(cutoff=cutoff),
                    "by": tx.user,
                    **direction,
                },
            )
        else:
            tx.update(current, direction)
        changed += 1
    return changed
