"""`python app.py archive [--before DATE]` and the runner's scheduled archive, on the local workbook."""

from __future__ import annotations

import pytest

import app
from config import Config
from jobs.archive import ARCHIVE_LOCK, _lock, archive_job
from jobs.runner import JobRunner
from processes import stock
from processes.archive import local_archives
from sheets.tabs import ORDERS
from tests.archive.shop import NOW, at, seed_shop


@pytest.fixture
def shop_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    workbook = app.open_configured(Config.from_env())
    workbook.init()
    seed_shop(workbook)
    yield workbook
    workbook.backend.close()


def test_the_command_archives_what_closed_before_the_date_then_finds_nothing_more(shop_env, capsys):
    data = shop_env.backend.path.parent
    assert app.main(["archive", "--before", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "moved 5 Orders, 10 Order Lines" in out and "into the archive of 2025" in out
    assert (data / "archive-2025.sqlite3").is_file()
    assert len(local_archives(data).workbook(2025).table(ORDERS)) == 5
    assert stock.ledger_issues(shop_env) == []
    assert app.main(["archive", "--before", "2026-01-01"]) == 0
    assert "nothing closed before 2026-01-01 to archive" in capsys.readouterr().out


def test_a_date_that_cannot_be_read_is_refused_with_the_shape_to_use(shop_env, capsys):
    assert app.main(["archive", "--before", "1 Jan"]) == 2
    assert "write a date as 2026-01-01" in capsys.readouterr().err


def test_a_second_archive_run_at_the_same_time_does_nothing(shop_env, capsys):
    data = shop_env.backend.path.parent
    held = _lock(data)
    assert held.acquire()
    try:
        assert app.main(["archive", "--before", "2026-01-01"]) == 0
        assert f"another archive run holds {data / ARCHIVE_LOCK}" in capsys.readouterr().out
    finally:
        held.release()
    assert len(shop_env.table(ORDERS)) == 8  # nothing moved


def test_the_runner_archives_on_its_schedule_by_the_archive_age(shop_env):
    data = shop_env.backend.path.parent
    at(shop_env, NOW)  # 90 days (the default age) after NOW-90 days: the old orders are due
    runner = JobRunner(
        shop_env,
        lambda workbook, state: "cycle",
        data_dir=data,
        archive=archive_job(local_archives(data), data),
    )
    try:
        assert [job for job in runner.scheduler.jobs if "archive" in job.tags]
        assert runner.run_archive() is True
    finally:
        runner.release()
    assert {record.customer_name for record in shop_env.table(ORDERS).records()} == {
        "Old 1",  # an open return keeps it
        "Still on its way",
        "Recent",
    }
    assert stock.ledger_issues(shop_env) == []
