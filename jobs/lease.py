"""One runner at a time across machines on Google: lease rows in the Summary tab.

The file lock (jobs/runner.py) keeps two runners on one machine apart; two
machines share only the spreadsheet, which has no compare-and-set. So:

- Each machine has one row in the Summary tab, which the jobs own: section
  `Runner`, figure `lease <host>`, value `<holder> until <YYYY-MM-DD HH:MM:SS>`
  (holder = host:pid:random, blank when free). Every cycle's snapshot reads
  them in its one request. A row per machine, not one shared row: two machines
  adding the first row at the same moment would make two rows with one key.
- A runner that finds no live claim (none, all blank or expired) writes its
  claim (until = now + LEASE_CYCLES cycles) and does nothing else that cycle.
- In its next cycle it acts only if its claim is the live one with the
  smallest holder name: every runner reads the same rows, so when two claimed
  at the same moment exactly one of them acts. The other blanks its claim
  and waits.
- The holder renews its claim in the same write as its effects when less than
  half of it is left, so most quiet cycles still write nothing.
- On stop the holder blanks its claim, so another runner may claim at once; a
  runner that dies holds the lease until it expires: LEASE_CYCLES cycles at
  most, and one more to confirm a new claim.

What it assumes: a claim's write lands within one cycle of the read that found
no live claim (the HTTP client gives up long before), and the machines'
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

LEASE_SECTION = "Runner"
LEASE_FIGURE = "lease"
#: How many cycles a claim or a renewal lasts.
LEASE_CYCLES = 6
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
UNTIL = " until "

ACT, CLAIM, WAIT = "act", "claim", "wait"


def this_host() -> str:
    return socket.gethostname()


def new_holder() -> str:
    """A name no other runner has: host, process and a random part."""
    return f"{this_host()}:{os.getpid()}:{secrets.token_hex(3)}"


def lease_key(seat: str) -> tuple[str, str]:
    """The Summary key of the lease row of the machine `seat`."""
    return (LEASE_SECTION, f"{LEASE_FIGURE} {seat}")


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
    """The claim a Summary value holds; a value that cannot be read counts as free."""
    holder, _, until = str(text or "").strip().rpartition(UNTIL)
    try:
        return Lease(holder.strip(), datetime.strptime(until.strip(), TIME_FORMAT)) if holder else FREE
    except ValueError:
        return FREE


def read_claims(summary: Table) -> dict[str, Lease]:
    """Seat -> the claim in its lease row, for every lease row of the Summary tab."""
    prefix = f"{LEASE_FIGURE} "
    return {
        (row.figure or "")[len(prefix) :]: parse_lease(row.value)
        for row in summary.records()
        if row.section == LEASE_SECTION and (row.figure or "").startswith(prefix)
    }


@dataclass(frozen=True)
class WriteLease:
    """The lease row of machine `seat` as it should be: `holder` until `until` (a blank holder frees it)."""

    seat: str
    holder: str
    until: datetime | None

    @property
    def text(self) -> str:
        return str(Lease(self.holder, self.until)) if self.holder else ""


@dataclass(frozen=True)
class LeaseDecision:
    step: str  # ACT, CLAIM or WAIT
    lease: Lease  # the live claim that wins (FREE if none)
    write: WriteLease | None  # a claim, a renewal or a withdrawal to write, if any

    @property
    def until(self) -> datetime | None:
        """Until when this runner holds the lease, once its write (if any) has landed."""
        if self.step != ACT:
            return None
        return self.write.until if self.write is not None else self.lease.until


def decide(claims: dict[str, Lease], me: str, seat: str, now: datetime, length: timedelta) -> LeaseDecision:
    """What runner `me` on machine `seat` does in a cycle that read `claims` at `now`."""
    live = [claim for claim in claims.values() if not claim.free_at(now)]
    if not live:
        return LeaseDecision(CLAIM, FREE, WriteLease(seat, me, now + length))
    winner = min(live, key=lambda claim: claim.holder)
    if winner.holder == me:
        renew = winner.until - now < length / 2
        return LeaseDecision(ACT, winner, WriteLease(seat, me, now + length) if renew else None)
    mine = claims.get(seat, FREE)
    withdraw = WriteLease(seat, "", None) if mine.holder == me else None  # lost a race: step back
    return LeaseDecision(WAIT, winner, withdraw)


def write_lease(tx: Transaction, lease: WriteLease, now: datetime) -> bool:
    """Set the lease row of `lease.seat` in `tx`; True if it changed."""
    key = lease_key(lease.seat)
    record = tx.get(SUMMARY, key)
    if record is None:
        values = {"section": key[0], "figure": key[1], "value": lease.text, "as_of": now}
        tx.insert(SUMMARY, values)
        return True
    if (record.value or "") == lease.text:
        return False
    tx.update(record, {"value": lease.text, "as_of": now})
    return True
