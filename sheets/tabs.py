"""The data model: every tab of the workbook, declared once.

Tab names are human readable because people edit them. Column names are the
app's and are the headers `init` writes. Record tabs end with `updated_at`
and `updated_by`, the stamps behind the optimistic check.
"""

from __future__ import annotations

from sheets.schema import Column, Kind, RowRule, Tab

TEXT, INT, NUMBER, BOOL, DATE, DATETIME = (
    Kind.TEXT,
    Kind.INT,
    Kind.NUMBER,
    Kind.BOOL,
    Kind.DATE,
    Kind.DATETIME,
)

PRIORITIES = ("low", "normal", "high", "urgent")
#: The parts of the company, in the order the navigation lists them; each tab belongs to one.
SECTIONS = (
    "Procurement",
    "Inventory",
    "Orders",
    "Customer service",
    "After-sales",
    "Improvement",
    "Management",
)
ROLES = ("staff", "manager", "admin")


def col(name: str, kind: Kind = TEXT, **options) -> Column:
    return Column(name, kind, **options)


#: Sanity limits: no stock quantity and no amount of money in a small shop's record goes beyond these.
MOST_UNITS = 1_000_000
MOST_MONEY = 100_000_000


def quantity(name: str, at_least: int = 0, **options) -> Column:
    """A count of units: a whole number from `at_least` up to MOST_UNITS."""
    return Column(name, INT, minimum=at_least, maximum=MOST_UNITS, **options)


def money(name: str, **options) -> Column:
    """An amount of money: 0 or more, up to MOST_MONEY."""
    return Column(name, NUMBER, minimum=0, maximum=MOST_MONEY, **options)


def days(name: str, **options) -> Column:
    return Column(name, INT, minimum=0, maximum=3650, **options)


def key_col(name: str) -> Column:
    return Column(name, TEXT, required=True, description="Identifier; assigned by the app")


def stamps() -> tuple[Column, ...]:
    return (
        col("updated_at", DATETIME, description="When the app last changed this row"),
        col("updated_by", description="Who last changed this row through the app"),
    )


def record_tab(
    name: str,
    key: str,
    *columns: Column,
    prefix: str | None,
    about: str,
    section: str,
    grows: bool = False,
    lookups: tuple[str, ...] = (),
) -> Tab:
    return Tab(
        name=name,
        key=(key,),
        columns=(key_col(key), *columns, *stamps()),
        id_prefix=prefix,
        description=about,
        section=section,
        grows=grows,
        lookups=lookups,
    )


SETTINGS = record_tab(
    "Settings",
    "key",
    col("value"),
    col("description"),
    prefix=None,
    about="Thresholds and deadlines the procedures and jobs use",
    section="Management",
)

PRODUCTS = record_tab(
    "Products",
    "sku",
    col("name", required=True),
    col("category"),
    col("unit", default="pcs"),
    money("unit_cost"),
    money("price"),
    col("active", BOOL, default=True),
    col("supplier_id", description="The usual supplier: its lead time plans the reorder point"),
    quantity("pack_size", at_least=1, description="Bought in multiples of this many units"),
    quantity("min_order_qty", description="The supplier's minimum order quantity"),
    col(
        "do_not_reorder",
        BOOL,
        default=False,
        description="TRUE: never raise a purchase request for it automatically",
    ),
    col(
        "barcode",
        description="The code on the product (EAN, UPC or any other); scanning it or the SKU finds the product",
        optional=True,
    ),
    prefix=None,
    about="What the company sells and buys",
    section="Inventory",
)

LOCATIONS = record_tab(
    "Locations",
    "location_id",
    col("name", required=True),
    col("kind", choices=("warehouse", "store"), default="warehouse"),
    col("active", BOOL, default=True),
    prefix="LOC",
    about="Warehouses and stores that hold stock",
    section="Inventory",
)

SUPPLIERS = record_tab(
    "Suppliers",
    "supplier_id",
    col("name", required=True),
    col("contact"),
    col("email"),
    col("phone"),
    col("rating", NUMBER, minimum=1, maximum=5, description="Manual rating, 1 to 5"),
    days("lead_time_days"),
    col("active", BOOL, default=True),
    col("notes"),
    prefix="SUP",
    about="Who the company buys from",
    section="Procurement",
)

