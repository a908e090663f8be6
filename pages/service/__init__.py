"""Customer service pages: tickets (/tickets, /tickets/{id}), the survey analysis (/surveys) and the public survey."""

from __future__ import annotations

from pages.service import conversation, surveys, tickets


def register() -> None:
    """Register the ticket pages, their files' downloads, the survey analysis and the public survey page."""
    tickets.register()
    conversation.register()
    surveys.register()
