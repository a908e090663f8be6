"""The shops' own words for an order's payment, as people read them (the unpaid alert, the order page)."""

from __future__ import annotations

from i18n import N_, _

#: Shopify's payment words (the export's Financial Status, the API's displayFinancialStatus, lower case).
SHOP_PAYMENT_WORDS = {
    "pending": N_("pending (no money taken yet)"),
    "authorized": N_("authorized (the money is held, not yet captured)"),
    "partially_paid": N_("partially paid"),
    "paid": N_("paid"),
    "partially_refunded": N_("partially refunded"),
    "refunded": N_("refunded"),
    "voided": N_("voided (the authorization was cancelled)"),
    "expired": N_("expired (the authorization ran out)"),
    "": N_("no payment status"),
}


def shop_payment_word(word: str) -> str:
    """A shop's payment word in the reader's language; a word Flowsheet does not know, as the shop wrote it."""
    known = SHOP_PAYMENT_WORDS.get(word or "")
    return _(known) if known else word.replace("_", " ")
