"""The command line of DESIGN.md: init, check, help, and clear set-up errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import app
from sheets.tabs import ALL_TABS, PRODUCTS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def local_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("init", "check", "--demo", "--port"):
        assert word in result.stdout


def test_init_creates_every_tab_then_finds_nothing_to_do(local_env, capsys):
    assert app.main(["init"]) == 0
    assert f"created tab {ALL_TABS[-1].name}" in capsys.readouterr().out
    assert app.main(["init"]) == 0
    assert "every tab and column is already there" in capsys.readouterr().out


def test_check_exits_1_when_there_are_data_issues_and_0_when_clean(local_env, capsys):
    app.main(["init"])
    assert app.main(["check"]) == 0
    assert "no data issues" in capsys.readouterr().out

    from sheets.backends.local import LocalBackend

    with LocalBackend(local_env).raw_edit() as grid:
        grid.insert_rows(PRODUCTS.name, 1, [["KIT-009", "Mug", "", "", "a lot"]])
    assert app.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "Products, row 2, column unit_cost: expected a number, found 'a lot'" in out
    assert "1 data issue(s)" in out


def test_check_on_google_works_the_same(google, capsys):
    google.person.append_row("Orders", ["", "phone", "", "Typed by hand"])
    assert app.run_check(google.workbook) == 0
    assert "gave 1 row(s) without an ID their ID" in capsys.readouterr().out
    google.person.append_row("Orders", ["ORD-BYHAND00001", "fax"])
    assert app.run_check(google.workbook) == 1
    assert "'fax' is not one of" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FLOWSHEET_BACKEND": "excel"}, "FLOWSHEET_BACKEND is 'excel': use 'local' or 'google'."),
        ({"FLOWSHEET_BACKEND": "google"}, "GOOGLE_APPLICATION_CREDENTIALS is not set"),
        (
            {"FLOWSHEET_BACKEND": "google", "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"},
            "does not exist: check GOOGLE_APPLICATION_CREDENTIALS",
        ),
        ({"FLOWSHEET_PORT": "eighty"}, "FLOWSHEET_PORT is 'eighty': it must be a whole number."),
    ],
)
def test_a_wrong_setting_is_one_sentence_not_a_traceback(tmp_path, env, says):
    clean = {"PATH": "/usr/bin:/bin", "FLOWSHEET_DATA_DIR": str(tmp_path / "data"), **env}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "check"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def run_app(tmp_path, *args, stdin: str = ""):
    env = {"PATH": "/usr/bin:/bin", "FLOWSHEET_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_user_commands_add_list_disable_enable_and_set_a_password(tmp_path):
    added = run_app(tmp_path, "user", "add", "lin", "--role", "admin", stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    assert "lin can log in now, as admin" in added.stdout

    assert run_app(tmp_path, "user", "disable", "lin").stdout.strip() == "lin disabled"
    listed = run_app(tmp_path, "user", "list").stdout
    assert "lin" in listed and "admin" in listed and "disabled" in listed
    assert run_app(tmp_path, "user", "enable", "lin").returncode == 0
    assert run_app(tmp_path, "user", "passwd", "lin", stdin="another long one\n").returncode == 0

    from processes.accounts import Accounts
    from processes.accounts.store import AccountStore

    accounts = Accounts(AccountStore(tmp_path / "data"))
    assert accounts.authenticate("lin", "another long one", "127.0.0.1").role == "admin"


def test_user_mistakes_are_one_sentence(tmp_path):
    run_app(tmp_path, "user", "add", "lin", "--role", "staff", stdin="a long password\n")
    again = run_app(tmp_path, "user", "add", "lin", "--role", "staff", stdin="a long password\n")
    assert again.returncode == 2
    assert again.stderr.strip() == "flowsheet: There is already a user called lin."
    short = run_app(tmp_path, "user", "add", "bo", "--role", "staff", stdin="short\n")
    assert "at least 8 characters" in short.stderr
    assert (
        run_app(tmp_path, "user", "add", "bo", "--role", "owner").returncode == 2
    )  # argparse refuses the role


def test_serving_a_fresh_install_says_how_to_create_the_first_admin(local_env, capsys):
    from config import Config

    config = Config.from_env()
    app.prepare_to_serve(app.open_configured(config), app.open_accounts(config), demo=False)
    assert "Create the first admin:  python app.py user add NAME --role admin" in capsys.readouterr().out


def test_demo_creates_a_login_per_role_and_prints_it_once(local_env, capsys):
    from config import Config

    config = Config.from_env()
    accounts = app.open_accounts(config)
    app.prepare_to_serve(app.open_configured(config), accounts, demo=True)
    out = capsys.readouterr().out
    for role in ("staff", "manager", "admin"):
        assert f"demo login: demo-{role}" in out
        assert accounts.actor(f"demo-{role}").role == role
    password = out.split("demo login: demo-staff")[1].split("password: ")[1].split()[0]
    assert accounts.authenticate("demo-staff", password, "127.0.0.1").name == "demo-staff"
    assert "No logins exist yet" not in out

    app.prepare_to_serve(app.open_configured(config), accounts, demo=True)
    assert "demo login demo-staff exists already" in capsys.readouterr().out


def test_demo_and_port_work_before_or_after_serve():
    for argv in (["--demo"], ["serve", "--demo"], ["--demo", "serve"], ["--port", "9001", "serve", "--demo"]):
        args = app.parse_args(argv)
        assert args.demo is True, argv
    assert app.parse_args(["--port", "9001", "serve"]).port == 9001
    assert app.parse_args(["serve", "--port", "9002"]).port == 9002
    assert app.parse_args([]).demo is False


def test_import_orders_from_the_command_line_twice_adds_nothing_the_second_time(tmp_path):
    sample = ROOT / "tests" / "data" / "shopify_orders.csv"
    assert run_app(tmp_path, "init").returncode == 0
    seed = (
        "from sheets.backends.local import LocalBackend\n"
        "from sheets.workbook import Workbook\n"
        "from sheets.tabs import PRODUCTS\n"
        "import csv, sys\n"
        "wb = Workbook(LocalBackend(sys.argv[1]))\n"
        "skus = {r['Lineitem sku'] for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig')) if r['Lineitem sku']}\n"
        "with wb.transaction(PRODUCTS, user='seed') as tx:\n"
        "    [tx.insert(PRODUCTS, {'sku': s, 'name': s, 'price': 1}) for s in skus]\n"
    )
    subprocess.run([sys.executable, "-c", seed, str(tmp_path / "data"), str(sample)], cwd=ROOT, check=True)
    first = run_app(tmp_path, "import", "orders", str(sample))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("4 orders imported")
    again = run_app(tmp_path, "import", "orders", str(sample))
    assert again.returncode == 0
    assert again.stdout.startswith("0 orders imported") and "4 already imported" in again.stdout
    missing = run_app(tmp_path, "import", "orders", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "cannot read" in missing.stdout


def test_jobs_once_runs_one_cycle_and_a_second_changes_nothing(tmp_path):
    seed = (
        "import sys\n"
        "from sheets.backends.local import LocalBackend\n"
        "from sheets.workbook import Workbook\n"
        "from processes.demo import seed_demo\n"
        "wb = Workbook(LocalBackend(sys.argv[1])); wb.init(); seed_demo(wb)\n"
    )
    subprocess.run([sys.executable, "-c", seed, str(tmp_path / "data")], cwd=ROOT, check=True)
    first = run_app(tmp_path, "jobs", "--once")
    assert first.returncode == 0, first.stdout + first.stderr

    from sheets.backends.local import LocalBackend
    from sheets.tabs import ALERTS, AUDIT
    from sheets.workbook import Workbook

    workbook = Workbook(LocalBackend(tmp_path / "data"))
    alerts = workbook.table(ALERTS)
    audit_rows = len(workbook.table(AUDIT))
    assert any(alert.status == "open" for alert in alerts.records())
    assert len({alert.key for alert in alerts.records() if alert.status == "open"}) == sum(
        1 for alert in alerts.records() if alert.status == "open"
    )

    second = run_app(tmp_path, "jobs", "--once")
    assert second.returncode == 0
    workbook.invalidate()
    assert len(workbook.table(AUDIT)) == audit_rows  # nothing written the second time


def test_the_job_intervals_come_from_the_settings_tab(local_env):
    from config import Config
    from processes import settings
    from processes.permissions import Actor

    workbook = app.open_configured(Config.from_env())
    workbook.init()
    assert app.job_intervals(workbook) == {
        "cycle_seconds": 300,
        "outbox_seconds": 60,
        "archive_seconds": 86_400,
    }
    settings.update_setting(workbook, "jobs_cycle_minutes", "15", by=Actor("mia", "manager"))
    assert app.job_intervals(workbook)["cycle_seconds"] == 900
