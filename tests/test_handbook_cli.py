"""`python app.py handbook --out DIR`: the handbook as files, with the deadlines in force."""

from __future__ import annotations

import app
from processes.declarations import PROCEDURES
from sheets.backends.local import LocalBackend
from sheets.tabs import SETTINGS
from sheets.workbook import Workbook


def test_the_handbook_command_writes_every_procedure_with_the_settings_in_force(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    assert app.main(["init"]) == 0
    workbook = Workbook(LocalBackend(tmp_path / "data"))
    with workbook.transaction(SETTINGS, user="seed") as tx:
        tx.update(tx.get(SETTINGS, "transfer_ship_hours"), {"value": "30"})
    workbook.backend.close()

    assert app.main(["handbook", "--out", str(tmp_path / "out")]) == 0
    assert "handbook.html" in capsys.readouterr().out
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == sorted(["handbook.html", *(f"{p.slug}.html" for p in PROCEDURES)])
    assert "<td>30 hours</td>" in (tmp_path / "out" / "transfer.html").read_text()
