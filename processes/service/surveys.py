"""Satisfaction surveys: created after a resolved ticket (or a delivery), answered once through an unguessable link.

    create_survey(tx, ref=ticket_id, to=email, template="survey_request_ticket", site_url=..., subject=...)
    survey = public_survey(workbook, token)          # None for a token nobody was sent
    answer_survey(workbook, token, score=4, comment="Quick and kind.")

The link is `/public/survey/<token>`; the token is all the customer has, so
an unknown token and a malformed one get the same words as a survey that
does not exist. The comment is untrusted text: trimmed, length-limited and
stored as text.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from i18n import N_, _
from processes.errors import ProcessError
from processes.notify import queue_message
from sheets.table import Record
from sheets.tabs import SURVEYS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from . import inputs

#: Where a survey is answered; the public pages' prefix, which the login gate lets through.
SURVEY_PATH = "/public/survey/"
SCORES = (1, 2, 3, 4, 5)
COMMENT_LIMIT = 1000
#: Who answers a survey, as the Audit tab shows it.
CUSTOMER = "customer (survey link)"
NO_SUCH_SURVEY = N_("This survey link is not valid. Please check the link in your email.")
ALREADY_ANSWERED = N_("This survey has already been answered. Thank you for your feedback!")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

PROCEDURES: dict[str, str] = {"ORD-": "delivery", "TCK-": "ticket"}


def survey_link(token: str, site_url: str = "") -> str:
    """The survey's address: `site_url` (where customers reach the app) plus /public/survey/<token>."""
    return f"{site_url.rstrip('/')}{SURVEY_PATH}{token}"


def procedure_of(ref: str | None) -> str:
    """Which procedure a survey follows, from its ref's prefix: delivery (ORD-), ticket (TCK-) or other."""
    for prefix, name in PROCEDURES.items():
        if (ref or "").upper().startswith(prefix):
            return name
    return "other"


def create_survey(
    tx: Transaction, *, ref: str, to: str | None, template: str, site_url: str = "", **context: Any
) -> Record:
    """A survey of `ref` with a fresh token, and its link queued to `to` with `template`, in the transaction.

    The template gets `link` (`site_url` plus the survey's path) besides `context`.
    """
    token = secrets.token_urlsafe(24)
    survey = tx.insert(SURVEYS, {"ref": ref, "token": token, "sent_at": tx.now})
    queue_message(tx, to=to, template=template, ref=ref, link=survey_link(token, site_url), **context)
    return survey


@dataclass(frozen=True)
class PublicSurvey:
    """What the public page may know of a survey: what it is about in general words, and whether it is answered."""

    procedure: str  # delivery, ticket or other
    answered: bool


def public_survey(workbook: Workbook, token: str) -> PublicSurvey | None:
    """The survey sent with `token`, or None (unknown or malformed token: the page says only NO_SUCH_SURVEY)."""
    survey = _by_token(workbook.table(SURVEYS).records(), token)
    if survey is None:
        return None
    return PublicSurvey(procedure_of(survey.ref), survey.answered_at is not None)


def answer_survey(workbook: Workbook, token: str, score: Any, comment: Any = "") -> Record:
    """Record the customer's 1-5 score and comment; refused for an unknown token and for a second answer."""
    typed_score = _score(score)
    text = inputs.text(comment, N_("The comment"), limit=COMMENT_LIMIT)
    with workbook.transaction(SURVEYS, user=CUSTOMER, action="answer survey") as tx:
        survey = _by_token(tx.table(SURVEYS).records(), token)
        if survey is None:
            raise ProcessError(_(NO_SUCH_SURVEY))
        current = tx.require(SURVEYS, survey.survey_id)
        if current.answered_at is not None or current.score is not None:
            raise ProcessError(_(ALREADY_ANSWERED))
        return tx.update(current, {"answered_at": tx.now, "score": typed_score, "comment": text or None})


def _score(raw: Any) -> int:
    try:
        value = None if isinstance(raw, bool) else float(raw)
    except (TypeError, ValueError):
        value = None
    if value not in SCORES:
        raise ProcessError(_("Please choose a score from 1 (poor) to 5 (excellent)."))
    return int(value)


def _by_token(records, token: Any) -> Record | None:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    for survey in records:
        if survey.token and secrets.compare_digest(str(survey.token), token):
            return survey
    return None