STOCK = Tab(
    name="Stock",
    key=("sku", "location_id"),
    columns=(
        col("sku", required=True),
        col("location_id", required=True),
        col("on_hand", INT, default=0),
        col("reserved", INT, default=0),
        quantity("min_qty", default=0),
        quantity("max_qty", default=0, description="0: no maximum"),
        col("last_counted_at", DATETIME),
        col(
            "bin",
            description="Where in the location it is kept (aisle, shelf, bin); pick lists walk by it",
            optional=True,
        ),
        *stamps(),
    ),
    description="Stock per product per location, with min and max",
    row_rules=(
        RowRule(
            ("min_qty", "max_qty"),
            lambda row: not row.get("max_qty") or (row.get("min_qty") or 0) <= row["max_qty"],
            "the minimum must not be above the maximum (a maximum of 0 means none)",
        ),
    ),
    section="Inventory",
)

MOVE_REASONS = ("receipt", "shipment", "transfer", "adjustment", "return")

STOCK_MOVES = record_tab(
    "Stock Moves",
    "move_id",
    col("at", DATETIME, required=True),
    col("sku", required=True),
    col("from_location"),
    col("to_location"),
    col("qty", INT, required=True, minimum=-MOST_UNITS, maximum=MOST_UNITS),
    col("reason", choices=MOVE_REASONS, required=True),
    col("ref"),
    col("by"),
    prefix="MOV",
    about="The ledger: every change of stock is one row",
    section="Inventory",
    grows=True,
)

PURCHASE_REQUESTS = record_tab(
    "Purchase Requests",
    "request_id",
    col("created_at", DATETIME),
    col("requested_by"),
    col("department"),
    col("sku", required=True),
    quantity("qty", at_least=1, required=True),
    col("needed_by", DATE),
    col("reason"),
    col("location_id", description="Where the goods are needed"),
    col("source", choices=("manual", "auto"), default="manual"),
    col(
        "status",
        choices=("open", "quoting", "ordered", "closed", "cancelled"),
        default="open",
    ),
    col(
        "cancel_reason",
        description="Why it was cancelled; an automatic request's reason snoozes the same need",
    ),
    prefix="PR",
    about="Requests to buy stock, typed by staff or raised by demand planning",
    section="Procurement",
)

QUOTES = record_tab(
    "Quotes",
    "quote_id",
    col("request_id", required=True),
    col("supplier_id", required=True),
    money("unit_price", required=True),
    days("lead_time_days"),
    col("valid_until", DATE),
    col("received_at", DATETIME),
    col("notes"),
    prefix="QT",
    about="Supplier quotes against a purchase request",
    section="Procurement",
)

PURCHASE_ORDERS = record_tab(
    "Purchase Orders",
    "po_id",
    col("request_id"),
    col("supplier_id", required=True),
    col("sku", required=True),
    quantity("qty", at_least=1, required=True),
    money("unit_price"),
    money("total"),
    col(
        "status",
        choices=(
            "draft",
            "awaiting_approval",
            "approved",
            "ordered",
            "partially_received",
            "received",
            "cancelled",
        ),
        default="draft",
    ),
    col("approved_by"),
    col("ordered_at", DATETIME),
    col("expected_at", DATE),
    col("contract_ref"),
    col("selection_reason"),
    col("quote_id", description="The quote the supplier was chosen on"),
    col("location_id", description="Where the goods are delivered"),
    col("exception_reason", description="Why fewer than three quotes were accepted, and by which manager"),
    col("raised_by", description="Who chose the supplier, or submitted the draft: not its approver"),
    col("short_reason", description="Why the order was closed with less received than ordered"),
    prefix="PO",
    about="Orders placed with suppliers",
    section="Procurement",
)

RECEIPTS = record_tab(
    "Receipts",
    "receipt_id",
    col("po_id", required=True),
    col("received_at", DATETIME),
    col("location_id", required=True),
    quantity("qty_received", required=True),
    quantity("qty_accepted"),
    quantity("qty_rejected"),
    col("inspection_notes"),
    col("received_by"),
    prefix="RCV",
    about="Deliveries received against purchase orders, with inspection",
    section="Procurement",
)

STOCK_COUNTS = record_tab(
    "Stock Counts",
    "count_id",
    col("session_id", required=True),
    col("location_id", required=True),
    col("sku", required=True),
    col("book_qty", INT),
    quantity("counted_qty"),
    col("variance", INT),
    col("status", choices=("open", "counted", "approved", "rejected"), default="open"),
    col("counted_by"),
    col("counted_at", DATETIME),
    col("approved_by"),
    prefix="CNT",
    about="Stocktake lines: blind counts, variances and their approval",
    section="Inventory",
)

