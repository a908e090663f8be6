"""What can go wrong between Flowsheet and a shop, each said in one sentence for the Channels page."""

from __future__ import annotations


class ShopError(Exception):
    """Something about the shop went wrong."""


class ShopUnavailable(ShopError):
    """The shop could not be reached, or kept failing: tried again later."""


class ShopRefused(ShopError):
    """The shop refused the request as it was (the token, its scopes, the question): retrying will not help
    until someone changes something, so it is tried again only at the slower pace of the backoff."""


class Unreadable(Exception):
    """A delivery is not an order Flowsheet can read (not JSON, no order name ...): kept, with why."""


class Refused(Exception):
    """A webhook that is not proved to come from the configured shop: answered 401, and nothing is kept."""
