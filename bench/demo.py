"""Figures for the demo's first start: `python -m bench.demo`.

Prints how long seeding the demo takes on the local workbook and how many
records it writes, how long the first jobs cycle takes on it (the forecast of
every product and location from the whole history, then every check), and the
seconds `python app.py --demo` needs, as a separate process on an empty data
folder, until its login page answers. Target: the whole first start well under
a minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.cycle import run_cycle  # noqa: E402
from processes.demo import seed_demo  # noqa: E402
from sheets.backends.local import LocalBackend  # noqa: E402
from sheets.tabs import FORECAST, ORDERS  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402

START_TIMEOUT = 300


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workbook = Workbook(LocalBackend(Path(folder)))
        workbook.init()
        started = time.perf_counter()
        created = seed_demo(workbook)
        seeded = time.perf_counter() - started
        print(
            f"seed: {sum(created.values()):,} records in {len(created)} tabs "
            f"({created[ORDERS.name]:,} orders) in {seeded:.1f} s"
        )
        started = time.perf_counter()
        report = run_cycle(workbook)
        cycle = time.perf_counter() - started
        print(
            f"first jobs cycle: {cycle:.1f} s, {len(workbook.table(FORECAST)):,} Forecast rows, "
            f"{report.forecast_computed and 'forecast computed' or 'no forecast'}"
        )
    print(f"python app.py --demo, until the login page answers: {_app_start():.1f} s")


def _app_start() -> float:
    """Seconds from starting the app with --demo on an empty data folder to its login page answering."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "FLOWSHEET_BACKEND": "local",
            "FLOWSHEET_DATA_DIR": folder,
            "FLOWSHEET_PORT": str(port),
            "FLOWSHEET_HOST": "127.0.0.1",
        }
        started = time.perf_counter()
        app = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--demo"],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/login", app)
            return time.perf_counter() - started
        finally:
            app.terminate()
            app.wait(timeout=30)


def _wait_for(url: str, app: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SystemExit(f"the app stopped with exit code {app.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # not listening yet: poll again
    raise SystemExit(f"the app did not answer within {START_TIMEOUT} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
