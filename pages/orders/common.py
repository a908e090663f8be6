"""What the order pages share: how money is shown."""

from __future__ import annotations


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"
