"""The customer's photos of a returned item: checked by their content, kept in the data folder.

A photo is accepted when its first bytes say it is a JPEG, PNG, WebP or HEIC
picture, whatever its file name claims, and when it is no larger than the
`return_photo_max_mb` setting; a request holds at most `return_photos_max`
of them. Each is stored as `<data folder>/return-photos/<return ID>-<n>.<kind>`
and the return's `photos` cell names them, so the sheet says which files
belong to which return on either backend (on Google the files stay in the
app's data folder, not in the spreadsheet). Only a logged-in person reads
them back (pages/aftersales: the photo route).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from i18n import _, ngettext
from processes.errors import ProcessError

FOLDER = "return-photos"
#: The cell's separator between file names.
SEPARATOR = ", "
#: A stored photo's name: the return's ID, its number, its kind. Nothing else is ever read back.
STORED_NAME = re.compile(r"^RET-[A-Za-z0-9-]+-\d{1,2}\.(?:jpg|png|webp|heic)$")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}
#: The brands of an ISO base media file (`ftyp` box) that are HEIC or HEIF pictures.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
#: Longest file name kept from what the customer's browser sends (it is only shown, never used as a path).
NAME_LIMIT = 120


@dataclass(frozen=True)
class Photo:
    """A photo the customer sent: the name their device gave it, what it is, its bytes."""

    name: str
    kind: str  # the stored file's extension: jpg, png, webp, heic
    data: bytes


def picture_kind(data: bytes) -> str | None:
    """What picture the bytes are, from their signature (not the name): jpg, png, webp, heic; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def check_photo(name: str, data: bytes, *, max_mb: float) -> Photo:
    """The photo `name`, or a refusal the customer understands: not a picture, or too large."""
    shown = (name or "").strip()[:NAME_LIMIT] or _("the photo")
    if len(data) > max_mb * 1024 * 1024:
        raise ProcessError(
            _(
                "{name} is {size:.1f} MB; a photo can be at most {most:g} MB.",
                name=shown,
                size=len(data) / 1024 / 1024,
                most=max_mb,
            )
        )
    kind = picture_kind(data)
    if kind is None:
        raise ProcessError(
            _("{name} is not a JPEG, PNG, WebP or HEIC picture, whatever its name says.", name=shown)
        )
    return Photo(shown, kind, data)


def check_photos(photos: list[Photo], *, most: int, max_mb: float) -> list[Photo]:
    """Every photo checked again (a crafted request gets no further than the page), and not too many."""
    if len(photos) > most:
        raise ProcessError(
            ngettext(
                "At most {count} photo can be added to a request, not {given}.",
                "At most {count} photos can be added to a request, not {given}.",
                most,
                given=len(photos),
            )
        )
    return [check_photo(photo.name, photo.data, max_mb=max_mb) for photo in photos]


def photo_folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def store_photos(data_dir: Path, return_id: str, photos: list[Photo]) -> list[str]:
    """Write the photos of `return_id` into the data folder; their file names, in order."""
    folder = photo_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number, photo in enumerate(photos, start=1):
        name = f"{return_id}-{number}.{photo.kind}"
        (folder / name).write_bytes(photo.data)
        names.append(name)
    return names


def remove_photos(data_dir: Path, names: list[str]) -> None:
    """Take back photos written for a request that was not recorded after all."""
    for name in names:
        (photo_folder(data_dir) / name).unlink(missing_ok=True)


def photo_names(cell: str | None) -> list[str]:
    """The file names a return's `photos` cell holds."""
    return [name.strip() for name in (cell or "").split(",") if name.strip()]


def stored_photo(data_dir: Path, return_id: str, name: str) -> tuple[Path, str] | None:
    """The file and media type of photo `name` of `return_id`; None unless it is one of that return's stored photos."""
    if not STORED_NAME.match(name) or not name.startswith(f"{return_id}-"):
        return None
    path = photo_folder(data_dir) / name
    if not path.is_file():
        return None
    return path, MEDIA_TYPES[name.rsplit(".", 1)[1]]
