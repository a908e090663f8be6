"""The files customers send with their emails, kept in the data folder beside the workbook.

    FLOWSHEET_DATA_DIR/attachments/<ticket>/<message>/<file name>

The Messages tab names them (one name a line); the ticket page links each to
a download that needs a logged-in staff user. A file over the size limit is
not kept: the message says so, and the email itself stays in the mailbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .emails import Attachment

FOLDER = "attachments"
#: The largest file kept from an email; the default of FLOWSHEET_IMAP_ATTACHMENT_MB.
DEFAULT_LIMIT_BYTES = 10 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\- ()+]+")


@dataclass(frozen=True)
class Kept:
    names: list[str]  # the files written, as the Messages tab names them
    refused: list[str]  # a sentence for each file not kept


def safe_name(name: str) -> str:
    """A file name that stays inside its folder: no path, no control characters, at most 120 characters."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "attachment"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[: 120 - len(suffix) - 1]}.{suffix}"
    return base[:120]


def message_folder(root: Path, ticket_id: str, message_id: str) -> Path:
    return Path(root) / safe_name(ticket_id) / safe_name(message_id)


def keep(
    root: Path, ticket_id: str, message_id: str, attachments: Iterable[Attachment], limit_bytes: int
) -> Kept:
    """Write each attachment up to `limit_bytes` into the message's folder; two files of one name both stay."""
    folder = message_folder(root, ticket_id, message_id)
    names: list[str] = []
    refused: list[str] = []
    for attachment in attachments:
        if len(attachment.data) > limit_bytes:
            refused.append(
                f"{attachment.name} ({_megabytes(len(attachment.data))}) is larger than "
                f"{_megabytes(limit_bytes)} and was not kept; the email stays in the mailbox"
            )
            continue
        name = _unused(safe_name(attachment.name), names)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(attachment.data)
        names.append(name)
    return Kept(names, refused)


def _unused(name: str, taken: list[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem} ({number}){dot}{suffix}"
        number += 1
    return candidate


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def names_in(cell: str | None) -> list[str]:
    """The file names a Messages row's attachments cell lists."""
    return [line.strip() for line in (cell or "").splitlines() if line.strip()]


def stored_file(root: Path, ticket_id: str, message_id: str, name: str, listed: str | None) -> Path | None:
    """The kept file `name` of a message, when the row lists it and it is on disk; else None."""
    if name not in names_in(listed) or safe_name(name) != name:
        return None
    path = message_folder(root, ticket_id, message_id) / name
    return path if path.is_file() else None
