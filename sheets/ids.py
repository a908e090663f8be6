"""Record IDs: short, readable, prefixed by kind, unique without coordination.

`ORD-K3M9QX7PZ2`: the prefix names the kind of record; six characters of
Crockford base32 count seconds since 2024 (so IDs sort by creation), four more
are random. Within one process the random part counts up when two IDs fall in
the same second, so a process never repeats itself; two processes collide only
if they pick the same 20 random bits in the same second, and the record layer
refuses a duplicate key at write time anyway.
"""

from __future__ import annotations

import secrets
import threading
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z
_RANDOM_SPACE = 32**4

_lock = threading.Lock()
_last_second = -1
_last_random = 0


def _encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str, now: float | None = None) -> str:
    """A fresh ID such as `PO-K3M9QX7PZ2`."""
    global _last_second, _last_random
    second = int((time.time() if now is None else now) - _EPOCH)
    with _lock:
        if second == _last_second:
            _last_random = (_last_random + 1) % _RANDOM_SPACE
        else:
            _last_second, _last_random = second, secrets.randbelow(_RANDOM_SPACE)
        random_part = _last_random
    return f"{prefix}-{_encode(second, 6)}{_encode(random_part, 4)}"


def looks_like_id(prefix: str, text: str) -> bool:
    head, _, body = text.partition("-")
    return head == prefix and len(body) == 10 and all(char in ALPHABET for char in body)
