"""Customer notifications: a row in the Outbox tab, rendered from a template in templates/messages.

A message template is a text file: the first line is `Subject: …`, then a
blank line, then the body. Templates are Jinja2 with undefined names refused,
so a missing value is an error in the tests rather than a blank in an email.
Sending comes later, from the Outbox (the jobs' outbox sender).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from i18n import ENGLISH, _
from processes.errors import ProcessError
from sheets.settings import BY_KEY, read_setting
from sheets.table import Record
from sheets.tabs import OUTBOX, OUTBOX_QUEUED, SETTINGS
from sheets.transaction import Transaction

log = logging.getLogger(__name__)

#: The tabs a transaction that may queue a customer message reads: the Outbox, and Settings for the language.
MESSAGE_TABS = (OUTBOX, SETTINGS)

MESSAGES_DIR = Path(__file__).resolve().parents[1] / "templates" / "messages"


@lru_cache(maxsize=4)
def _environment(language: str = ENGLISH) -> Environment:
    # Plain-text email: no HTML escaping, but nothing undefined slips through. A language's
    # own templates (templates/messages/zh/...) come first; English fills any gap.
    folders = [MESSAGES_DIR / language] if language != ENGLISH and (MESSAGES_DIR / language).is_dir() else []
    return Environment(
        loader=FileSystemLoader([*folders, MESSAGES_DIR]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )


def customer_language(tx: Transaction) -> str:
    """The language customers are written to in, from Settings (English when the cell is unusable)."""
    setting = BY_KEY["customer_language"]
    record = tx.get(SETTINGS, setting.key)
    return read_setting(setting, record.value if record else None)[0]


def render(template: str, language: str = ENGLISH, **context: Any) -> tuple[str, str]:
    """(subject, body) of `templates/messages/[<language>/]<template>.txt` filled with `context`."""
    text = _environment(language).get_template(f"{template}.txt").render(**context)
    first, _newline, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ProcessError(
            _("The message template {template} must start with a 'Subject:' line.", template=template)
        )
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


def queue_message(
    tx: Transaction,
    *,
    to: str | None,
    template: str,
    ref: str,
    threading: Mapping[str, str] | None = None,
    **context: Any,
) -> Record | None:
    """Queue a message in the Outbox in the same transaction; None when there is no address to send to.

    The message is written in the customers' language from Settings (`customer_language`);
    a transaction that queues messages declares MESSAGE_TABS so that costs no extra read.
    `threading` sets the Outbox's email_message_id, in_reply_to and references (a ticket's reply).
    """
    if not to or "@" not in to:
        log.info("no email address for %s: the %s message was not queued", ref, template)
        return None
    subject, body = render(template, customer_language(tx), **context)
    return tx.insert(
        OUTBOX,
        {
            "created_at": tx.now,
            "to": to.strip(),
            "subject": subject,
            "body": body,
            "ref": ref,
            "status": OUTBOX_QUEUED,
            **(threading or {}),
        },
    )
