"""Flowsheet's entry point: command line, configuration, wiring, ui.run.

python app.py              serve the web app (embedded local workbook by default)
python app.py --demo       the same, seeding demo data into an empty workbook
python app.py init [--lang zh]  create or upgrade every tab with its headers
python app.py check        report data issues; exit 1 if there are any
python app.py jobs [--once]   run the scheduled checks and the outbox sender (forever, or one cycle)
python app.py import orders FILE.csv [--map ...]   import orders (Shopify export or mapped CSV)
python app.py user add NAME --role staff|manager|admin   (and: user list, disable, enable, passwd)
python app.py user token NAME [--revoke]   a new API token for a login (or revoke its tokens)
python app.py copy --to google|local [--force]   copy every tab to the other backend, then check it
python app.py handbook --out DIR   write the process handbook as printable HTML
python app.py export [--tab NAME] [--format csv|xlsx] --out FILE   a tab or the whole workbook to a file
python app.py channels sync shopify [--since DATE]   pull the orders the shop changed since the last sync
python app.py archive [--before DATE]   move closed records into the year's archive workbook
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from config import Config
from i18n import LANGUAGES
from jobs.archive import archive_job, parse_before, run_archive_command
from jobs.channels import ChannelJobs, run_sync_command
from jobs.cycle import run_cycle
from jobs.mail_in import ImapSettings, attachments_root
from jobs.outbox import SmtpSettings
from jobs.runner import RunnerLock, run_forever, run_once, start_in_background
from processes import archive, channels, stock
from processes.accounts import Accounts
from processes.accounts.store import AccountStore
from processes.channels.shopify import ShopifyConnection, ShopifySettings
from processes.channels.store import ChannelStore
from processes.channels.sync import since_text
from processes.demo import is_empty, seed_demo
from processes.errors import ProcessError
from processes.export import FORMATS, run_export_command
from processes.handbook import settings_values, write_handbook
from processes.orders import run_import_command
from processes.permissions import ROLES
from processes.settings import settings_in_force
from sheets.backends.base import Backend
from sheets.copy import CopyReport, copy_workbook
from sheets.errors import SetupError, SheetError
from sheets.factory import open_backend, open_workbook
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
    # SUPPRESS: without it the subcommand's defaults would undo `python app.py --demo serve`.
    serve.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help="seed demo data into an empty workbook"
    )
    serve.add_argument("--port", type=int, default=argparse.SUPPRESS, help="port to serve on")
    init = commands.add_parser("init", help="create or upgrade every tab with its headers")
    init.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        default="en",
        help="the language of the headers of new tabs and columns (the app reads either)",
    )
    commands.add_parser("check", help="report data issues; exit 1 if there are any")
    jobs = commands.add_parser("jobs", help="run the scheduled checks and the outbox sender forever")
    jobs.add_argument("--once", action="store_true", help="run one cycle and one sending round, then exit")
    importing = commands.add_parser("import", help="import records from a file")
    what = importing.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    orders = what.add_parser("orders", help="orders from a Shopify export or a CSV with a column mapping")
    orders.add_argument("file", help="the CSV file")
    orders.add_argument(
        "--map",
        default="",
        help='column mapping for a non-Shopify CSV, e.g. "external_ref=Order no,sku=Item,qty=Count,customer_name=Buyer"',
    )
    orders.add_argument("--channel", default="", help="the channel to record (default: shopify, or manual)")
    orders.add_argument("--location", default="", help="the location the orders ship from")
    add_copy_command(commands)
    exporting = commands.add_parser("export", help="write a tab or the whole workbook to a CSV or .xlsx file")
    exporting.add_argument(
        "--tab", default="", help="the tab to export, e.g. Orders (default: the whole workbook)"
    )
    exporting.add_argument(
        "--format", choices=FORMATS, default="", help="csv (one tab) or xlsx (default: from the file name)"
    )
    exporting.add_argument("--out", required=True, help="the file to write")
    user = commands.add_parser(
        "user", help="manage logins (the password is asked, or read from standard input)"
    )
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="create a login")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    user_commands.add_parser("list", help="list logins")
    for action, text in (
        ("disable", "stop a login"),
        ("enable", "allow a login again"),
        ("passwd", "set a new password"),
    ):
        user_commands.add_parser(action, help=text).add_argument("name")
    token = user_commands.add_parser("token", help="print a new API token for a login (shown once)")
    token.add_argument("name")
    token.add_argument("--revoke", action="store_true", help="revoke every token of the login instead")
    handbook = commands.add_parser("handbook", help="write the process handbook as printable HTML files")
    handbook.add_argument("--out", required=True, type=Path, help="the folder to write the files into")
    add_channels_command(commands)
    archiving = commands.add_parser(
        "archive",
        help="move closed records (and old Audit rows, sent messages, old stock moves) into the archive",
        description="Move records closed longer than the archive age (setting archive_after_days) into the "
        "archive workbook of the year they closed in, batch by batch: copied, read back, then deleted from the "
        "live sheet. Stopped at any point, the next run goes on; no record is lost or kept twice.",
    )
    archiving.add_argument(
        "--before", default="", help="archive what closed before this date (2026-01-01) instead of the age"
    )
    return parser.parse_args(argv)


def add_channels_command(commands) -> None:
    shop = commands.add_parser("channels", help="the shop connections (docs/channels.md)")
    actions = shop.add_subparsers(dest="channels_command", metavar="ACTION", required=True)
    syncing = actions.add_parser(
        "sync",
        help="pull the orders the shop changed since the last sync, check unpaid orders' payment, apply them",
    )
    syncing.add_argument("channel", choices=("shopify",), help="the shop to sync")
    syncing.add_argument(
        "--since", default="", help="start from this date (2026-03-01) or time instead of the last sync"
    )


def add_copy_command(commands) -> None:
    copy = commands.add_parser(
        "copy",
        help="copy every tab of the configured workbook to the other backend (local <-> Google), then check it",
        description="Copy every tab, cell for cell, from the configured workbook (FLOWSHEET_BACKEND) to the "
        "other backend. An interrupted copy goes on where it stopped when run again; a finished one copies "
        "nothing more. A target holding other data is refused unless --force is given.",
    )
    copy.add_argument("--to", choices=("google", "local"), required=True, help="the backend to copy into")
    copy.add_argument(
        "--spreadsheet-id",
        default="",
        help="the Google spreadsheet to copy into (default FLOWSHEET_SPREADSHEET_ID)",
    )
    copy.add_argument(
        "--credentials",
        default="",
        help="the service account's JSON key file (default GOOGLE_APPLICATION_CREDENTIALS)",
    )
    copy.add_argument(
        "--data-dir",
        default="",
        help="the folder of the local workbook to copy into (default FLOWSHEET_DATA_DIR)",
    )
    copy.add_argument(
        "--force",
        action="store_true",
        help="REPLACE the target's tabs that hold other data with the source's (their rows are lost)",
    )


def open_copy_target(config: Config, args: argparse.Namespace) -> Backend:
    if args.to == "google":
        return open_backend(
            "google",
            spreadsheet_id=args.spreadsheet_id or config.spreadsheet_id,
            credentials_file=args.credentials or config.credentials_file,
        )
    return open_backend("local", data_dir=args.data_dir or config.data_dir)


def run_copy(source: Workbook, target: Backend, *, force: bool = False) -> int:
    """`python app.py copy`: copy every tab, then `check` the copy; exit 0 only when complete and clean."""
    print(f"copying {source.backend.location} to {target.location}")
    report = copy_workbook(source.backend, target, force=force, progress=print)
    print(copy_summary(report))
    copied = Workbook(target, cache_seconds=0)
    issues = copied.check(assign_ids=False) + stock.ledger_issues(copied)
    for issue in issues:
        print(issue)
    print(
        f"check of the copy: {len(issues)} data issue(s)" if issues else "check of the copy: no data issues"
    )
    if not report.complete:
        print(
            f"flowsheet: the copy differs from the source in {', '.join(report.mismatched)} "
            "(was the source or the target edited meanwhile?): run the same command again.",
            file=sys.stderr,
        )
        return 1
    if issues:
        print(
            f"flowsheet: the copy is complete, but {len(issues)} row(s) have data issues "
            "(copied as they are in the source): fix them in the sheet, then run `python app.py check`.",
            file=sys.stderr,
        )
        return 1
    return 0


def copy_summary(report: CopyReport) -> str:
    total = sum(tab.total for tab in report.tabs)
    if not report.rows_written:
        return f"nothing to copy: all {len(report.tabs)} tab(s), {total:,} rows, were already there"
    return (
        f"copied {report.rows_written:,} row(s) in {report.writes} write(s); "
        f"{len(report.tabs)} tab(s), {total:,} rows in all"
    )


def open_configured(config: Config) -> Workbook:
    return open_workbook(
        config.backend,
        data_dir=config.data_dir,
        spreadsheet_id=config.spreadsheet_id,
        credentials_file=config.credentials_file,
        cache_seconds=config.cache_seconds,
    )


def open_archives(config: Config) -> archive.Archives:
    """The archive workbooks beside the configured one: local files, or the configured Google spreadsheets."""
    if config.backend != "google":
        return archive.local_archives(config.data_dir)
    ids = archive.store.parse_spreadsheet_ids(config.archive_spreadsheets)
    return archive.google_archives(
        ids,
        lambda spreadsheet_id: open_workbook(
            "google",
            spreadsheet_id=spreadsheet_id,
            credentials_file=config.credentials_file,
            cache_seconds=config.cache_seconds,
        ),
    )


def run_archive(workbook: Workbook, config: Config, before: str) -> int:
    """`python app.py archive [--before DATE]`."""
    try:
        moment = parse_before(before) if before else None
    except ValueError as error:
        raise SetupError(str(error)) from None
    return run_archive_command(workbook, open_archives(config), data_dir=config.data_dir, before=moment)


def open_accounts(config: Config) -> Accounts:
    return Accounts(AccountStore(config.data_dir))


def read_password(prompt: str = "Password: ") -> str:
    """Asked at the prompt twice, or one line from standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise ProcessError("The two passwords differ.")
    return first


