"""What the review reads: every small tab whole, and of a big one only what the period can need.

A review compares a period with the one before it (the window, from `since` on). On a
big growing tab on Google (`Workbook.selects_rows`) it reads:

- the Audit's newest rows, backwards in growing chunks until they are older than the
  window: the changes made in it, and so the records changed in it;
- of Orders, Tickets, Returns and Surveys, the newest rows the same way (the records
  made in the window; of Tickets, from the longest SLA before it, as a deadline that
  passes in the window while a ticket is open was set when it opened) and, by their
  keys, the older records the Audit saw changed in the window;
- of Order Lines, the newest rows, back past the lines of the orders made in the
  window (lines are appended with their order; the review counts the demand of the
  orders made in the window);
- the Audit again, back to when the oldest of those changed records was made (a stage
  ending in the window began when its record entered the state before). A changed
  record without a known creation moment (a tab without one, a record no longer there)
  has its Audit rows found by `record_id`.

Of Stock Moves, the moves from the window's first day on, the same way: a day's stock is
the stock before the window plus the moves since, and the stock before the window is each
product's `on_hand` in the Stock tab less the moves since (`ledger_from`), which the data
checks keep equal to the sum of every move before.

What this assumes, so that the figures are those of the whole read: the Audit is in
time order (the app appends it; people do not type into it), a big tab's rows were
appended in time order (steps, imports and the jobs append), and a record's stamps
change through the app (which writes the change to the Audit). Rows out of order by
up to a tenth of a chunk are still found: the read goes on until the oldest tenth
of a chunk was all made before the window. A row a person typed or moved far up into the
older rows, with a moment in the window and no Audit row, is not seen: it counts in
the review once the tab is read whole (below `SPARSE_FROM` rows, or on the local
workbook, where every tab is read whole as before).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from processes.improvement.procedure import SUGGESTION
from processes.planning.stockouts import ledger_from
from sheets.reading import HEADER_SEARCH_ROWS
from sheets.schema import Tab
from sheets.settings import BY_KEY, read_setting
from sheets.tabs import (
    AUDIT,
    ORDER_LINES,
    ORDERS,
    PRIORITIES,
    SETTINGS,
    STOCK,
    STOCK_MOVES,
    SUGGESTIONS,
    SURVEYS,
    TICKETS,
)
from sheets.workbook import Workbook

from .metrics import REVIEWED

#: Newest rows read first; the next chunk is sized from how far back the first one reached.
FIRST_CHUNK = 2_000
#: The next chunk reaches this much further back than the last one's pace suggests.
REACH = 1.5
#: The part of a chunk, its oldest rows, that must lie wholly before the window.
OLDEST_PART = 0.1
#: Audit rows read before the oldest changed record was made (its Audit row and its
#: creation stamp are written by one step, a moment apart).
CREATION_MARGIN = pd.Timedelta(days=1)


def read_frames(workbook: Workbook, tabs: Sequence[Tab], since: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The DataFrames of `tabs` a review of the window from `since` needs (every row, where tabs are small)."""
    big = [tab for tab in tabs if workbook.selects_rows(tab)]
    if ORDER_LINES in big and ORDERS not in big:
        big.remove(ORDER_LINES)  # the lines of every order: the whole tab
    ledger = STOCK_MOVES in big
    if ledger:  # the moves of the window, and the stock before them from the Stock tab
        big.remove(STOCK_MOVES)
    small = [tab for tab in tabs if tab not in big and not (ledger and tab is STOCK_MOVES)]
    if ledger and STOCK not in small:
        small.append(STOCK)
    frames = {name: table.df for name, table in workbook.tables(*small).items()} if small else {}
    records = [tab for tab in big if tab not in (AUDIT, ORDER_LINES)]
    # A ticket's deadline is set when it opens (an SLA's hours later) and moved only by steps:
    # one that passes in the window belongs to a ticket opened at most the longest SLA before.
    sla = longest_sla(frames.get(SETTINGS.name))
    wanted = {tab: since - sla if tab.name == TICKETS.name else since for tab in records}
    if AUDIT in big:
        wanted[AUDIT] = since
    if ledger:
        wanted[STOCK_MOVES] = since.normalize()
    if not wanted:
        return frames
    newest = newest_since_all(workbook, wanted)
    if ledger:
        frames[STOCK_MOVES.name] = ledger_from(
            newest[STOCK_MOVES.name], frames[STOCK.name], since.normalize()
        )
    if not big:
        return frames
    audit = newest[AUDIT.name] if AUDIT in big else frames[AUDIT.name]
    touched = changed_records(audit, since)
    for tab in records:
        frames[tab.name] = _with_changed(workbook, tab, newest[tab.name], touched.get(tab.name, set()))
    if ORDER_LINES in big:
        frames[ORDER_LINES.name] = newest_since(workbook, ORDER_LINES, since, _made_with(frames[ORDERS.name]))
    if AUDIT in big:
        horizon, unknown = horizon_of(frames, touched, since)
        made = pd.to_datetime(_chunk(audit)["at"], errors="coerce")
        if horizon < since and not _reached(_chunk(audit)["_row"], made, horizon):
            first = _paced(len(made), made, horizon)
            audit = _merged(audit, newest_since(workbook, AUDIT, horizon, first=first))
        if unknown:
            audit = _merged(audit, workbook.selected(AUDIT, {"record_id": unknown}).table.df)
        frames[AUDIT.name] = audit
    return frames


