"""The suggestion box: staff propose improvements, vote, and a manager decides."""

from __future__ import annotations


def register() -> None:
    """Register the page routes."""
