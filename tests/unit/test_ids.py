"""Record IDs: short, readable, prefixed, unique without coordination."""

import re
import subprocess
import sys

from sheets.ids import ALPHABET, looks_like_id, new_id


def test_an_id_is_a_prefix_and_twelve_unambiguous_characters():
    record_id = new_id("ORD")
    assert re.fullmatch(r"ORD-[0-9A-Z]{12}", record_id)
    assert not set(record_id[4:]) & set("ILOU")
    assert looks_like_id("ORD", record_id)


def test_one_process_never_repeats_an_id_even_within_one_second():
    ids = [new_id("MOV", now=1_800_000_000) for _ in range(50_000)]
    assert len(set(ids)) == len(ids)


def test_ids_sort_by_creation_time():
    assert new_id("PO", now=1_800_000_000) < new_id("PO", now=1_800_000_001)


def test_two_processes_creating_ids_at_once_do_not_collide():
    code = "from sheets.ids import new_id\nprint('\\n'.join(new_id('TCK') for _ in range(20000)))"
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    ids = [line for run in runs for line in run.stdout.split()]
    assert len(ids) == 40000
    assert len(set(ids)) == len(ids)
    assert all(char in ALPHABET for record_id in ids for char in record_id[4:])
