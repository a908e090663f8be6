"""The local workbook survives a killed process and two writers at once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from sheets.backends.local import FILE_NAME, LocalBackend
from sheets.tabs import ORDERS, STOCK
from sheets.workbook import Workbook

ROOT = Path(__file__).resolve().parents[2]


def start_writer(data_dir: Path, mode: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.local.writer", str(data_dir), mode, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_writer_killed_mid_write_loses_no_committed_change_and_leaves_no_corrupt_file(tmp_path):
    data_dir = tmp_path / "data"
    Workbook(LocalBackend(data_dir)).init()
    committed: list[str] = []
    for kill_after in (5, 40, 120):
        writer = start_writer(data_dir, "orders", 100_000)
        committed += [writer.stdout.readline().strip() for _ in range(kill_after)]
        writer.send_signal(signal.SIGKILL)  # while it is in the middle of its next transaction
        writer.wait()

    with sqlite3.connect(data_dir / FILE_NAME) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    orders = Workbook(LocalBackend(data_dir)).table(ORDERS)
    assert set(committed) <= set(orders.keys())
    assert orders.issues == []


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    data_dir = tmp_path / "data"
    workbook = Workbook(LocalBackend(data_dir))
    workbook.init()
    with workbook.transaction(STOCK, user="setup") as tx:
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 0})

    writers = [start_writer(data_dir, "increment", 150) for _ in range(2)]
    with workbook.transaction(ORDERS, user="web") as tx:  # the web server writes meanwhile too
        tx.insert(ORDERS, {"customer_name": "Walk-in"})
    assert [writer.communicate(timeout=120)[0].strip() for writer in writers] == ["done", "done"]

    assert workbook.table(STOCK).get(("KIT-001", "LOC-A")).on_hand == 300
    assert len(workbook.table(ORDERS)) == 1
