"""A scan session's tally: what a code is, and what each scan does against what is expected."""

from __future__ import annotations

from processes.scanning import CodeBook, Outcome, Tally, normal_code

BOOK = CodeBook(
    products={"KIT001": "KIT-001", "KIT-001": "KIT-001", "4006381333931": "KIT-001", "KIT-002": "KIT-002"},
    names={"KIT-001": "Kettle", "KIT-002": "Pan"},
    places={"LOC-A": "LOC-A", "A-03": "A-03"},
)


def test_a_code_is_read_whatever_its_case_blanks_and_leading_zeros():
    assert normal_code(" kit-001 ") == "KIT-001"
    assert normal_code("04006381333931") == normal_code("4006381333931")
    assert normal_code("000") == "0"
    assert BOOK.product("0004006381333931") == "KIT-001"
    assert BOOK.product("kit-002") == "KIT-002"
    assert BOOK.product("nothing") is None


def test_each_scan_counts_one_unit_until_the_line_is_complete():
    tally = Tally(expected={"KIT-001": 2, "KIT-002": 1})

    assert tally.scan(BOOK, "4006381333931") == (Outcome.COUNTED, "KIT-001")
    assert tally.scan(BOOK, "KIT-001") == (Outcome.COMPLETE, "KIT-001")
    assert tally.scan(BOOK, "KIT-001") == (Outcome.TOO_MANY, "KIT-001")
    assert tally.counted("KIT-001") == 2
    assert tally.missing() == {"KIT-002": 1} and not tally.complete
    assert tally.scan(BOOK, "kit-002")[0] is Outcome.COMPLETE
    assert tally.complete


def test_a_wrong_or_unknown_item_is_not_counted():
    tally = Tally(expected={"KIT-001": 1})

    assert tally.scan(BOOK, "KIT-002") == (Outcome.NOT_EXPECTED, "KIT-002")
    assert tally.scan(BOOK, "no such code") == (Outcome.UNKNOWN, "")
    assert tally.counts == {}
    assert not Outcome.NOT_EXPECTED.good and not Outcome.UNKNOWN.good


def test_without_a_list_anything_known_counts_and_a_place_scanned_first_is_kept():
    tally = Tally()

    assert tally.scan(BOOK, "a-03") == (Outcome.PLACE, "A-03")
    assert tally.scan(BOOK, "KIT-002", qty=5) == (Outcome.COUNTED, "KIT-002")
    assert tally.scan(BOOK, "KIT-002") == (Outcome.COUNTED, "KIT-002")
    assert (tally.place, tally.counted("KIT-002")) == ("A-03", 6)
    tally.set("KIT-002", 4)
    assert tally.counted("KIT-002") == 4


def test_a_session_the_browser_kept_goes_on_with_its_key_and_counts():
    first = Tally(expected={"KIT-001": 2})
    first.scan(BOOK, "KIT-001")
    kept = first.kept()

    again = Tally(expected={"KIT-001": 2})
    again.take_back(kept)

    assert (again.key, again.counts) == (first.key, {"KIT-001": 1})
    again.take_back({"key": "x", "counts": {"KIT-001": 9, "KIT-009": 1, "KIT-002": "a"}}, known=["KIT-001"])
    assert again.counts == {"KIT-001": 2}  # never more than expected, nothing unknown or unreadable


def test_a_product_on_several_lines_fills_them_in_turn():
    tally = Tally(expected={"LOC-A|KIT-001": 1, "LOC-B|KIT-001": 2})

    assert tally.add_to_first(["LOC-A|KIT-001", "LOC-B|KIT-001"]) == (Outcome.COMPLETE, "LOC-A|KIT-001")
    assert tally.add_to_first(["LOC-A|KIT-001", "LOC-B|KIT-001"]) == (Outcome.COUNTED, "LOC-B|KIT-001")
    assert tally.add_to_first(["LOC-A|KIT-001", "LOC-B|KIT-001"]) == (Outcome.COMPLETE, "LOC-B|KIT-001")
    assert tally.add_to_first(["LOC-A|KIT-001", "LOC-B|KIT-001"])[0] is Outcome.TOO_MANY
    assert tally.add_to_first([]) == (Outcome.NOT_EXPECTED, "")
