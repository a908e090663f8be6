"""The Chinese catalog covers every text the code marks, and keeps every placeholder."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import i18n
from pages.frame import AREA_PAGES, AREAS
from processes.permissions import ROLES
from sheets.tabs import ALL_TABS

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("pages", "processes", "jobs", "sheets", "i18n")
#: Calls whose first argument is shown translated: the markers, and the helpers that translate
#: what they are given (page titles, facts, figure cards, filters).
TRANSLATED_FIRST_ARGUMENT = {"_", "N_", "frame", "public_frame", "fact", "_figure_card", "_filter"}


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def marked_texts() -> dict[str, str]:
    """English text -> where the code marks it for translation (or passes it as a page title)."""
    found: dict[str, str] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and called_name(node) in TRANSLATED_FIRST_ARGUMENT
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def placeholders(text: str) -> set[tuple[str, str, str]]:
    """Each {name!conversion:spec} of a text: a translation must keep all three."""
    return {
        (name, spec or "", conversion or "")
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name
    }


def test_the_code_marks_texts_at_all():
    assert len(marked_texts()) >= 5  # the scan would pass vacuously if it found nothing


def test_every_marked_text_has_a_chinese_translation():
    chinese = i18n.catalog("zh")
    missing = [f"{where}: {text!r}" for text, where in marked_texts().items() if (None, text) not in chinese]
    assert missing == [], "add these to i18n/zh.po:\n" + "\n".join(missing)


def test_every_translation_keeps_the_placeholders_of_its_english():
    wrong = [
        english
        for (_, english), chinese in i18n.catalog("zh").items()
        if placeholders(english) != placeholders(chinese)
    ]
    assert wrong == []


@pytest.mark.parametrize("tab", ALL_TABS, ids=lambda tab: tab.name)
def test_every_column_has_a_chinese_header_unique_in_its_tab(tab):
    headers = tab.headers("zh")
    untranslated = [name for name, header in zip(tab.column_names, headers, strict=True) if header == name]
    assert set(untranslated) <= {"sku"}  # SKU is what Chinese shops call it too
    assert len(set(headers)) == len(headers)


def test_every_navigation_label_and_role_has_a_chinese_translation():
    chinese = i18n.catalog("zh")
    labels = {
        *AREA_PAGES,
        *(label for pages in AREA_PAGES.values() for label, _ in pages),
        *AREAS,
        *(name for names in AREAS.values() for name in names),
        *ROLES,
    }
    assert sorted(label for label in labels if (None, label) not in chinese) == []


def test_a_text_without_translation_is_shown_in_english_with_its_values():
    with i18n.use_language("zh"):
        assert i18n._("Nobody translated this {thing}", thing="yet") == "Nobody translated this yet"
        assert i18n._("Dashboard") == "仪表盘"
    assert i18n._("Dashboard") == "Dashboard"


def functions_that_hide_the_translator() -> list[str]:
    """Functions that bind `_` (a throwaway variable) and also call `_()`: the call would fail."""
    found = []
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    continue
                binds = any(
                    isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
                    for node in ast.walk(function)
                ) or any(arg.arg == "_" for arg in function.args.args)
                calls = any(
                    isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    for node in ast.walk(function)
                )
                if binds and calls:
                    found.append(f"{path.relative_to(ROOT)}:{function.lineno}")
    return found


def test_no_function_hides_the_translator_behind_a_throwaway_variable():
    assert functions_that_hide_the_translator() == []


def declared_texts() -> set[str]:
    """Every sentence the procedure declarations, permissions and settings show people."""
    from processes.declarations import ALERT_GROUPS, PROCEDURES
    from processes.permissions import Permission
    from sheets.settings import DECLARED

    texts = {permission.value for permission in Permission}
    texts |= {text for setting in DECLARED for text in (setting.description, setting.unit)}
    for group in ALERT_GROUPS:
        texts |= {
            group.name,
            group.purpose,
            *(a.meaning for a in group.alerts),
            *(a.severity for a in group.alerts),
        }
    for procedure in PROCEDURES:
        texts |= {procedure.name, procedure.purpose, *(entry.how for entry in procedure.entries)}
        texts |= {alert.meaning for alert in procedure.alerts} | {
            alert.severity for alert in procedure.alerts
        }
        for step in procedure.transitions:
            texts |= {step.label, step.automatic, *step.checklist, *step.consulted, *step.informed}
    return {text for text in texts if text}


def test_every_declared_step_alert_permission_and_setting_has_a_chinese_translation():
    chinese = i18n.catalog("zh")
    assert sorted(text for text in declared_texts() if (None, text) not in chinese) == []


def test_every_column_description_has_a_chinese_translation():
    """A form shows what a column holds as its field's tooltip, in the reader's language."""
    chinese = i18n.catalog("zh")
    described = {column.description for tab in ALL_TABS for column in tab.columns if column.description}
    assert described
    assert sorted(text for text in described if (None, text) not in chinese) == []


@pytest.mark.parametrize("tab", [tab for tab in ALL_TABS if tab.choice_columns()], ids=lambda tab: tab.name)
def test_every_choice_value_has_a_chinese_label(tab):
    chinese = i18n.catalog("zh")
    values = {value for column in tab.choice_columns() for value in column.choices}
    assert sorted(value for value in values if (i18n.VALUE_CONTEXT, value) not in chinese) == []


def test_a_choice_value_is_shown_translated_but_stored_as_it_is():
    from processes.browse import display
    from sheets.tabs import ORDERS

    with i18n.use_language("zh"):
        assert display(ORDERS, "status", "awaiting_payment") == "awaiting_payment"  # unknown: as typed
        assert display(ORDERS, "status", "shipped") == "已发货"
    assert display(ORDERS, "status", "shipped") == "shipped"


def counted_texts() -> dict[tuple[str, str], str]:
    """(singular, plural) -> where the code counts with ngettext()."""
    found: dict[tuple[str, str], str] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and called_name(node) == "ngettext"
                    and len(node.args) >= 2
                    and all(
                        isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args[:2]
                    )
                ):
                    key = (node.args[0].value, node.args[1].value)
                    found.setdefault(key, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_counted_sentence_has_a_chinese_plural_entry_with_its_placeholders():
    assert len(counted_texts()) >= 5
    chinese, sources = i18n.plural_catalog("zh"), i18n.plural_sources("zh")
    missing = [
        f"{where}: {singular!r}"
        for (singular, plural), where in counted_texts().items()
        if (None, singular) not in chinese or sources[(None, singular)] != plural
    ]
    assert missing == [], "add these plural entries to i18n/zh.po:\n" + "\n".join(missing)
    for (_, singular), forms in chinese.items():
        assert all(placeholders(form) == placeholders(singular) for form in forms), singular


def test_a_counted_sentence_takes_the_form_of_its_number():
    assert i18n.ngettext("{count} apple in {box}", "{count} apples in {box}", 1, box="A") == "1 apple in A"
    assert i18n.ngettext("{count} apple in {box}", "{count} apples in {box}", 0, box="A") == "0 apples in A"
    with i18n.use_language("zh"):  # Chinese has one form for every number
        assert i18n.ngettext("{count} data issue", "{count} data issues", 1) == "1 个数据问题"
        assert i18n.ngettext("{count} data issue", "{count} data issues", 7) == "7 个数据问题"


def test_no_marked_sentence_counts_with_a_bracketed_plural():
    bracketed = [f"{where}: {text!r}" for text, where in marked_texts().items() if "(s)" in text]
    assert bracketed == [], "count these with ngettext():\n" + "\n".join(bracketed)