def run_user(accounts: Accounts, args: argparse.Namespace) -> int:
    if args.user_command == "list":
        for user in accounts.list_users():
            print(
                f"{user.name:20} {user.role:8} {'active' if user.active else 'disabled':9} since {user.created_at}"
            )
        return 0
    if args.user_command == "add":
        accounts.add_user(args.name, args.role, read_password())
        print(f"{args.name} can log in now, as {args.role}")
    elif args.user_command == "token":
        if args.revoke:
            print(f"{accounts.revoke_tokens(args.name)} token(s) of {args.name} revoked")
        else:
            print(accounts.issue_token(args.name))
            print(
                "Keep it secret: it is shown only once. Send it as 'Authorization: Bearer <token>'.",
                file=sys.stderr,
            )
    elif args.user_command == "passwd":
        accounts.change_password(args.name, read_password("New password: "))
        print(f"new password set for {args.name}")
    else:
        accounts.set_active(args.name, args.user_command == "enable")
        print(f"{args.name} {args.user_command}d")
    return 0


def smtp_settings() -> SmtpSettings:
    try:
        return SmtpSettings.from_env(os.environ)
    except ValueError as error:
        raise SetupError(f"SMTP settings: {error}") from None


def imap_settings() -> ImapSettings:
    try:
        return ImapSettings.from_env(os.environ)
    except ValueError as error:
        raise SetupError(f"IMAP settings: {error}") from None


