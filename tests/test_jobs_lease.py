"""One runner at a time across machines on Google: the lease row in the Summary tab.

Each runner here has its own workbook (its own connection) and its own data
folder, as on two machines; they share one fake spreadsheet.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from jobs.cycle import CycleState, run_cycle
from jobs.lease import ACT, CLAIM, WAIT, Lease, WriteLease, decide, parse_lease, read_claims
from jobs.outbox import SmtpSettings
from jobs.runner import JobRunner, run_once
from processes.demo import seed_demo
from sheets.tabs import ALERTS, SUMMARY
from tests.conftest import google_workbook

NOW = datetime(2026, 3, 2, 9, 0)
LENGTH = timedelta(minutes=30)


# the decision ------------------------------------------------------------------


def test_with_no_live_claim_a_runner_claims_and_with_another_live_one_it_waits():
    free = decide({}, "me", "here", NOW, LENGTH)
    assert (free.step, free.write) == (CLAIM, WriteLease("here", "me", NOW + LENGTH))
    expired = {"there": Lease("other", NOW)}
    assert decide(expired, "me", "here", NOW, LENGTH).step == CLAIM
    live = {"there": Lease("other", NOW + timedelta(minutes=1))}
    waiting = decide(live, "me", "here", NOW, LENGTH)
    assert (waiting.step, waiting.write, waiting.lease.holder) == (WAIT, None, "other")


def test_of_two_live_claims_the_smaller_holder_name_acts_and_the_other_steps_back():
    claims = {"a": Lease("a:1:x", NOW + LENGTH), "b": Lease("b:1:x", NOW + LENGTH)}
    assert decide(claims, "a:1:x", "a", NOW, LENGTH).step == ACT
    lost = decide(claims, "b:1:x", "b", NOW, LENGTH)
    assert (lost.step, lost.write) == (WAIT, WriteLease("b", "", None))


def test_the_holder_acts_and_renews_only_past_half_its_lease():
    fresh = decide({"here": Lease("me", NOW + timedelta(minutes=20))}, "me", "here", NOW, LENGTH)
    assert (fresh.step, fresh.write, fresh.until) == (ACT, None, NOW + timedelta(minutes=20))
    old = decide({"here": Lease("me", NOW + timedelta(minutes=14))}, "me", "here", NOW, LENGTH)
    assert (old.step, old.write.until, old.until) == (ACT, NOW + LENGTH, NOW + LENGTH)


def test_a_lease_value_a_person_mangled_counts_as_free():
    assert parse_lease("host:1:ab until 2026-03-02 09:30:00") == Lease("host:1:ab", NOW + LENGTH)
    assert parse_lease("someone typed this").free_at(NOW)
    assert parse_lease("").free_at(NOW)


# two runners on one spreadsheet -------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def machines(google, clock):
    """Two workbooks on the one fake spreadsheet, seeded with the demo."""
    google.workbook.clock = clock
    seed_demo(google.workbook, now=NOW)
    other = google_workbook(google.fake)
    other.clock = clock
    return google.workbook, other


def lease_now(workbook, now: datetime) -> Lease:
    """The live claim that wins at `now` (free if none)."""
    workbook.invalidate()
    live = [claim for claim in read_claims(workbook.table(SUMMARY)).values() if not claim.free_at(now)]
    return min(live, key=lambda claim: claim.holder) if live else Lease("", None)


def no_duplicate_alerts(workbook) -> bool:
    workbook.invalidate()
    keys = Counter(row.key for row in workbook.table(ALERTS).records() if row.status != "resolved")
    return all(count == 1 for count in keys.values())


def test_two_runners_claiming_at_the_same_moment_never_both_act(machines, clock, google):
    one, two = machines
    first, second = CycleState(holder="b:1:x", seat="b"), CycleState(holder="a:1:x", seat="a")
    # The second reads no claim and claims while the first's claim is on its way: both claim.
    reports = {}
    google.fake.before_next("batchUpdate", lambda: reports.update(second=run_cycle(two, state=second)))
    reports["first"] = run_cycle(one, state=first)
    assert reports["first"].lease.startswith("lease claimed")
    assert reports["second"].lease.startswith("lease claimed")
    assert len(read_claims(one.table(SUMMARY))) == 2

    acted = []
    for _ in range(12):  # an hour of cycles, the two runners in turn
        clock.now += timedelta(minutes=5)
        ran = [
            name
            for name, workbook, state in (("first", one, first), ("second", two, second))
            if run_cycle(workbook, state=state).ran
        ]
        assert len(ran) <= 1
        acted += ran
    assert set(acted) == {"second"} and len(acted) == 12
    assert lease_now(one, clock.now).holder == second.holder  # renewed along the way
    assert read_claims(one.table(SUMMARY))["b"].holder == ""  # the other stepped back
    assert no_duplicate_alerts(one)


def test_a_quiet_holder_writes_only_to_renew(machines, clock, google):
    one, _ = machines
    state = CycleState()
    run_cycle(one, state=state)  # claim
    writes, reads = [], []
    for _ in range(12):
        clock.now += timedelta(minutes=5)
        google.fake.reset_counts()
        run_cycle(one, state=state)
        writes.append(google.fake.count("batchUpdate"))
        reads.append(google.fake.count("values.batchGet"))
    # After the first acting cycle (the forecast's), each reads the tabs whole and the demo's
    # Stock Moves, big enough to be read by rows, from where the last cycle left it.
    assert set(reads[1:]) == {2}
    # The first acting cycle writes the alerts; after that only renewals, past half the lease.
    assert writes[0] == 1 and sum(writes[1:]) <= 4 and sum(writes[1:]) >= 1


def test_an_expired_lease_is_taken_over(machines, clock):
    one, two = machines
    gone, taker = CycleState(seat="one"), CycleState(seat="two")
    run_cycle(one, state=gone)
    clock.now += timedelta(minutes=5)
    assert run_cycle(one, state=gone).ran  # acts, then its machine dies without letting go
    until = lease_now(one, clock.now).until
    while clock.now + timedelta(minutes=5) < until:
        clock.now += timedelta(minutes=5)
        report = run_cycle(two, state=taker)
        assert not report.ran and "another runner holds the lease" in report.lease
    clock.now = until + timedelta(minutes=1)
    assert run_cycle(two, state=taker).lease.startswith("lease claimed")
    clock.now += timedelta(minutes=5)
    assert run_cycle(two, state=taker).ran
    assert lease_now(two, clock.now).holder == taker.holder
    assert no_duplicate_alerts(two)


class Sends:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, workbook, smtp) -> str:
        self.count += 1
        return "sent"


def test_the_in_app_runner_and_a_standalone_one_never_both_act(machines, clock, tmp_path):
    one, two = machines
    sends = Sends()
    in_app = JobRunner(one, run_cycle, data_dir=tmp_path / "app", smtp=SmtpSettings(), send=sends)
    in_app.state.seat = "app server"
    assert in_app.run_cycle() and in_app.state.lease.step == CLAIM
    assert not in_app.run_outbox() and sends.count == 0  # not its lease yet: no message goes out
    clock.now += timedelta(minutes=5)
    assert in_app.run_cycle() and in_app.state.lease.step == ACT
    assert in_app.run_outbox() and sends.count == 1

    said, standalone_sends = [], Sends()
    code = run_once(
        two,
        run_cycle,
        data_dir=tmp_path / "jobs",
        smtp=SmtpSettings(),
        send=standalone_sends,
        out=said.append,
        settle_seconds=0,
    )
    assert code == 0
    assert "another runner holds the lease" in said[0] and standalone_sends.count == 0
    assert lease_now(two, clock.now).holder == in_app.state.holder

    in_app.stop()  # releases the lease: the standalone runner may act at once
    assert lease_now(one, clock.now).free_at(clock.now)
    said = []
    code = run_once(
        two,
        run_cycle,
        data_dir=tmp_path / "jobs",
        smtp=SmtpSettings(),
        send=standalone_sends,
        out=said.append,
        settle_seconds=0,
    )
    assert code == 0 and standalone_sends.count == 1
    assert said[0].startswith("lease claimed") and "alerts opened" in said[1]
    assert lease_now(two, clock.now).free_at(clock.now)  # released at the end
    assert no_duplicate_alerts(two)
