"""The checks, one module per area: each a pure function from a Snapshot to a list of effects."""

from __future__ import annotations

from collections.abc import Callable

from ..effects import Effect
from ..snapshot import Snapshot
from .aftersales import check_aftersales
from .data import check_data
from .locations import check_locations
from .orders import check_orders
from .procurement import check_procurement
from .service import check_service
from .stock import check_stock

Check = Callable[[Snapshot], list[Effect]]

CHECKS: tuple[Check, ...] = (
    check_stock,
    check_locations,
    check_procurement,
    check_orders,
    check_service,
    check_aftersales,
    check_data,
)


def run_checks(snapshot: Snapshot) -> list[Effect]:
    """Every check's effects, in the order of CHECKS."""
    return [effect for check in CHECKS for effect in check(snapshot)]
