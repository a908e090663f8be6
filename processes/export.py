"""Exporting the record: one tab as CSV or .xlsx, or the whole workbook as .xlsx.

An export holds the tabs as people see them in the spreadsheet: every row
with its cells, the header row and the columns people added included, read
raw (not through the app's typed view, which leaves extra columns and rows it
cannot read out). The whole workbook is read in one request on Google.

Who may export a tab: whoever may read it in the app's grid, from the one
READERS table in processes/permissions.py. Every tab is everyone's but the
Audit (who did what, for every person), which is a manager's: a
whole-workbook export by staff leaves it out and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from i18n import _
from processes import export_files
from processes.errors import ProcessError
from processes.permissions import Actor, require_read, who_may_read
from sheets.schema import Tab, normalize_header
from sheets.tabs import ALL_TABS
from sheets.workbook import Workbook

FORMATS = ("xlsx", "csv")
WHOLE_WORKBOOK = ""  # the `tab` that means every tab
#: What a command-line export acts as: whoever runs it already holds the whole workbook.
COMMAND_LINE = Actor("command line", "admin")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes
    tabs: tuple[str, ...]  # the tabs in the file, in workbook order
    rows: int  # rows written, header rows included
    left_out: tuple[str, ...] = field(default=())  # tabs not in the file, each with the reason

    def contents(self) -> str:
        """What the file holds, in words: "Orders, 120 rows" or "22 tabs, 1,204 rows"."""
        what = self.tabs[0] if len(self.tabs) == 1 else f"{len(self.tabs)} tabs"
        return f"{what}, {self.rows:,} rows"


def tabs_for(actor: Actor) -> list[str]:
    """The tabs `actor` may export (the ones they may read), in workbook order."""
    return [tab.name for tab in ALL_TABS if actor.may_read(tab.name)]


def tab_called(name: str) -> Tab:
    """The tab named `name` ("Stock Moves", "stock moves" or "stock-moves"); ProcessError if none is."""
    wanted = normalize_header(name)
    for tab in ALL_TABS:
        if normalize_header(tab.name) == wanted:
            return tab
    names = ", ".join(tab.name for tab in ALL_TABS)
    raise ProcessError(_("There is no tab called {name!r}. The tabs are: {names}.", name=name, names=names))


def export(
    workbook: Workbook,
    *,
    by: Actor,
    tab: str = WHOLE_WORKBOOK,
    file_format: str = "xlsx",
    now: Callable[[], datetime] = datetime.now,
) -> ExportFile:
    """Build the export file for `tab` (or the whole workbook) in `file_format`; refuses what `by` may not export."""
    if file_format not in FORMATS:
        raise ProcessError(
            _("Export as {join}, not {file_format!r}.", join=" or ".join(FORMATS), file_format=file_format)
        )
    if tab == WHOLE_WORKBOOK and file_format == "csv":
        raise ProcessError(_("A CSV file holds one tab: choose a tab, or .xlsx for the whole workbook."))
    wanted, left_out = _tabs_to_export(by, tab)
    read = workbook.backend.read_raw(wanted)  # one read request on Google, however many tabs
    present = set(workbook.backend.tab_names())  # known afresh after that read
    missing = [name for name in wanted if name not in present]
    if tab != WHOLE_WORKBOOK and missing:
        raise ProcessError(_("The workbook has no {value} tab; run `python app.py init`.", value=missing[0]))
    left_out += [f"{name} (the workbook has no such tab)" for name in missing]
    tabs = {name: export_files.tidy(read[name]) for name in wanted if name not in missing}
    if file_format == "csv":
        content, media_type = export_files.write_csv(tabs[wanted[0]]), export_files.CSV_MEDIA_TYPE
    else:
        content, media_type = export_files.write_xlsx(tabs), export_files.XLSX_MEDIA_TYPE
    stem = "flowsheet" if tab == WHOLE_WORKBOOK else f"flowsheet-{_slug(wanted[0])}"
    rows = sum(len(rows) for rows in tabs.values())
    filename = f"{stem}-{now():%Y-%m-%d}.{file_format}"
    return ExportFile(filename, media_type, content, tuple(tabs), rows, tuple(left_out))


def _tabs_to_export(by: Actor, tab: str) -> tuple[list[str], list[str]]:
    """The tabs to read, and the ones left out with why; refuses a single tab `by` may not export."""
    if tab == WHOLE_WORKBOOK:
        wanted = tabs_for(by)
        refused = [t.name for t in ALL_TABS if t.name not in wanted]
        return wanted, [_("{name} (only {who} may read it)", name=n, who=who_may_read(n)) for n in refused]
    name = tab_called(tab).name
    require_read(by, name)
    return [name], []


def read_export(content: bytes, file_format: str, tab: str = "") -> dict[str, export_files.Rows]:
    """The tabs in an exported file, as raw rows, the text protection undone.

    A CSV file holds one tab: name it (`tab`) so its text columns stay text;
    without a name it is read as the tab "" with every column typed by its look.
    """
    if file_format == "xlsx":
        return export_files.read_xlsx(content)
    if file_format == "csv":
        declared = tab_called(tab) if tab else None
        return {declared.name if declared else "": export_files.read_csv(content, declared)}
    raise ProcessError(
        _("Read {join} files, not {file_format!r}.", join=" or ".join(FORMATS), file_format=file_format)
    )


def format_of(path: str | Path) -> str:
    """The export format a file name asks for (by its ending); xlsx unless it ends in .csv."""
    return "csv" if str(path).lower().endswith(".csv") else "xlsx"


def run_export_command(
    workbook: Workbook,
    out: str | Path,
    *,
    tab: str = WHOLE_WORKBOOK,
    file_format: str = "",
    say: Callable[[str], None] = print,
) -> int:
    """`python app.py export [--tab NAME] [--format csv|xlsx] --out FILE`: write the file, say what is in it."""
    made = export(workbook, by=COMMAND_LINE, tab=tab, file_format=file_format or format_of(out))
    try:
        Path(out).write_bytes(made.content)
    except OSError as error:
        raise ProcessError(
            _("Cannot write {out}: {value}.", out=out, value=error.strerror or error)
        ) from None
    say(f"wrote {out}: {made.contents()}")
    for reason in made.left_out:
        say(f"left out {reason}")
    return 0


def _slug(tab_name: str) -> str:
    return tab_name.lower().replace(" ", "-")
