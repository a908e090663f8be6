"""The real app in a real browser: `python app.py` on a free port, driven by headless Chromium.

One server and one browser serve every browser test. Before the server starts,
the test process fills its local workbook (demo data, plus one order taken to
delivered through the order rules, so a survey and a return have something
known to work on) and creates two logins with `python app.py user add`. While
the tests run, this process holds the jobs lock of the data folder, so the
app's scheduled checks wait and nothing changes under a test's feet.

A failing test leaves a screenshot and the page's HTML in tests/browser/artifacts/;
the failure report prints their paths.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sheets.backends.local import LocalBackend
from sheets.schema import Tab
from sheets.table import Record
from sheets.workbook import Workbook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "a browser-test password"
#: How long a page may take to show what a test waits for (a busy machine is slow, never this slow).
WAIT_SECONDS = 20
START_SECONDS = 60
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
    "--lang=en-US",  # the flows read English, whatever the machine's locale
)


def _program(name: str) -> str | None:
    """Debian's path first, then PATH."""
    debian = Path("/usr/bin") / name
    return str(debian) if debian.exists() else shutil.which(name)


CHROMIUM = _program("chromium")
CHROMEDRIVER = _program("chromedriver")
MISSING = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if path is None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test; without Chromium they are skipped, saying what to install."""
    here = Path(__file__).parent
    skip = pytest.mark.skip(
        reason=f"{' and '.join(MISSING)} not found: the browser tests need Debian's Chromium "
        "(sudo apt-get install chromium chromium-driver)"
    )
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if MISSING:
                item.add_marker(skip)


# The shop the browser works in ------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    """What the seeded workbook holds that the tests need to know."""

    url: str
    data_dir: Path
    staff: str
    manager: str
    product: str  # "name (sku)" as the product drop-down shows it
    location: str  # "name (location_id)" as the location drop-down shows it
    delivered_ref: str  # the reference a customer gives for the order delivered before the tests
    delivered_email: str
    survey_token: str  # the unanswered survey of that order
    alert_id: str  # an open alert for managers

    def records(self, tab: Tab) -> list[Record]:
        """A tab as the shared workbook holds it now (read by this process, like a person opening the sheet)."""
        workbook = Workbook(LocalBackend(self.data_dir), cache_seconds=0)
        try:
            return list(workbook.table(tab).records())
        finally:
            workbook.backend.close()

    def record(self, tab: Tab, key: str) -> Record:
        found = [record for record in self.records(tab) if record.id == key]
        assert found, f"{tab.name} has no record {key}"
        return found[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app_env(data_dir: Path) -> dict[str, str]:
    # Without pytest's variables: NiceGUI would take the app for its own test mode.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLOWSHEET_", "PYTEST_"))}
    env.update(
        FLOWSHEET_BACKEND="local",
        FLOWSHEET_DATA_DIR=str(data_dir),
        FLOWSHEET_STORAGE_SECRET="browser tests only",
        PYTHONUNBUFFERED="1",
    )
    return env


def _add_login(workdir: Path, env: dict[str, str], name: str, role: str) -> None:
    """`python app.py user add NAME --role ROLE`, the password on standard input, as a script would."""
    added = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "user", "add", name, "--role", role],
        cwd=workdir,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
    )
    if added.returncode != 0:
        pytest.fail(f"`python app.py user add {name}` failed:\n{added.stdout}{added.stderr}")


def _seed(data_dir: Path) -> dict[str, str]:
    """Demo data, one order entered and delivered through the rules, one jobs cycle; what the tests need."""
    from jobs.cycle import run_cycle
    from processes import master_data
    from processes.demo import seed_demo
    from sheets.tabs import ALERTS, STOCK, SURVEYS

    workbook = Workbook(LocalBackend(data_dir), cache_seconds=0)
    try:
        workbook.init()
        seed_demo(workbook)
        products = master_data.choices(workbook, master_data.PRODUCT)
        locations = master_data.choices(workbook, master_data.LOCATION)
        sku, location_id = next(
            (stock.sku, stock.location_id)
            for stock in workbook.table(STOCK).records()
            if (stock.on_hand or 0) - (stock.reserved or 0) >= 5 and stock.sku in products
        )
        delivered = _deliver_an_order(workbook, sku, location_id)
        run_cycle(workbook)  # the forecast and the plan, as the app's first cycle would make them
        survey = next(
            survey for survey in workbook.table(SURVEYS).records() if survey.ref == delivered.order_id
        )
        alert = next(alert for alert in workbook.table(ALERTS).records() if alert.status == "open")
        return {
            "product": products[sku],
            "location": locations[location_id],
            "delivered_ref": delivered.order_id,
            "delivered_email": delivered.customer_email,
            "survey_token": survey.token,
            "alert_id": alert.alert_id,
        }
    finally:
        workbook.backend.close()


def _deliver_an_order(workbook: Workbook, sku: str, location_id: str) -> Record:
    """An order of two `sku` entered and taken through every step to delivered (which sends its survey)."""
    from processes import orders
    from processes.permissions import Actor
    from sheets.tabs import ORDER_LINES

    clerk = Actor("seeder", "staff")
    order = orders.enter_order(
        workbook,
        customer_name="Robin Example",
        customer_email="robin@example.com",
        ship_address="3 Elm Row, Brookfield 40210",
        location_id=location_id,
        lines=[orders.read_line(sku, 2)],
        by=clerk,
    )
    lines = [
        line.line_id for line in workbook.table(ORDER_LINES).records() if line.order_id == order.order_id
    ]
    inputs = {"pack": {"picked": lines}, "ship": {"carrier": "DHL", "tracking_no": "JD0001"}}
    for step in ("confirm", "record_payment", "start_picking", "pack", "ship", "deliver"):
        order = orders.take_step(workbook, order.order_id, step, by=clerk, **inputs.get(step, {}))
    return order


def _wait_until_serving(server: subprocess.Popen, url: str, log: Path) -> None:
    """Poll the login page until it answers; fail with the server's output if it exits or takes too long."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling interval of the start-up wait, not a wait for the app
    pytest.fail(f"the app did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def shop(tmp_path_factory) -> Iterator[Shop]:
    """The app serving a seeded workbook, with a staff and a manager login; stopped at the end."""
    from jobs.runner import RunnerLock

    workdir = tmp_path_factory.mktemp("browser-app")  # also the app's working folder: .nicegui/ lands here
    data_dir = workdir / "data"
    env = _app_env(data_dir)
    facts = _seed(data_dir)
    _add_login(workdir, env, "sam", "staff")
    _add_login(workdir, env, "mona", "manager")
    jobs_lock = RunnerLock(data_dir)
    assert jobs_lock.acquire(), "the jobs lock of a fresh data folder is free"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "app.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, url, log)
        yield Shop(url=url, data_dir=data_dir, staff="sam", manager="mona", **facts)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        jobs_lock.release()


# The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def driver():
    """One headless Chromium for every browser test; the screenshots of an earlier run are cleared first."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield chrome
    chrome.quit()


@pytest.fixture
def browser(driver, shop: Shop):
    """The browser with a fresh session (no login) for each test."""
    from tests.browser.driving import Browser

    page = Browser(driver, shop.url, WAIT_SECONDS, app_log=shop.data_dir.parent / "app.log")
    page.open("/login")
    driver.delete_all_cookies()
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """On failure, keep a screenshot and the HTML of what the browser showed, and print where."""
    report = yield
    page = getattr(item, "funcargs", {}).get("browser")
    if report.failed and report.when == "call" and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name)
        screenshot, html = ARTIFACTS / f"{name}.png", ARTIFACTS / f"{name}.html"
        try:
            page.driver.save_screenshot(str(screenshot))
            html.write_text(page.driver.page_source, encoding="utf-8")
            where = f"screenshot: {screenshot}\npage HTML: {html}\naddress: {page.driver.current_url}"
            where += f"\napp log: {page.app_log}"
        except Exception as error:  # noqa: BLE001 - the browser itself may be what failed
            where = f"no screenshot: the browser did not answer ({error})"
        report.sections.append(("browser", where))
    return report
