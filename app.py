"""Flowsheet's entry point: command line, configuration, wiring, ui.run.

python app.py              serve the web app (embedded local workbook by default)
python app.py --demo       the same, seeding demo data into an empty workbook
python app.py init         create or upgrade every tab with its headers
python app.py check        report data issues; exit 1 if there are any
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from config import Config
from processes.demo import is_empty, seed_demo
from sheets.errors import SheetError
from sheets.factory import open_workbook
from sheets.tabs import ALL_TABS
from sheets.workbook import Workbook

log = logging.getLogger("flowsheet")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="Flowsheet: the company's procedures on a shared spreadsheet.",
        epilog="Configuration comes from the environment or a .env file; see README.",
    )
    parser.add_argument(
        "--demo", action="store_true", help="seed demo data into an empty workbook, then serve"
    )
    parser.add_argument("--port", type=int, help="port to serve on (default FLOWSHEET_PORT or 8080)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the web app (the default)")
    serve.add_argument("--demo", action="store_true", help="seed demo data into an empty workbook")
    serve.add_argument("--port", type=int, help="port to serve on")
    commands.add_parser("init", help="create or upgrade every tab with its headers")
    commands.add_parser("check", help="report data issues; exit 1 if there are any")
    return parser.parse_args(argv)


def open_configured(config: Config) -> Workbook:
    return open_workbook(
        config.backend,
        data_dir=config.data_dir,
        spreadsheet_id=config.spreadsheet_id,
        credentials_file=config.credentials_file,
        cache_seconds=config.cache_seconds,
    )


def run_init(workbook: Workbook) -> int:
    report = workbook.init()
    for line in report.lines() or ["every tab and column is already there"]:
        print(line)
    return 0


def run_check(workbook: Workbook) -> int:
    assigned = workbook.assign_missing_ids()
    if assigned:
        print(f"gave {assigned} row(s) without an ID their ID")
    issues = workbook.check(assign_ids=False)
    for issue in issues:
        print(issue)
    print(f"{len(issues)} data issue(s)" if issues else "no data issues")
    return 1 if issues else 0


def prepare_to_serve(workbook: Workbook, demo: bool) -> None:
    """Make the workbook ready before the web server starts (nothing of this runs on its event loop)."""
    missing = [tab.name for tab in ALL_TABS if tab.name not in workbook.backend.tab_names()]
    if missing and workbook.kind == "local":
        workbook.init()
    elif missing:
        print(
            f"The spreadsheet lacks {len(missing)} tab(s) ({', '.join(missing[:3])}…): run `python app.py init`."
        )
    if demo:
        if is_empty(workbook):
            created = seed_demo(workbook)
            print(f"demo data: {sum(created.values())} records in {len(created)} tabs")
        else:
            print("the workbook already holds data; demo data was not added")


def serve(config: Config, workbook: Workbook, port: int | None) -> None:
    from nicegui import ui

    from pages import register_pages
    from processes import runtime

    runtime.use(workbook)
    register_pages()
    ui.run(
        title="Flowsheet",
        host=config.host,
        port=port or config.port,
        storage_secret=config.secret(),
        reload=False,
        show=False,
        favicon="📋",
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        config = Config.from_env()
        workbook = open_configured(config)
        if args.command == "init":
            return run_init(workbook)
        if args.command == "check":
            return run_check(workbook)
        prepare_to_serve(workbook, demo=args.demo)
    except SheetError as error:
        print(f"flowsheet: {error}", file=sys.stderr)
        return 2
    serve(config, workbook, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
