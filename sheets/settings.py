"""The thresholds in the Settings tab, declared once with meaning, unit and default.

`init` writes a row for each setting that is missing; a value a person typed
that cannot be read falls back to the default here (and is a data issue).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sheets.cells import CellError, parse_cell
from sheets.schema import Kind


@dataclass(frozen=True)
class Setting:
    key: str
    kind: Kind
    default: Any
    unit: str
    description: str
    minimum: float | None = 0
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # a text setting's allowed values


DECLARED: tuple[Setting, ...] = (
    Setting(
        "sla_hours_urgent",
        Kind.NUMBER,
        4,
        "hours",
        "Resolution deadline for urgent tickets",
    ),
    Setting(
        "sla_hours_high",
        Kind.NUMBER,
        24,
        "hours",
        "Resolution deadline for high tickets",
    ),
    Setting(
        "sla_hours_normal",
        Kind.NUMBER,
        48,
        "hours",
        "Resolution deadline for normal tickets",
    ),
    Setting(
        "sla_hours_low",
        Kind.NUMBER,
        120,
        "hours",
        "Resolution deadline for low tickets",
    ),
    Setting(
        "unpaid_timeout_hours",
        Kind.NUMBER,
        48,
        "hours",
        "An order unpaid this long raises an alert",
    ),
    Setting(
        "refund_approval_limit",
        Kind.NUMBER,
        200,
        "money",
        "Refunds above this need a manager",
    ),
    Setting(
        "po_approval_limit",
        Kind.NUMBER,
        5000,
        "money",
        "Purchase orders above this need a manager",
    ),
    Setting(
        "return_window_days",
        Kind.INT,
        30,
        "days",
        "Days after delivery a customer may ask for a return",
    ),
    Setting(
        "return_photos_max",
        Kind.INT,
        4,
        "photos",
        "How many photos a customer may add to a return request",
        maximum=20,
    ),
    Setting(
        "return_photo_max_mb",
        Kind.NUMBER,
        8,
        "MB",
        "Largest photo a customer may add to a return request",
        minimum=0.1,
        maximum=50,
    ),
    Setting(
        "return_reasons",
        Kind.TEXT,
        "Wrong size; Not as described; Damaged or faulty; Arrived too late; Changed my mind; Other",
        "list",
        "The reasons a customer may choose from when asking for a return, separated by semicolons",
        minimum=None,
    ),
    Setting(
        "stocktake_interval_days",
        Kind.INT,
        90,
        "days",
        "Each location is counted at least this often",
    ),
    Setting(
        "paid_unshipped_hours",
        Kind.NUMBER,
        72,
        "hours",
        "A paid order not shipped this long after payment raises an alert",
    ),
    Setting(
        "quote_wait_hours",
        Kind.NUMBER,
        72,
        "hours",
        "A purchase request still collecting quotes this long raises an alert",
    ),
    Setting(
        "po_approval_wait_hours",
        Kind.NUMBER,
        24,
        "hours",
        "A purchase order awaiting a manager's approval this long raises an alert",
    ),
    Setting(
        "ticket_due_soon_percent",
        Kind.NUMBER,
        25,
        "percent",
        "A ticket with this share of its SLA window or less left raises a warning",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "first_response_hours",
        Kind.NUMBER,
        8,
        "hours",
        "A ticket without a first reply this long after opening raises an alert",
    ),
    Setting(
        "return_review_hours",
        Kind.NUMBER,
        48,
        "hours",
        "A return request not reviewed this long raises an alert",
    ),
    Setting(
        "refund_payment_hours",
        Kind.NUMBER,
        48,
        "hours",
        "An approved refund not paid this long after approval raises an alert",
    ),
    # How long the other steps of the procedures may take (processes/*: each Transition's deadline).
    Setting(
        "order_confirm_hours",
        Kind.NUMBER,
        24,
        "hours",
        "A new order should be confirmed within this many hours of arriving",
    ),
    Setting(
        "order_delivery_days",
        Kind.NUMBER,
        10,
        "days",
        "A shipped order should be marked delivered within this many days of shipping",
    ),
    Setting(
        "return_settle_hours",
        Kind.NUMBER,
        48,
        "hours",
        "A received return should be refunded or replaced within this many hours",
    ),
    Setting(
        "refund_approval_wait_hours",
        Kind.NUMBER,
        24,
        "hours",
        "A refund above the limit should be approved by a manager within this many hours",
    ),
    Setting(
        "supplier_choice_hours",
        Kind.NUMBER,
        120,
        "hours",
        "A purchase request should have its supplier chosen within this many hours of being raised",
    ),
    Setting(
        "po_send_hours",
        Kind.NUMBER,
        48,
        "hours",
        "An approved purchase order should be sent to the supplier within this many hours",
    ),
    Setting(
        "stocktake_count_hours",
        Kind.NUMBER,
        24,
        "hours",
        "A started stocktake should be counted within this many hours",
    ),
    Setting(
        "stocktake_approval_hours",
        Kind.NUMBER,
        48,
        "hours",
        "A counted stocktake should be approved or rejected within this many hours",
    ),
    Setting(
        "transfer_ship_hours",
        Kind.NUMBER,
        48,
        "hours",
        "A requested transfer should be shipped within this many hours",
    ),
    Setting(
        "transfer_receive_hours",
        Kind.NUMBER,
        72,
        "hours",
        "A transfer in transit should be received within this many hours of shipping",
    ),
    # Demand planning (processes/planning).
    Setting(
        "forecast_interval_hours",
        Kind.NUMBER,
        24,
        "hours",
        "The demand forecast is computed again at most this often",
        minimum=1,
    ),
    Setting(
        "service_level_percent",
        Kind.NUMBER,
        95,
        "percent",
        "Chance that stock lasts until a purchase arrives: sets the safety stock",
        minimum=50,
        maximum=99.9,
    ),
    Setting(
        "review_period_days",
        Kind.INT,
        7,
        "days",
        "A purchase covers the lead time plus this many days of forecast demand",
        minimum=1,
    ),
    Setting(
        "default_lead_time_days",
        Kind.INT,
        14,
        "days",
        "Lead time planned with when neither the product's supplier nor a past order gives one",
        minimum=1,
    ),
    Setting("jobs_cycle_minutes", Kind.NUMBER, 5, "minutes", "How often the scheduled checks run", minimum=1),
    Setting(
        "outbox_send_minutes",
        Kind.NUMBER,
        1,
        "minutes",
        "How often queued customer messages are sent",
        minimum=1,
    ),
    Setting(
        "shop_sync_minutes",
        Kind.NUMBER,
        15,
        "minutes",
        "How often a connected shop is asked for the orders changed since the last sync, and for unpaid orders' payment",
        minimum=1,
    ),
    # How often each area's checks run, at most once per cycle; 0 means every cycle.
    Setting(
        "check_stock_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the stock checks run (0: every cycle)",
    ),
    Setting(
        "check_locations_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the locations and transfers checks run (0: every cycle)",
    ),
    Setting(
        "check_procurement_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the procurement checks run (0: every cycle)",
    ),
    Setting(
        "check_orders_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the orders checks run (0: every cycle)",
    ),
    Setting(
        "check_service_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the customer service checks run (0: every cycle)",
    ),
    Setting(
        "check_aftersales_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the after-sales checks run (0: every cycle)",
    ),
    Setting(
        "check_data_minutes",
        Kind.NUMBER,
        0,
        "minutes",
        "How often the data checks run (0: every cycle)",
    ),
    Setting(
        "archive_after_days",
        Kind.INT,
        90,
        "days",
        "Closed records (delivered or cancelled orders, resolved tickets, closed returns, sent messages) and "
        "Audit rows and stock moves older than this go to the archive",
        minimum=1,
    ),
    Setting(
        "cell_budget",
        Kind.INT,
        10_000_000,
        "cells",
        "How many cells the live spreadsheet may hold (Google's limit is 10 million)",
        minimum=1000,
    ),
    Setting(
        "cell_budget_warn_percent",
        Kind.NUMBER,
        80,
        "percent",
        "Warn when the live spreadsheet holds this share of its cell budget",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "archive_interval_days",
        Kind.NUMBER,
        1,
        "days",
        "How often the scheduled archive runs (it moves whatever has closed since)",
        minimum=1,
    ),
    Setting(
        "sheet_language",
        Kind.TEXT,
        "en",
        "language",
        "The language the scheduled checks write alert messages in: en (English) or zh (Chinese)",
        minimum=None,
        choices=("en", "zh"),
    ),
    Setting(
        "segregation_of_duties",
        Kind.TEXT,
        "on",
        "on/off",
        "on: whoever requested a purchase or chose its supplier does not approve the order, "
        "and whoever set a refund does not approve it; off: anyone with the permission may",
        minimum=None,
        choices=("on", "off"),
    ),
    Setting(
        "customer_language",
        Kind.TEXT,
        "en",
        "language",
        "The language of the messages customers get: en (English) or zh (Chinese)",
        minimum=None,
        choices=("en", "zh"),
    ),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in DECLARED}


def check_value(setting: Setting, raw: Any) -> tuple[Any, str | None]:
    """The typed value of `raw` for `setting`, or None and why it does not fit."""
    if raw is None or raw == "":
        return None, "a value is required"
    try:
        value = parse_cell(setting.kind, raw)
    except CellError as error:
        return None, str(error)
    if setting.choices:
        value = str(value).strip().lower()
        if value not in setting.choices:
            return None, f"must be one of {', '.join(setting.choices)}"
        return value, None
    if setting.minimum is not None and value < setting.minimum:
        return None, f"must be at least {setting.minimum:g}"
    if setting.maximum is not None and value > setting.maximum:
        return None, f"must be at most {setting.maximum:g}"
    return value, None


def read_setting(setting: Setting, raw: Any) -> tuple[Any, str | None]:
    """The value in force for `setting` given the raw cell, and why the default is used if it is."""
    if raw is None or raw == "":
        return setting.default, None
    value, problem = check_value(setting, raw)
    if problem:
        return setting.default, f"{problem}; the default {setting.default} is in force"
    return value, None
