"""Pages run over a real workbook: the runtime is pointed at it before the app starts."""

from __future__ import annotations

import pytest

from processes import runtime
from sheets.backends.local import LocalBackend
from sheets.workbook import Workbook


@pytest.fixture
def app_workbook(tmp_path) -> Workbook:
    """The local workbook the pages show (initialised, empty); tests add records."""
    workbook = Workbook(LocalBackend(tmp_path / "data"))
    workbook.init()
    runtime.use(workbook)
    yield workbook
    runtime.use(None)
    workbook.backend.close()
