"""The Settings tab's thresholds: declared once, a person's typo falls back to the default."""

from sheets.settings import BY_KEY, read_setting


def test_a_value_typed_as_text_is_read():
    assert read_setting(BY_KEY["po_approval_limit"], "7,500") == (7500.0, None)


def test_a_blank_value_means_the_default():
    assert read_setting(BY_KEY["return_window_days"], "") == (30, None)


def test_a_wrong_or_negative_value_falls_back_to_the_default_and_says_so():
    value, problem = read_setting(BY_KEY["sla_hours_high"], "a day")
    assert value == 24 and "default 24 is in force" in problem
    value, problem = read_setting(BY_KEY["unpaid_timeout_hours"], -5)
    assert value == 48 and "at least 0" in problem
