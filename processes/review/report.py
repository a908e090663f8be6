"""The review as a Markdown report (templates/review/report.md) and as an HTML page made from it.

Text people typed (suggestions, supplier names) goes into table cells with
its pipes and line breaks neutralised, and the HTML is made with raw HTML in
the Markdown escaped: a suggestion cannot add markup to the report.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown2
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

import i18n
from i18n import _, ngettext

from .figures import Figure
from .metrics import Review

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

_markdown = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=False,  # Markdown, not HTML: the HTML page escapes it when it is made
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_html = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)


MARKDOWN_SIGNS = re.compile(r"([\\`*_\[\]|#])")


def cell(text: object) -> str:
    """Text people typed, safe in one Markdown table cell: one line, every Markdown sign escaped."""
    return MARKDOWN_SIGNS.sub(r"\\\1", " ".join(str(text).split()))


def stage(name: str) -> str:
    """A stage's states as code, so `in_progress → waiting_on_customer` keeps its underscores."""
    return " → ".join(f"`{state}`" for state in name.split(" → "))


def row(figure: Figure) -> str:
    """The cells of one figure: this period, previous, change, what it was measured on."""
    return " | ".join((figure.shown, figure.shown_previous, figure.shown_change, cell(figure.basis or "")))


_markdown.filters["cell"] = cell
_markdown.filters["stage"] = stage
_markdown.filters["hours"] = lambda hours: ngettext("{count:g} hour", "{count:g} hours", hours)
_markdown.filters["translated"] = lambda text: _(text)
_markdown.filters["day"] = lambda moment: moment.strftime("%Y-%m-%d")
_markdown.filters["percent"] = lambda share: "—" if share is None else f"{share * 100:.0f}%"
_markdown.globals["row"] = row


def render_markdown(review: Review) -> str:
    """The review as Markdown."""
    language = i18n.current()
    return _markdown.select_template([f"review/{language}/report.md", "review/report.md"]).render(
        review=review
    )


def render_html(review: Review) -> str:
    """The review as one HTML page (the Markdown report, formatted)."""
    body = markdown2.markdown(render_markdown(review), extras=["tables"], safe_mode="escape")
    return _html.get_template("review/report.html").render(
        title=_("Process review: {period}", period=review.period), body=Markup(body), language=i18n.current()
    )