def job_intervals(workbook: Workbook) -> dict[str, float]:
    """The runner's intervals from the Settings tab (read when the runner starts)."""
    in_force = {setting.key: setting.value for setting in settings_in_force(workbook)}
    return {
        "cycle_seconds": float(in_force["jobs_cycle_minutes"]) * 60,
        "outbox_seconds": float(in_force["outbox_send_minutes"]) * 60,
        "archive_seconds": float(in_force["archive_interval_days"]) * 86_400,
    }


def open_channels(workbook: Workbook, config: Config) -> ChannelJobs | None:
    """The shop connections configured in the environment, in use by the app; None when there are none."""
    try:
        shopify = ShopifySettings.from_env(os.environ)
    except ValueError as error:
        raise SetupError(f"Shopify settings: {error}") from None
    if not shopify.configured:
        return None
    store = ChannelStore(config.data_dir)
    connection = ShopifyConnection(shopify)
    channels.use(store, connection)
    in_force = {setting.key: setting.value for setting in settings_in_force(workbook)}
    return ChannelJobs(workbook, store, [connection], sync_seconds=float(in_force["shop_sync_minutes"]) * 60)


def run_jobs(workbook: Workbook, config: Config, *, once: bool) -> int:
    """`python app.py jobs [--once]`: the checks, the outbox and the shop connections, alone or as one cycle."""
    shops = open_channels(workbook, config)
    if once:
        return run_once(
            workbook,
            run_cycle,
            data_dir=config.data_dir,
            smtp=smtp_settings(),
            channels=shops,
            imap=imap_settings(),
        )
    return run_forever(
        workbook,
        run_cycle,
        data_dir=config.data_dir,
        smtp=smtp_settings(),
        imap=imap_settings(),
        channels=shops,
        archive=archive_job(open_archives(config), config.data_dir),
        **job_intervals(workbook),
    )


def run_channels(workbook: Workbook, config: Config, args: argparse.Namespace) -> int:
    """`python app.py channels sync shopify [--since DATE]`."""
    shops = open_channels(workbook, config)
    since = since_text(args.since) if args.since else None
    return run_sync_command(shops, RunnerLock(config.data_dir), args.channel, since=since)


