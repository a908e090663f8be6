"""The quotes of a request side by side, and the one recommended, with the reason.

The recommendation weighs price and reputation: each valid quote scores
PRICE_WEIGHT x (lowest price / its price) + REPUTATION_WEIGHT x the
supplier's reputation score (NEUTRAL_REPUTATION for a supplier without
history). Quotes that would arrive after the needed-by date are passed over
while another arrives in time. Ties go to the lower price, then the earlier arrival.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from i18n import _
from processes.errors import ProcessError
from sheets.table import Record, Table
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS, QUOTES, RECEIPTS, SUPPLIERS
from sheets.workbook import Workbook

from .quotes import QUOTES_NEEDED, quote_problem, quotes_for, valid_suppliers
from .reputation import Reputation, reputations

PRICE_WEIGHT = 0.6
REPUTATION_WEIGHT = 0.4
NEUTRAL_REPUTATION = 0.5


@dataclass(frozen=True)
class QuoteLine:
    quote: Record
    supplier_name: str
    total: float
    arrives_by: date | None
    in_time: bool | None  # arrives by the needed-by date (None: no date to compare)
    problem: str | None  # why the quote does not count, if it does not
    reputation: Reputation
    score: float | None  # valid quotes only

    @property
    def valid(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Comparison:
    request: Record
    lines: list[QuoteLine]
    recommended: QuoteLine | None
    reason: str
    valid_suppliers: int

    @property
    def needs_exception(self) -> bool:
        """Fewer valid quotes than the rule asks for: only a manager's recorded exception allows a choice."""
        return self.valid_suppliers < QUOTES_NEEDED

    @property
    def valid_lines(self) -> list[QuoteLine]:
        return [line for line in self.lines if line.valid]


def compare_quotes(workbook: Workbook, request_id: str) -> Comparison:
    """The comparison for one request, from one read of the tabs it needs."""
    tables = workbook.tables(PURCHASE_REQUESTS, QUOTES, SUPPLIERS, PURCHASE_ORDERS, RECEIPTS)
    request = tables[PURCHASE_REQUESTS.name].get(request_id)
    if request is None:
        raise ProcessError(_("There is no purchase request {request_id}.", request_id=request_id))
    return comparison_from(request, tables, workbook.clock().date())


def comparison_from(request: Record, tables: dict[str, Table], today: date) -> Comparison:
    """The comparison from tables already read (Quotes, Suppliers, Purchase Orders, Receipts)."""
    suppliers = tables[SUPPLIERS.name]
    known = reputations(suppliers, tables[PURCHASE_ORDERS.name], tables[RECEIPTS.name])
    quotes = quotes_for(tables[QUOTES.name].records(), request.request_id)
    problems = {
        quote.quote_id: quote_problem(quote, suppliers.get(quote.supplier_id), today) for quote in quotes
    }
    lowest = min((quote.unit_price for quote in quotes if problems[quote.quote_id] is None), default=None)
    lines = [
        _line(quote, request, suppliers, known, problems[quote.quote_id], lowest, today) for quote in quotes
    ]
    recommended = _recommend(lines)
    return Comparison(
        request=request,
        lines=lines,
        recommended=recommended,
        reason=_reason(recommended, lines, request) if recommended else _("No valid quote yet."),
        valid_suppliers=len(valid_suppliers(quotes, suppliers.get, today)),
    )


def _line(
    quote: Record,
    request: Record,
    suppliers: Table,
    known: dict[str, Reputation],
    problem: str | None,
    lowest: float | None,
    today: date,
) -> QuoteLine:
    supplier = suppliers.get(quote.supplier_id)
    arrives_by = today + timedelta(days=quote.lead_time_days) if quote.lead_time_days is not None else None
    in_time = None if arrives_by is None or request.needed_by is None else arrives_by <= request.needed_by
    reputation = known.get(quote.supplier_id, Reputation(quote.supplier_id))
    score = None
    if problem is None and lowest:
        standing = reputation.score if reputation.score is not None else NEUTRAL_REPUTATION
        score = PRICE_WEIGHT * lowest / quote.unit_price + REPUTATION_WEIGHT * standing
    return QuoteLine(
        quote=quote,
        supplier_name=supplier.name if supplier else quote.supplier_id,
        total=round(quote.unit_price * (request.qty or 0), 2),
        arrives_by=arrives_by,
        in_time=in_time,
        problem=problem,
        reputation=reputation,
        score=score,
    )


def _recommend(lines: list[QuoteLine]) -> QuoteLine | None:
    candidates = [line for line in lines if line.score is not None]
    in_time = [line for line in candidates if line.in_time is not False]
    pool = in_time or candidates
    if not pool:
        return None
    return min(
        pool,
        key=lambda line: (-round(line.score or 0, 6), line.quote.unit_price, line.arrives_by or date.max),
    )


def _reason(best: QuoteLine, lines: list[QuoteLine], request: Record) -> str:
    valid = [line for line in lines if line.score is not None]
    cheapest = min(valid, key=lambda line: line.quote.unit_price)
    if best.quote.unit_price <= cheapest.quote.unit_price:
        price = _("lowest price, {price:,.2f} a unit", price=best.quote.unit_price)
    else:
        price = _(
            "{price:,.2f} a unit, {above:.0%} above the lowest ({cheapest}, {lowest:,.2f})",
            price=best.quote.unit_price,
            above=best.quote.unit_price / cheapest.quote.unit_price - 1,
            cheapest=cheapest.supplier_name,
            lowest=cheapest.quote.unit_price,
        )
    parts = [price, best.reputation.describe()]
    if best.arrives_by is not None:
        arrives, needed = best.arrives_by.isoformat(), request.needed_by
        if needed is None:
            parts.append(_("arrives by {arrives}", arrives=arrives))
        elif best.in_time:
            parts.append(
                _("arrives by {arrives}, needed by {needed}", arrives=arrives, needed=needed.isoformat())
            )
        else:
            parts.append(
                _(
                    "arrives by {arrives}, after the needed-by date {needed} (no valid quote arrives in time)",
                    arrives=arrives,
                    needed=needed.isoformat(),
                )
            )
    others = sorted((line for line in valid if line is not best), key=lambda line: -(line.score or 0))
    score = _("score {score:.2f}", score=best.score)
    if others and (others[0].score or 0) > (best.score or 0):
        score += _(
            "; {other} scores {score:.2f} but arrives after the needed-by date",
            other=others[0].supplier_name,
            score=others[0].score,
        )
    elif others:
        score += _(" against {score:.2f} for {other}", score=others[0].score, other=others[0].supplier_name)
    parts.append(score)
    return _("{supplier}: {reasons}.", supplier=best.supplier_name, reasons=_("; ").join(parts))