def newest_since(
    workbook: Workbook,
    tab: Tab,
    since: pd.Timestamp,
    made_at: Callable[[pd.DataFrame], pd.Series] | None = None,
    first: int = 0,
) -> pd.DataFrame:
    """The newest rows of `tab`, back past the last one made from `since` on (the whole tab at most).

    When a row was made is its time column (`time_column`), or `made_at` of its rows.
    """
    return newest_since_all(workbook, {tab: since}, {tab: made_at} if made_at else None, first)[tab.name]


def newest_since_all(
    workbook: Workbook,
    wanted: Mapping[Tab, pd.Timestamp],
    made_at: Mapping[Tab, Callable[[pd.DataFrame], pd.Series]] | None = None,
    first: int = 0,
) -> dict[str, pd.DataFrame]:
    """`newest_since` of several tabs, each round of chunks in one request.

    A chunk is enough once its oldest tenth was all made before its tab's moment; the
    next chunk is sized from how far back this one reached. A row made earlier and
    changed in the window is found by the Audit.
    """
    made_at = dict(made_at or {})
    pending = {tab: max(first, FIRST_CHUNK) for tab in wanted}
    done: dict[str, pd.DataFrame] = {}
    while pending:
        read = workbook.newest_of(pending)
        for tab, rows in list(pending.items()):
            selection = read[tab.name]
            frame = selection.table.df
            made = made_at.get(tab, _by_time_column(tab))(_chunk(frame))
            if selection.complete or _reached(_chunk(frame)["_row"], made, wanted[tab]):
                done[tab.name] = frame
                del pending[tab]
            else:
                pending[tab] = max(rows * 2, _paced(rows, made, wanted[tab]))
    return done


def _by_time_column(tab: Tab) -> Callable[[pd.DataFrame], pd.Series]:
    column = time_column(tab)
    if column is None:
        return _unknown
    return lambda frame: pd.to_datetime(frame[column], errors="coerce")


def _chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows read from the end (a read that reached the header holds the first rows too)."""
    return frame[frame["_row"] > HEADER_SEARCH_ROWS]


def _paced(rows: int, made: pd.Series, since: pd.Timestamp) -> int:
    """Rows that reach back to `since` at the pace of the chunk read (a few rows out of order aside)."""
    known = made.dropna()
    if len(known) < 2:
        return 0
    newest, oldest = known.quantile(0.95), known.quantile(0.05)
    span = (newest - oldest) / 0.9
    if span <= pd.Timedelta(0):
        return 0
    return math.ceil(rows * REACH * ((newest - since) / span))


def _unknown(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")


def time_column(tab: Tab) -> str | None:
    """The column saying when a row of `tab` was made: the Audit's `at`, a procedure's creation stamp."""
    if tab.name == AUDIT.name:
        return "at"
    return {**creation_columns(), SURVEYS.name: "sent_at", STOCK_MOVES.name: "at"}.get(tab.name)


def _reached(rows: pd.Series, made: pd.Series, since: pd.Timestamp) -> bool:
    """Whether the oldest tenth of the rows read (by sheet row) was made, all of it, before `since`."""
    if not len(rows) or len(made) != len(rows):
        return False
    oldest = made[(rows <= rows.quantile(OLDEST_PART)).to_numpy()].dropna()
    return bool(len(oldest)) and bool((oldest < since).all())


def _made_with(orders: pd.DataFrame) -> Callable[[pd.DataFrame], pd.Series]:
    """When each line's order was made; a line of an order not read is older than any read."""
    made = pd.to_datetime(orders["created_at"], errors="coerce")
    made = made[~orders.index.duplicated()]

    def of(lines: pd.DataFrame) -> pd.Series:
        found = made.reindex(lines["order_id"].astype(object).to_numpy())
        return pd.Series(found.fillna(pd.Timestamp.min).to_numpy(), index=lines.index)

    return of


