"""`init --lang zh` makes a workbook with Chinese headers that the app reads and writes (both backends)."""

from __future__ import annotations

import pytest

from processes.settings import settings_in_force
from sheets.backends.local import LocalBackend
from sheets.tabs import ALL_TABS, ORDERS, PRODUCTS
from sheets.workbook import Workbook
from tests.conftest import google_workbook
from tests.people import LocalPerson


@pytest.fixture(params=["local", "google"])
def chinese(request, tmp_path):
    """A fresh workbook made with Chinese headers, and a person at its keyboard."""
    if request.param == "local":
        backend = LocalBackend(tmp_path / "zh")
        workbook, person = Workbook(backend), LocalPerson(backend)
    else:
        fake = request.getfixturevalue("fake_google")
        workbook = google_workbook(fake)
        person = fake.person(workbook.backend.spreadsheet.id)
    workbook.init(language="zh")
    yield workbook, person
    workbook.backend.close()


def test_every_tab_gets_its_headers_in_chinese(chinese):
    workbook, person = chinese
    for tab in ALL_TABS:
        assert person.values(tab.name)[0][: len(tab.columns)] == tab.headers("zh")
    assert person.values("Orders")[0][0] == "订单编号"


def test_the_app_reads_and_writes_a_chinese_workbook_without_data_issues(chinese):
    workbook, person = chinese
    with workbook.transaction(ORDERS, PRODUCTS, user="lin", action="add") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "水壶", "price": 30})
        order = tx.insert(ORDERS, {"customer_name": "王芳", "total": 30, "channel": "manual"})
    with workbook.transaction(ORDERS, user="lin", action="confirm") as tx:
        tx.update(tx.require(ORDERS, order.id), {"status": "confirmed"})
    workbook.invalidate()

    assert workbook.table(ORDERS).get(order.id).status == "confirmed"
    assert workbook.table(PRODUCTS).get("KIT-001").name == "水壶"
    assert workbook.check(assign_ids=False) == []
    assert all(setting.problem is None for setting in settings_in_force(workbook))


def test_a_person_may_rename_one_header_to_english_and_the_other_way(chinese):
    workbook, person = chinese
    with workbook.transaction(PRODUCTS, user="lin", action="add") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle", "price": 30})
    person.rename_header("Products", "名称", "name")
    person.rename_header("Products", "售价", "Price")
    workbook.invalidate()

    kettle = workbook.table(PRODUCTS).get("KIT-001")
    assert (kettle.name, kettle.price) == ("Kettle", 30)


def test_init_in_english_on_a_chinese_workbook_adds_nothing(chinese):
    workbook, person = chinese
    report = workbook.init()
    assert report.created_tabs == [] and report.added_columns == {}
