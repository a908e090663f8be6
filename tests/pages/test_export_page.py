"""The export page through NiceGUI's simulated user: the download holds what the workbook holds."""

from __future__ import annotations

from nicegui.testing import User

from processes import export
from processes.export_files import tidy
from sheets.tabs import ALL_TABS, ORDERS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually


def add_orders(workbook) -> None:
    with workbook.transaction(ORDERS, user="lin") as tx:
        tx.insert(ORDERS, {"customer_name": '=HYPERLINK("http://evil.example")', "total": 5})
        tx.insert(ORDERS, {"customer_name": "+1 555", "total": 12.5})


def choose(user: User, marker: str, value: str) -> None:
    [element] = user.find(marker=marker).elements
    element.value = value


def result(user: User) -> str:
    [label] = user.find(marker="result").elements
    return label.text


async def test_a_manager_downloads_the_whole_workbook_as_xlsx(manager: User, app_workbook):
    add_orders(app_workbook)
    await manager.open("/export")
    await manager.should_see("Download")
    manager.find(marker="download").click()
    response = await manager.download.next(timeout=10)
    back = export.read_export(response.content, "xlsx")
    assert list(back) == [tab.name for tab in ALL_TABS]
    for name in ("Orders", "Settings", "Audit"):
        assert back[name] == tidy(app_workbook.backend.raw_rows(name))
    header = back["Orders"][0]
    assert [row[header.index("customer_name")] for row in back["Orders"][1:]] == [
        '=HYPERLINK("http://evil.example")',
        "+1 555",
    ]
    await eventually(lambda: result(manager).startswith("Downloaded flowsheet-"))
    assert f"({len(ALL_TABS)} tabs, " in result(manager)


async def test_staff_download_one_tab_as_csv_and_are_offered_settings_but_not_the_audit(
    user: User, app_workbook, app_accounts
):
    add_orders(app_workbook)
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    await user.open("/export")
    await user.should_see(marker="not-offered")
    [select] = user.find(marker="tab").elements
    assert "Audit" not in select.options and "Settings" in select.options and "Orders" in select.options
    [why] = user.find(marker="not-offered").elements
    assert why.text == "Not offered: Only a manager or an admin may read Audit; you are logged in as staff."
    choose(user, "tab", "Orders")
    user.find("CSV (one tab)").click()
    user.find(marker="download").click()
    response = await user.download.next(timeout=10)
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith("ORD-")
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    back = export.read_export(response.content, "csv", tab="Orders")
    assert back == {"Orders": tidy(app_workbook.backend.raw_rows("Orders"))}
    await eventually(lambda: result(user).endswith("(Orders, 3 rows)."))


async def test_the_whole_workbook_as_csv_is_refused_with_what_to_do(manager: User, app_workbook):
    await manager.open("/export")
    await manager.should_see("Download")
    manager.find("CSV (one tab)").click()
    manager.find(marker="download").click()
    await manager.should_see("A CSV file holds one tab: choose a tab, or .xlsx for the whole workbook.")
    assert not manager.download.http_responses
