"""API tokens: long random secrets, shown once and kept only as a hash.

A token is 32 random bytes (URL-safe text with a `fs_` prefix so it is
recognised in a leaked log). It has the entropy of a key, not of a password,
so one SHA-256 is the right hash: a slow password hash would only make every
API call slow without making a guess any less hopeless.
"""

from __future__ import annotations

import hashlib
import re
import secrets

PREFIX = "fs_"
_SHAPE = re.compile(r"^fs_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def well_formed(token: str) -> bool:
    return bool(_SHAPE.match(token or ""))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
