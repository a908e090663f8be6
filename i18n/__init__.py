"""The languages of the interface: English (the source) and Simplified Chinese.

Text shown to people is written in English in the code and marked with `_()`:

    ui.label(_("{count} open alert(s)", count=3))

`_()` looks the English text up in the catalog of the language in force
(`i18n/zh.po`, standard gettext PO, editable with any PO editor) and then fills
in the named values, so a translation may move them around. Text without a
translation is shown in English, never as an error.

A sentence about a number of things has a form per plural category of the
language (English two, Chinese one); `ngettext()` picks it, never "(s)":

    ui.label(ngettext("{count} open alert", "{count} open alerts", 3))

The catalog holds such a sentence as a plural entry (msgid, msgid_plural,
msgstr[0] …), and `{count}` is filled in with the number.

Which language is in force: the one set with `use_language()` in this context
(the command line, a job, a test, a worker thread started through
`in_current_language`), else the one a resolver registered by the web layer
finds (the logged-in user's choice, or the browser's), else English. This
module imports nothing of Flowsheet: every layer may use it.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from babel.messages.pofile import read_po

ENGLISH = "en"
LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
#: The Babel locale each language formats dates and numbers with.
LOCALES: dict[str, str] = {"en": "en_GB", "zh": "zh_CN"}
#: The message context of column headers in the catalog (`init --lang zh` writes them).
HEADER_CONTEXT = "column header"
#: The message context of the values of choice columns (states, kinds, priorities) as shown.
VALUE_CONTEXT = "value"

_CATALOG_DIR = Path(__file__).parent
_chosen: ContextVar[str | None] = ContextVar("flowsheet_language", default=None)
_resolver: Callable[[], str | None] | None = None

P = ParamSpec("P")
R = TypeVar("R")


def _primary(code: str | None) -> str:
    return re.split(r"[-_]", (code or "").strip().lower(), maxsplit=1)[0]


def normalize(code: str | None) -> str:
    """A supported language code for `code` ('zh-CN', 'zh_Hans', 'ZH' -> 'zh'), else English."""
    primary = _primary(code)
    return primary if primary in LANGUAGES else ENGLISH


def from_accept_language(header: str | None) -> str:
    """The first supported language in a browser's Accept-Language header ('zh-CN,zh;q=0.9,en;q=0.8')."""
    for part in (header or "").split(","):
        primary = _primary(part.split(";")[0])
        if primary in LANGUAGES:
            return primary
    return ENGLISH


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Register how to find the language when no `use_language` is in force (the web layer's)."""
    global _resolver
    _resolver = resolver


def current() -> str:
    """The language in force here."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    if _resolver is not None:
        try:
            found = _resolver()
        except Exception:  # a resolver outside its context (a thread, a test) means "not known here"
            found = None
        if found:
            return normalize(found)
    return ENGLISH


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Run a block in one language: `with use_language('zh'): ...`."""
    language = normalize(code)
    token = _chosen.set(language)
    try:
        yield language
    finally:
        _chosen.reset(token)


def in_current_language(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, to be run elsewhere (a worker thread) in the language in force now."""
    language = current()

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with use_language(language):
            return function(*args, **kwargs)

    return run


def _(message: str, /, **values: Any) -> str:
    """`message` in the language in force, with `{name}` placeholders filled from `values`."""
    return translate(message, current(), **values)


def N_(message: str, /) -> str:
    """Mark a constant for translation where it is defined; translate it with `_()` where it is shown."""
    return message


def translate(message: str, language: str, /, context: str | None = None, **values: Any) -> str:
    text = catalog(language).get((context, message)) or message
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: int, /, **values: Any) -> str:
    """The form of a counted sentence for `count` in the language in force, `{count}` and `values` filled in."""
    return translate_plural(singular, plural, count, current(), **values)


def translate_plural(
    singular: str, plural: str, count: int, language: str, /, context: str | None = None, **values: Any
) -> str:
    forms = plural_catalog(language).get((context, singular))
    if forms:
        # A fraction (1.5 hours) takes the form of a plural number; the rules are written for whole ones.
        whole = int(count) if float(count).is_integer() else 2
        text = forms[min(_plural_rule(language)(whole), len(forms) - 1)]
    else:
        text = singular if count == 1 else plural
    return text.format(count=count, **values)


def value(text: str) -> str:
    """A choice column's value (a state like `awaiting_approval`) as the reader's language shows it.

    Only the display changes: the sheet keeps the English value the code compares against.
    """
    return catalog(current()).get((VALUE_CONTEXT, text)) or text


def header(column_name: str, language: str) -> str:
    """The header `init` writes for a column in `language` (the column's name in English)."""
    return catalog(language).get((HEADER_CONTEXT, column_name)) or column_name


def headers_of(column_name: str) -> tuple[str, ...]:
    """Every translated header of a column, so a sheet made in any language is read."""
    return tuple(
        dict.fromkeys(
            text for language in LANGUAGES if (text := catalog(language).get((HEADER_CONTEXT, column_name)))
        )
    )


@functools.cache
def catalog(language: str) -> dict[tuple[str | None, str], str]:
    """(context, English) -> translation for `language`; empty for English. Plural entries are apart."""
    return {
        (message.context, message.id): message.string
        for message in _messages(language)
        if message.id and message.string and not message.pluralizable
    }


@functools.cache
def plural_catalog(language: str) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, English singular) -> the forms of a counted sentence for `language`, one per plural category."""
    return {
        (message.context, message.id[0]): tuple(message.string)
        for message in _messages(language)
        if message.pluralizable and all(message.string)
    }


def plural_sources(language: str) -> dict[tuple[str | None, str], str]:
    """(context, English singular) -> English plural, for the catalog's plural entries (the tests check them)."""
    return {
        (message.context, message.id[0]): message.id[1]
        for message in _messages(language)
        if message.pluralizable
    }


@functools.cache
def _plural_rule(language: str) -> Callable[[int], int]:
    """Which form of a counted sentence a number takes: the catalog's Plural-Forms rule (English: 1 or not)."""
    po = _read(language)
    expression = po.plural_expr if po is not None else "(n != 1)"
    return gettext.c2py(expression)


def _messages(language: str) -> list[Any]:
    po = _read(language)
    return list(po) if po is not None else []


@functools.cache
def _read(language: str) -> Any:
    """The parsed catalog of `language`, or None (English, or no catalog)."""
    path = _CATALOG_DIR / f"{language}.po"
    if language == ENGLISH or not path.exists():
        return None
    with path.open("rb") as file:
        return read_po(file, locale=LOCALES[language])
