"""Where the after-sales pages and files are reached."""

from __future__ import annotations

#: A customer's photo of a return, for logged-in people only.
PHOTO_PATH = "/returns/{return_id}/photos/{name}"


def photo_path(return_id: str, name: str) -> str:
    return PHOTO_PATH.format(return_id=return_id, name=name)
