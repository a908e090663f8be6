"""The Settings page: every threshold with its meaning, unit and default."""

from __future__ import annotations


def register() -> None:
    """Register the page routes."""