TRANSFERS = record_tab(
    "Transfers",
    "transfer_id",
    col("sku", required=True),
    col("from_location", required=True),
    col("to_location", required=True),
    quantity("qty", at_least=1, required=True),
    col(
        "status",
        choices=("requested", "in_transit", "received", "cancelled"),
        default="requested",
    ),
    col("requested_by"),
    col("requested_at", DATETIME),
    col("shipped_at", DATETIME),
    col("received_at", DATETIME),
    quantity("qty_received", description="What the destination counted on arrival"),
    col("discrepancy", description="Sent and counted differ: how many, and what was found"),
    prefix="TRF",
    about="Stock moved between locations",
    section="Inventory",
)

ORDER_STATUSES = (
    "new",
    "confirmed",
    "paid",
    "picking",
    "packed",
    "shipped",
    "delivered",
    "cancelled",
)
#: The stages a payment moves through, in order; refunded and voided both end it.
PAYMENT_STAGES = (("pending",), ("paid",), ("partially_refunded",), ("refunded", "voided"))
PAYMENT_STATUSES = tuple(status for stage in PAYMENT_STAGES for status in stage)

ORDERS = record_tab(
    "Orders",
    "order_id",
    col(
        "channel",
        choices=("shopify", "manual", "marketplace", "phone"),
        default="manual",
    ),
    col("external_ref"),
    col("customer_name", required=True),
    col("customer_email"),
    col("ship_address"),
    col("created_at", DATETIME),
    col("status", choices=ORDER_STATUSES, default="new"),
    col("payment_status", choices=PAYMENT_STATUSES, default="pending"),
    col("paid_at", DATETIME),
    money("total", description="What the customer pays, shipping and tax included"),
    money("subtotal", description="The items, before shipping and tax, as the channel reported it"),
    money("shipping", description="Shipping charged, as the channel reported it"),
    money("tax", description="Tax charged, as the channel reported it"),
    col("currency", description="Currency code of the amounts (EUR, USD ...)"),
    col("location_id"),
    col("carrier"),
    col("tracking_no"),
    col("shipped_at", DATETIME),
    col("delivered_at", DATETIME),
    col("return_id", description="The return or exchange this order sends the replacement for"),
    prefix="ORD",
    about="Customer orders from every channel",
    section="Orders",
    grows=True,
)

ORDER_LINES = record_tab(
    "Order Lines",
    "line_id",
    col("order_id", required=True),
    col("sku", required=True),
    quantity("qty", required=True),
    money("unit_price"),
    prefix="OL",
    about="The items of each order",
    section="Orders",
    grows=True,
    lookups=("order_id",),
)

TICKETS = record_tab(
    "Tickets",
    "ticket_id",
    col("kind", choices=("inquiry", "complaint"), default="inquiry"),
    col("order_id"),
    col("customer_name"),
    col("customer_email"),
    col("subject", required=True),
    col("details"),
    col("priority", choices=PRIORITIES, default="normal"),
    col(
        "status",
        choices=("open", "in_progress", "waiting_on_customer", "resolved", "closed"),
        default="open",
    ),
    col("assignee"),
    col("opened_at", DATETIME),
    col("due_at", DATETIME),
    col("first_response_at", DATETIME),
    col("resolved_at", DATETIME),
    col("resolution"),
    col("notes", description="Replies and internal notes, newest last"),
    col("paused_since", DATETIME, description="When the ticket started waiting on the customer"),
    col(
        "paused_hours",
        NUMBER,
        default=0,
        minimum=0,
        description="Hours spent waiting on the customer (not counted)",
    ),
    prefix="TCK",
    about="Customer inquiries and complaints with a resolution deadline",
    section="Customer service",
    grows=True,
)

#: Who wrote a message of a ticket's conversation: the customer (in), staff to the customer (out),
#: staff to staff (internal: never emailed).
MESSAGE_DIRECTIONS = ("in", "out", "internal")

MESSAGES = record_tab(
    "Messages",
    "message_id",
    col("ticket_id", required=True),
    col("direction", choices=MESSAGE_DIRECTIONS, default="in"),
    col("author", description="The customer's address, or the staff member's login"),
    col("at", DATETIME),
    col("subject"),
    col("body"),
    col("email_message_id", description="The email's Message-ID header: a mail is recorded once"),
    col("attachments", description="The files kept with the message, one name a line"),
    prefix="CNV",
    about="Each ticket's conversation: customers' emails, staff replies and internal notes",
    section="Customer service",
    grows=True,
    lookups=("ticket_id",),
)

