"""The process handbook: one page per procedure, generated from its declaration."""

from __future__ import annotations


def register() -> None:
    """Register the page routes."""