def run_handbook(workbook: Workbook, out_dir: Path) -> int:
    """`python app.py handbook --out DIR`: every procedure, with the deadlines in force, as HTML."""
    for path in write_handbook(out_dir, settings_values(workbook)):
        print(f"wrote {path}")
    print("Open handbook.html in a browser and print it (or save it as PDF).")
    return 0


def run_init(workbook: Workbook, language: str = "en") -> int:
    report = workbook.init(language=language)
    for line in report.lines() or ["every tab and column is already there"]:
        print(line)
    return 0


def run_check(workbook: Workbook) -> int:
    assigned = workbook.assign_missing_ids()
    if assigned:
        print(f"gave {assigned} row(s) without an ID their ID")
    issues = workbook.check(assign_ids=False) + stock.ledger_issues(workbook)
    for issue in issues:
        print(issue)
    print(f"{len(issues)} data issue(s)" if issues else "no data issues")
    return 1 if issues else 0


def prepare_to_serve(workbook: Workbook, accounts: Accounts, demo: bool) -> None:
    """Make the workbook and logins ready before the web server starts (nothing here runs on its loop)."""
    missing = [tab.name for tab in ALL_TABS if tab.name not in workbook.backend.tab_names()]
    if workbook.kind == "local":
        # Tabs and columns a newer version declares are added (init never removes anything);
        # a fresh workbook is made quietly, an existing one says what it gained.
        upgraded = workbook.init().lines()
        for line in upgraded if len(missing) < len(ALL_TABS) else ():
            print(line)
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
        create_demo_logins(accounts)
    if not accounts.has_users():
        print("No logins exist yet. Create the first admin:  python app.py user add NAME --role admin")


def create_demo_logins(accounts: Accounts) -> None:
    """One login per role, with a random password printed once."""
    for role in ROLES:
        name = f"demo-{role}"
        if accounts.actor(name) is not None:
            print(f"demo login {name} exists already")
            continue
        password = secrets.token_urlsafe(9)
        accounts.add_user(name, role, password)
        print(f"demo login: {name:14} password: {password}  ({role})")


def serve(
    config: Config,
    workbook: Workbook,
    accounts: Accounts,
    smtp: SmtpSettings,
    port: int | None,
    shops: ChannelJobs | None = None,
    imap: ImapSettings | None = None,
) -> None:
    from nicegui import app, ui

    import api
    from pages import register_pages
    from processes import runtime

    runtime.use(
        workbook,
        accounts,
        public_url=config.public_url,
        smtp_configured=smtp.configured,
        data_dir=config.data_dir,
    )
    runtime.use_attachments(attachments_root(config.data_dir))
    archives = open_archives(config)
    archive.use(archives)
    register_pages()
    api.register()
    # The jobs run inside the web app too; the lock in the data folder keeps a
    # separate `python app.py jobs` and this one from both acting.
    runners = []
    app.on_startup(
        lambda: runners.append(
            start_in_background(
                workbook,
                run_cycle,
                data_dir=config.data_dir,
                smtp=smtp,
                imap=imap,
                channels=shops,
                archive=archive_job(archives, config.data_dir),
                **job_intervals(workbook),
            )
        )
    )
    app.on_shutdown(lambda: [runner.stop() for runner in runners])
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
        accounts = open_accounts(config)
        if args.command == "user":
            return run_user(accounts, args)
        workbook = open_configured(config)
        if args.command == "init":
            return run_init(workbook, args.lang)
        if args.command == "check":
            return run_check(workbook)
        if args.command == "copy":
            return run_copy(workbook, open_copy_target(config, args), force=args.force)
        if args.command == "jobs":
            return run_jobs(workbook, config, once=args.once)
        if args.command == "handbook":
            return run_handbook(workbook, args.out)
        if args.command == "export":
            return run_export_command(workbook, args.out, tab=args.tab, file_format=args.format)
        if args.command == "import":
            return run_import_command(
                workbook, args.file, mapping=args.map, channel=args.channel, location_id=args.location
            )
        if args.command == "channels":
            return run_channels(workbook, config, args)
        if args.command == "archive":
            return run_archive(workbook, config, args.before)
        smtp = smtp_settings()
        imap = imap_settings()
        prepare_to_serve(workbook, accounts, demo=args.demo)
        shops = open_channels(workbook, config)
        for shop in channels.connections():
            hooks = (
                f"webhooks at /api/v1/channels/{shop.channel}/webhooks"
                if shop.accepts_webhooks
                else "no webhooks"
            )
            print(f"shop connection: {shop.channel} {shop.shop} ({hooks}); see the Channels page")
    except (SheetError, ProcessError) as error:
        print(f"flowsheet: {error}", file=sys.stderr)
        return 2
    serve(config, workbook, accounts, smtp, args.port, shops, imap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
