"""The handbook is generated from the declarations: change a procedure and its flowchart and pages follow."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

import i18n
from processes.declarations import PROCEDURES
from processes.handbook import (
    flow_text,
    handbook_html,
    handbook_markdown,
    mermaid,
    reachable_states,
    write_handbook,
)
from processes.orders.procedure import ORDER
from processes.procedure import Entry, Procedure, Transition
from sheets.tabs import TRANSFERS

SHIPPING = Procedure(
    "Shipping",
    TRANSFERS,
    "status",
    transitions=(Transition("ship", ("requested",), "in_transit", "staff", "Ship"),),
    entries=(Entry("requested", "Staff ask"),),
)
EDGE = re.compile(r"^\s*(\w+) -\.?->(?:\|\"[^\"]*\"\|)? (\w+)$", re.MULTILINE)


def edges(chart: str) -> set[tuple[str, str]]:
    return set(EDGE.findall(chart))


def test_adding_a_transition_adds_its_edge_to_the_flowchart():
    receiving = Transition("receive", ("in_transit",), "received", "staff", "Receive")
    grown = replace(SHIPPING, transitions=(*SHIPPING.transitions, receiving))
    before, after = mermaid(SHIPPING), mermaid(grown)
    assert before != after
    assert edges(after) - edges(before) == {("s_in_transit", "s_received")}
    assert '|"Receive"|' in after and '|"Receive"|' not in before
    assert "in_transit\n  └─ Receive ──> received" in flow_text(grown)


def test_a_step_the_app_takes_is_dotted():
    automatic = Transition(
        "lose", ("in_transit",), "cancelled", "staff", "Lost", automatic="when the carrier says so"
    )
    chart = mermaid(replace(SHIPPING, transitions=(*SHIPPING.transitions, automatic)))
    assert 's_in_transit -.->|"Lost"| s_cancelled' in chart


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.slug)
def test_every_state_is_in_the_flowchart_and_reachable_from_where_records_start(procedure):
    chart = mermaid(procedure)
    for state in procedure.states:
        assert re.search(rf"^\s*s_{state}[\[(]", chart, re.MULTILINE), state
    assert reachable_states(procedure) == set(procedure.states)
    drawn = edges(chart)
    for transition in procedure.transitions:
        assert all((f"s_{source}", f"s_{transition.target}") in drawn for source in transition.sources)


def test_an_unreachable_state_is_found():
    assert reachable_states(SHIPPING) == {"requested", "in_transit"}


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.slug)
def test_the_page_has_every_step_its_roles_checklists_deadlines_and_alerts(procedure):
    text = handbook_markdown(procedure)
    for transition in procedure.transitions:
        assert transition.label in text and transition.role in text
        assert all(item in text for item in transition.checklist)
        for key in procedure.deadline_settings(transition):
            assert f"`{key}`" in text
    for alert in procedure.alerts:
        assert f"`{alert.kind}`" in text
    assert "| Step | Responsible | Accountable | Consulted | Informed |" in text


def test_deadlines_show_the_value_in_force_and_fall_back_to_the_default():
    assert "| 36 hours | `unpaid_timeout_hours` |" in handbook_markdown(ORDER, {"unpaid_timeout_hours": 36.0})
    assert "| 48 hours | `unpaid_timeout_hours` |" in handbook_markdown(ORDER)


def test_who_is_told_is_in_the_raci_table():
    text = handbook_markdown(ORDER)
    assert re.search(r"\| \d+\. Ship \(shipped\) \| staff \| manager \| — \| customer \|", text)


class Checked(HTMLParser):
    """Checks that every opened tag is closed in order (void elements aside) and collects the text."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_the_export_is_valid_self_contained_html_with_every_step():
    document = handbook_html(PROCEDURES)
    checked = Checked()
    checked.feed(document)
    checked.close()
    assert document.startswith("<!DOCTYPE html>") and checked.open == []
    assert {"html", "head", "body", "style", "table", "section"} <= checked.tags
    assert "script" not in checked.tags and "http" not in document.split("<body>")[0]
    text = "".join(checked.text)
    for procedure in PROCEDURES:
        for transition in procedure.transitions:
            assert transition.label in text
        assert flow_text(procedure).splitlines()[1] in text  # the flowchart, drawn as text
    assert "@media print" in document
    ids = re.findall(r'id="([^"]+)"', document)
    assert len(ids) == len(set(ids)), "every id once"
    assert set(re.findall(r'href="#([^"]+)"', document)) <= set(ids), "the contents link to the sections"


def test_the_export_writes_one_document_and_one_per_procedure(tmp_path):
    written = write_handbook(tmp_path / "handbook")
    assert [path.name for path in written] == ["handbook.html", *(f"{p.slug}.html" for p in PROCEDURES)]
    assert "Confirm the order" in (tmp_path / "handbook" / "order.html").read_text()


def test_the_handbook_in_chinese_is_written_in_chinese_from_the_same_declaration():
    with i18n.use_language("zh"):
        page = handbook_markdown(ORDER)
        document = handbook_html([ORDER])
    assert page.startswith("# 订单")
    assert "## 步骤" in page and "确认订单" in page and "☐ 收货地址完整" in page
    assert "Confirm the order" not in page
    assert '<html lang="zh">' in document and "确认订单" in document and "生成于" in document
    assert handbook_markdown(ORDER).startswith("# Order")  # English again outside the block
