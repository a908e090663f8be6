"""The templates of printed documents (purchase orders, packing slips, pick lists, labels).

One Jinja environment over templates/: HTML escaped, a missing value an error rather
than a blank, and the document in the language of the person printing it.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import i18n
from i18n import _, ngettext

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["money"] = lambda value: "" if value is None else f"{value:,.2f}"
templates.globals["_"] = _
templates.globals["value"] = i18n.value
templates.globals["ngettext"] = ngettext