SURVEYS = record_tab(
    "Surveys",
    "survey_id",
    col("ref", required=True, description="The order or ticket surveyed"),
    col("token"),
    col("sent_at", DATETIME),
    col("answered_at", DATETIME),
    col("score", INT, minimum=1, maximum=5, description="1 to 5"),
    col("comment"),
    prefix="SRV",
    about="Satisfaction surveys after a delivery or a resolved ticket",
    section="Customer service",
    grows=True,
)

RETURNS = record_tab(
    "Returns",
    "return_id",
    col("order_id", required=True),
    col("sku", required=True),
    quantity("qty", at_least=1, required=True),
    col("kind", choices=("return", "exchange"), default="return"),
    col("reason"),
    col("requested_at", DATETIME),
    col(
        "status",
        choices=("requested", "approved", "rejected", "received", "closed"),
        default="requested",
    ),
    col("reviewed_by"),
    col("decision_note"),
    col("inspection_notes"),
    col("disposition", choices=("restock", "write_off")),
    quantity("restock_qty"),
    money("refund_amount"),
    col(
        "refund_status",
        choices=("none", "pending", "awaiting_approval", "approved", "paid"),
        default="none",
    ),
    col("refund_set_by", description="Who set the refund amount: not its approver"),
    col("refund_ref"),
    col("refunded_at", DATETIME),
    col("replacement_order_id"),
    col(
        "photos", description="File names of the customer's photos, in the data folder's return-photos folder"
    ),
    col("exchange_sku", description="For an exchange: the item wanted instead; blank for the same item"),
    Column(
        "price_difference",
        NUMBER,
        minimum=-MOST_MONEY,
        maximum=MOST_MONEY,
        description="For an exchange: what the new items cost more than the returned ones were paid "
        "(below 0: what they cost less, refunded to the customer)",
    ),
    prefix="RET",
    about="Return and exchange requests, inspection and refunds",
    section="After-sales",
    grows=True,
    lookups=("order_id",),
)

ALERTS = record_tab(
    "Alerts",
    "alert_id",
    col("key", required=True, description="One open alert per condition"),
    col("kind"),
    col("severity", choices=("info", "warning", "breach"), default="warning"),
    col("ref"),
    col("message"),
    col("owner_role", choices=ROLES, default="manager"),
    col("status", choices=("open", "acknowledged", "resolved"), default="open"),
    col("first_seen", DATETIME),
    col("last_seen", DATETIME),
    col("resolved_at", DATETIME),
    prefix="ALR",
    about="Conditions the scheduled checks found; managers read them here",
    section="Management",
)
#: An alert's states: raised by a check, seen by a manager, its condition cleared.
ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_RESOLVED = ALERTS.column("status").choices
#: An alert still standing (its condition holds), seen or not: one per condition.
ALERT_ACTIVE = (ALERT_OPEN, ALERT_ACKNOWLEDGED)

SUMMARY = Tab(
    name="Summary",
    key=("section", "figure"),
    columns=(
        col("section", required=True),
        col("figure", required=True),
        col("value"),
        col("as_of", DATETIME),
    ),
    description="Rewritten by the jobs for managers",
    section="Management",
)

FORECAST = Tab(
    name="Forecast",
    key=("sku", "location_id"),
    columns=(
        col("sku", required=True),
        col("location_id", required=True),
        col("daily_demand", NUMBER, description="Forecast units per day over lead time and review period"),
        col("demand_over_lead_time", NUMBER, description="Forecast units sold while an order is on its way"),
        col("safety_stock", NUMBER, description="Units kept against forecast error, at the service level"),
        col("reorder_point", INT, description="Projected stock at or below this raises a purchase request"),
        col("suggested_qty", INT, description="Units to buy now (0: none needed)"),
        col("days_of_cover", NUMBER, description="Days the projected stock lasts at the forecast rate"),
        col("method", description="The forecasting method the backtest chose for this series"),
        col("accuracy", NUMBER, description="Backtest error of the method (WAPE: 0.2 = off by 20% of units)"),
        col("history_days", INT, description="Days of sales history the forecast stands on"),
        col("computed_at", DATETIME, description="When the forecast was computed"),
        col("baseline_accuracy", NUMBER, description="Backtest error of the seasonal-naive baseline (WAPE)"),
        col("error_sd", NUMBER, description="Standard deviation of the daily forecast error, in units"),
        col("lead_time_days", INT, description="The lead time planned with"),
        col("projected", INT, description="On hand - reserved + incoming (purchase orders and transfers)"),
        col("transfer_from", description="A location with stock to spare for this one"),
        col("transfer_qty", INT, description="Units to move from transfer_from"),
        col("note", description="Why nothing is bought: do not reorder, snoozed ..."),
    ),
    description="Demand forecast and stock plan per product and location; rewritten by the jobs",
    section="Procurement",
)