def changed_records(audit: pd.DataFrame, since: pd.Timestamp) -> dict[str, set[str]]:
    """Tab name -> the IDs of its records the Audit saw changed from `since` on."""
    if audit.empty:
        return {}
    recent = audit[pd.to_datetime(audit["at"], errors="coerce") >= since]
    recent = recent.dropna(subset=["tab", "record_id"])
    return {str(tab): set(group["record_id"].astype(str)) for tab, group in recent.groupby("tab")}


def _with_changed(workbook: Workbook, tab: Tab, newest: pd.DataFrame, changed: set[str]) -> pd.DataFrame:
    """A big record tab's newest rows and, by their keys, the older records changed in the window."""
    older = changed - set(newest.index.astype(str))
    if not older:
        return newest
    return _merged(newest, workbook.selected(tab, {tab.key[0]: older}).table.df)


def longest_sla(settings: pd.DataFrame | None) -> pd.Timedelta:
    """The longest resolution deadline of any priority, as the Settings tab holds it (or the defaults)."""
    values = {}
    if settings is not None and not settings.empty:
        values = dict(zip(settings["key"], settings["value"], strict=True))
    hours = [
        float(read_setting(BY_KEY[f"sla_hours_{priority}"], values.get(f"sla_hours_{priority}"))[0])
        for priority in PRIORITIES
    ]
    return pd.Timedelta(hours=max(hours))


def _merged(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Both frames' rows once each (a row read twice counts once), in sheet order."""
    whole = pd.concat([first, second])
    keys = pd.Series(whole.index.astype(object), index=range(len(whole)))
    same = keys.where(keys.notna(), "row " + whole["_row"].astype(str).to_numpy())
    whole = whole[~same.duplicated(keep="first").to_numpy()]
    return whole.sort_values("_row", kind="stable")


def creation_columns() -> dict[str, str]:
    """Tab name -> the column saying when its records were made, for the procedures the review measures."""
    found: dict[str, str] = {}
    for procedure in (*REVIEWED, SUGGESTION):
        created = procedure.stamps.get("")
        if created:
            found.setdefault(procedure.tab.name, created)
    return found


def horizon_of(
    frames: Mapping[str, pd.DataFrame], touched: Mapping[str, Iterable[str]], since: pd.Timestamp
) -> tuple[pd.Timestamp, set[str]]:
    """How far back the Audit is needed, and the changed records whose Audit rows are found by ID instead.

    Back to (a margin before) the making of the oldest record changed in the window;
    a record without a known creation moment is found by its ID.
    """
    reviewed = {procedure.tab.name for procedure in REVIEWED} | {SUGGESTIONS.name}
    creation = creation_columns()
    horizon, unknown = since, set()
    for name, ids in touched.items():
        if name not in reviewed:
            continue
        ids = set(ids)
        frame, column = frames.get(name), creation.get(name)
        if frame is None or column is None or column not in frame:
            unknown |= ids
            continue
        made = pd.to_datetime(frame[column], errors="coerce")
        made = made[frame.index.astype(str).isin(ids)]
        found = set(made.dropna().index.astype(str))
        unknown |= ids - found
        if len(made.dropna()) and made.min() < since:
            horizon = min(horizon, made.min() - CREATION_MARGIN)
    return horizon, unknown
