"""A return's photos are checked by what they contain, not by their name, and stored under the return's ID."""

from __future__ import annotations

import pytest

from processes.aftersales.photos import (
    Photo,
    check_photo,
    check_photos,
    photo_names,
    picture_kind,
    remove_photos,
    store_photos,
    stored_photo,
)
from processes.errors import ProcessError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomavc1" + b"\x00" * 40


@pytest.mark.parametrize(("data", "kind"), [(PNG, "png"), (JPEG, "jpg"), (WEBP, "webp"), (HEIC, "heic")])
def test_each_picture_kind_is_known_by_its_first_bytes(data, kind):
    assert picture_kind(data) == kind


@pytest.mark.parametrize(
    "data", [b"", b"GIF89a" + b"\x00" * 20, MP4, b"%PDF-1.7", b"<svg xmlns=", b"RIFF\x00\x00\x00\x00WAVE"]
)
def test_anything_else_is_not_a_picture(data):
    assert picture_kind(data) is None


def test_a_png_named_jpg_is_kept_as_the_png_it_is_and_a_text_named_jpg_is_refused():
    assert check_photo("lid.jpg", PNG, max_mb=1).kind == "png"
    with pytest.raises(
        ProcessError, match=r"notes\.jpg is not a JPEG, PNG, WebP or HEIC picture, whatever its name says"
    ):
        check_photo("notes.jpg", b"just some text, not a picture", max_mb=1)


def test_a_photo_over_the_size_limit_is_refused_with_its_size():
    big = JPEG + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(ProcessError, match=r"big\.jpg is 2\.0 MB; a photo can be at most 1.5 MB"):
        check_photo("big.jpg", big, max_mb=1.5)
    assert check_photo("big.jpg", big, max_mb=3).kind == "jpg"


def test_no_more_photos_than_allowed_and_each_one_checked_again():
    photos = [Photo("a.png", "png", PNG), Photo("b.png", "png", PNG)]
    assert len(check_photos(photos, most=2, max_mb=1)) == 2
    with pytest.raises(ProcessError, match="At most 1 photo can be added to a request, not 2"):
        check_photos(photos, most=1, max_mb=1)
    with pytest.raises(ProcessError, match="x.png is not a JPEG"):
        check_photos([Photo("x.png", "png", b"<html>")], most=2, max_mb=1)  # a crafted Photo


def test_photos_are_stored_by_return_and_only_a_stored_name_of_that_return_is_read_back(tmp_path):
    names = store_photos(tmp_path, "RET-AB12", [Photo("lid.jpg", "png", PNG), Photo("box", "heic", HEIC)])
    assert names == ["RET-AB12-1.png", "RET-AB12-2.heic"]
    assert (tmp_path / "return-photos" / "RET-AB12-1.png").read_bytes() == PNG
    assert photo_names(", ".join(names)) == names
    path, media_type = stored_photo(tmp_path, "RET-AB12", "RET-AB12-1.png")
    assert (path.read_bytes(), media_type) == (PNG, "image/png")
    for name in ("RET-AB12-3.png", "../storage_secret", "RET-AB12-1.png/../../x", "RET-OTHER-1.png"):
        assert stored_photo(tmp_path, "RET-AB12", name) is None
    remove_photos(tmp_path, names)
    assert list((tmp_path / "return-photos").iterdir()) == []