FORECAST_RUNS = record_tab(
    "Forecast Runs",
    "run_id",
    col("run_at", DATETIME, required=True),
    col("series", INT, description="Product and location series forecast"),
    col("seconds", NUMBER, description="How long the forecast took"),
    col("accuracy", NUMBER, description="Backtest error of the chosen methods, all series (WAPE)"),
    col("baseline_accuracy", NUMBER, description="Backtest error of the seasonal-naive baseline (WAPE)"),
    col(
        "realised_error",
        NUMBER,
        description="The previous forecast against what sold since it was made (WAPE)",
    ),
    col("stockout_days", INT, description="Days since the previous run with demand and no stock"),
    prefix="FCR",
    about="Each computation of the forecast and how accurate it was: the review reads it",
    section="Procurement",
)

SUGGESTIONS = record_tab(
    "Suggestions",
    "suggestion_id",
    col("submitted_by"),
    col("submitted_at", DATETIME),
    col("process"),
    col("text", required=True),
    col("votes", INT, default=0, minimum=0),
    col("voters", description="Who voted, one login name each, separated by commas"),
    col("status", choices=("open", "adopted", "rejected"), default="open"),
    col("decided_by"),
    col("decision"),
    prefix="SUG",
    about="Staff suggestions to improve the procedures, and their decisions",
    section="Improvement",
)

OUTBOX = record_tab(
    "Outbox",
    "message_id",
    col("created_at", DATETIME),
    col("to", required=True),
    col("subject"),
    col("body"),
    col("ref"),
    col("status", choices=("queued", "sent", "failed"), default="queued"),
    col("attempts", INT, default=0),
    col("sent_at", DATETIME),
    col("error"),
    col("email_message_id", description="The Message-ID it is sent with, made when it is queued"),
    col("in_reply_to", description="The Message-ID of the email it answers"),
    col("references", description="The Message-IDs of the conversation so far"),
    prefix="MSG",
    about="Customer notifications waiting to be sent, and what became of them",
    section="Management",
    grows=True,
)
#: A message's states: waiting to be sent, sent, or not sent (tried again while attempts are left).
OUTBOX_QUEUED, OUTBOX_SENT, OUTBOX_FAILED = OUTBOX.column("status").choices

AUDIT = Tab(
    name="Audit",
    key=("audit_id",),
    columns=(
        key_col("audit_id"),
        col("at", DATETIME, required=True),
        col("user"),
        col("action", required=True),
        col("tab"),
        col("record_id"),
        col("changes"),
    ),
    id_prefix="AUD",
    append_only=True,
    description="Every change made through the app: who, when, what",
    section="Management",
)

ALL_TABS: tuple[Tab, ...] = (
    SETTINGS,
    PRODUCTS,
    LOCATIONS,
    SUPPLIERS,
    STOCK,
    STOCK_MOVES,
    PURCHASE_REQUESTS,
    QUOTES,
    PURCHASE_ORDERS,
    RECEIPTS,
    STOCK_COUNTS,
    TRANSFERS,
    ORDERS,
    ORDER_LINES,
    TICKETS,
    MESSAGES,
    SURVEYS,
    RETURNS,
    ALERTS,
    SUMMARY,
    FORECAST,
    FORECAST_RUNS,
    SUGGESTIONS,
    OUTBOX,
    AUDIT,
)

TABS_BY_NAME: dict[str, Tab] = {tab.name: tab for tab in ALL_TABS}
if any(tab.section not in SECTIONS for tab in ALL_TABS):
    raise ValueError("every tab declares one of SECTIONS as its section")


def tab_named(name: str) -> Tab:
    try:
        return TABS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"there is no tab called {name!r}") from None
