"""The handbook pages: the index, a page per procedure with its steps and flowchart, and the download."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from nicegui import ui
from nicegui.testing import User

from processes.declarations import PROCEDURES
from processes.handbook import mermaid
from sheets.tabs import SETTINGS


def shown_markdown(user: User) -> str:
    return "\n".join(element.content for element in user.find(ui.markdown).elements)


async def test_the_index_lists_every_procedure_with_a_link_to_its_page(manager: User):
    await manager.open("/handbook")
    await manager.should_see(marker="handbook-index")
    text = shown_markdown(manager)
    for procedure in PROCEDURES:
        assert f"/handbook/{procedure.slug}" in text and procedure.name in text
    assert "stock.low" in text and "data.ledger" in text  # the alerts that watch no single procedure


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.slug)
async def test_each_procedure_page_shows_its_steps_and_its_flowchart(procedure, manager: User):
    await manager.open(f"/handbook/{procedure.slug}")
    await manager.should_see(marker="flowchart")
    text = shown_markdown(manager)
    for transition in procedure.transitions:
        assert transition.label in text
        assert all(item in text for item in transition.checklist)
    [chart] = manager.find(ui.mermaid).elements
    assert chart.content == mermaid(procedure)


async def test_the_deadlines_shown_are_the_settings_in_force(app_workbook, manager: User):
    with app_workbook.transaction(SETTINGS, user="seed") as tx:
        tx.update(tx.get(SETTINGS, "unpaid_timeout_hours"), {"value": "36"})
    await manager.open("/handbook/order")
    await manager.should_see(marker="handbook-body")
    assert re.search(r"36 hours \| `unpaid_timeout_hours`", shown_markdown(manager))


async def test_an_unknown_procedure_says_where_to_look(manager: User):
    await manager.open("/handbook/teleportation")
    await manager.should_see("There is no procedure called 'teleportation'")


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.svg = False

    def handle_starttag(self, tag, attrs) -> None:
        self.svg |= tag == "svg"

    def handle_data(self, data) -> None:
        self.text.append(data)


async def test_the_download_embeds_the_flowchart_the_browser_drew(manager: User):
    manager.javascript_rules[re.compile(r".*querySelector\(\"svg\"\)")] = lambda _: (
        "<svg><text>drawn</text></svg>"
    )
    await manager.open("/handbook/purchase-order")
    await manager.should_see(marker="download")
    manager.find(marker="download").click()
    response = await manager.download.next(timeout=5)
    parsed = _Parsed()
    parsed.feed(response.text)
    assert parsed.svg and "drawn" in parsed.text
    assert "Approve the order" in "".join(parsed.text)


async def test_without_a_drawing_the_download_draws_the_flowchart_as_text(manager: User):
    manager.javascript_rules[re.compile(r".*querySelector\(\"svg\"\)")] = lambda _: None
    await manager.open("/handbook/transfer")
    await manager.should_see(marker="download")
    manager.find(marker="download").click()
    response = await manager.download.next(timeout=5)
    assert (
        "in_transit  (end)" not in response.text and "requested\n  ├─ Ship ──&gt; in_transit" in response.text
    )


async def test_the_whole_handbook_downloads_from_the_index(manager: User):
    await manager.open("/handbook")
    await manager.should_see(marker="download-all")
    manager.find(marker="download-all").click()
    response = await manager.download.next(timeout=5)
    for procedure in PROCEDURES:
        assert f'id="{procedure.slug}"' in response.text
