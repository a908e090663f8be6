"""Export a tab or the whole workbook as CSV or .xlsx."""

from __future__ import annotations


def register() -> None:
    """Register the page routes."""
