"""One runner at a time across machines on Google: a lease row in the Summary tab.

The file lock (jobs/runner.py) keeps two runners on one machine apart; two
machines share only the spreadsheet, which has no compare-and-set. So:

- The lease is one row of the Summary tab, which the jobs own: section
  `Runner`, figure `lease`, value `<holder> until <YYYY-MM-DD HH:MM:SS>`. Every
  cycle's snapshot reads it in its one request.
- A runner that finds it free (blank, released) or expired writes its claim
  (holder = host:pid:random, until = now + LEASE_CYCLES cycles) and does
  nothing else in that cycle.
- In its next cycle it acts only if the lease still names it: two runners
  that claimed at the same moment both read the last writer's name then, so
  exactly one of them acts.
- The holder renews the lease in the same write as its effects when less than
  half of it is left, so most quiet cycles still write nothing.
- On stop the holder releases it (the value blanked) if it still names it, so
  another runner may claim it at once; a runner that dies holds it until it
  expires: LEASE_CYCLES cycles at most, plus one to confirm a new claim.

What it assumes: a claim's write lands within one cycle of the read that found
the lease free (the HTTP client gives up long before), and the machines'
clocks agree to well within a cycle.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sheets.table import Table
from sheets.tabs import SUMMARY
from sheets.transaction import Transaction

LEASE_SECTION, LEASE_FIGURE = "Runner", "lease"
LEASE_KEY = (LEASE_SECTION, LEASE_FIGURE)
#: How many cycles a claim or a renewal lasts.
LEASE_CYCLES = 6
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
UNTIL = " until "

ACT, CLAIM, WAIT = "act", "claim", "wait"


def new_holder() -> str:
    """A name no other runner has: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Lease:
    holder: str  # "" when free
    until: datetime | None

    def free_at(self, now: datetime) -> bool:
        return not self.holder or self.until is None or self.until <= now

    def __str__(self) -> str:
        if not self.holder:
            return "free"
        return f"{self.holder}{UNTIL}{self.until:{TIME_FORMAT}}" if self.until else self.holder


FREE = Lease("", None)


def parse_lease(text: object) -> Lease:
    """The lease a Summary value holds; a value that cannot be read counts as free."""
    holder, _, until = str(text or "").strip().rpartition(UNTIL)
    try:
        return Lease(holder.strip(), datetime.strptime(until.strip(), TIME_FORMAT)) if holder else FREE
    except ValueError:
        return FREE


def read_lease(summary: Table) -> Lease:
    record = summary.get(LEASE_KEY)
    return parse_lease(record.value) if record is not None else FREE


@dataclass(frozen=True)
class WriteLease:
    """The lease row as it should be: `holder` until `until` (a blank holder releases it)."""

    holder: str
    until: datetime | None

    @property
    def text(self) -> str:
        return str(Lease(self.holder, self.until)) if self.holder else ""


@dataclass(frozen=True)
class LeaseDecision:
    step: str  # ACT, CLAIM or WAIT
    lease: Lease  # as the snapshot read it
    write: WriteLease | None  # the claim or the renewal to write, if any

    @property
    def until(self) -> datetime | None:
        """Until when this runner holds the lease, once its write (if any) has landed."""
        if self.step != ACT:
            return None
        return self.write.until if self.write is not None else self.lease.until


def decide(lease: Lease, me: str, now: datetime, length: timedelta) -> LeaseDecision:
    """What runner `me` does in a cycle that read `lease` at `now`."""
    if lease.free_at(now):
        return LeaseDecision(CLAIM, lease, WriteLease(me, now + length))
    if lease.holder != me:
        return LeaseDecision(WAIT, lease, None)
    renew = lease.until - now < length / 2
    return LeaseDecision(ACT, lease, WriteLease(me, now + length) if renew else None)


def write_lease(tx: Transaction, lease: WriteLease, now: datetime) -> bool:
    """Set the lease row in `tx`; True if it changed."""
    record = tx.get(SUMMARY, LEASE_KEY)
    if record is None:
        values = {"section": LEASE_SECTION, "figure": LEASE_FIGURE}
        tx.insert(SUMMARY, {**values, "value": lease.text, "as_of": now})
        return True
    if (record.value or "") == lease.text:
        return False
    tx.update(record, {"value": lease.text, "as_of": now})
    return True
