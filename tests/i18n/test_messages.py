"""Customer messages exist in Chinese for every English template, with the same values."""

from __future__ import annotations

import pytest
from jinja2 import meta

from processes.notify import MESSAGES_DIR, _environment, render

TEMPLATES = sorted(path.stem for path in MESSAGES_DIR.glob("*.txt"))


def values_used(language: str, template: str) -> set[str]:
    environment = _environment(language)
    source = environment.loader.get_source(environment, f"{template}.txt")[0]
    return meta.find_undeclared_variables(environment.parse(source))


def test_there_are_templates_at_all():
    assert "order_shipped" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_chinese_template_exists_and_uses_the_same_values(template):
    assert (MESSAGES_DIR / "zh" / f"{template}.txt").exists()
    assert values_used("zh", template) == values_used("en", template)


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_chinese_message_renders_with_a_subject(template):
    context = dict.fromkeys(values_used("en", template), "X") | {"items": [(2, "Kettle")], "kind": "return"}
    subject, body = render(template, "zh", **context)
    english_subject, _ = render(template, "en", **context)
    assert subject and body.strip()
    assert subject != english_subject
