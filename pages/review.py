"""The periodic process review: cycle times, SLA figures and volumes per procedure."""

from __future__ import annotations


def register() -> None:
    """Register the page routes."""
