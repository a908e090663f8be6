"""Configuration from the environment, and the session secret kept in the data folder."""

from __future__ import annotations

import stat

from config import Config


def test_the_session_secret_is_made_once_and_kept_private(tmp_path):
    config = Config(data_dir=tmp_path / "data")
    first = config.secret()
    assert len(first) >= 40
    assert Config(data_dir=tmp_path / "data").secret() == first
    assert stat.S_IMODE((tmp_path / "data" / "storage_secret").stat().st_mode) == 0o600


def test_a_configured_secret_wins(tmp_path):
    assert Config(data_dir=tmp_path, storage_secret="from the environment").secret() == "from the environment"
    assert not (tmp_path / "storage_secret").exists()


def test_settings_come_from_a_dotenv_file_without_overriding_the_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("FLOWSHEET_PORT=9001\nFLOWSHEET_DATA_DIR=/srv/flowsheet\n")
    monkeypatch.setenv(
        "FLOWSHEET_PORT", "unset below"
    )  # so the value the .env file sets is undone afterwards
    monkeypatch.delenv("FLOWSHEET_PORT")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "mine"))
    config = Config.from_env(tmp_path / ".env")
    assert config.port == 9001
    assert config.data_dir == tmp_path / "mine"
    assert (config.backend, config.host) == ("local", "127.0.0.1")


def test_survey_links_use_the_public_address_when_one_is_configured():
    from processes import runtime

    try:
        runtime.use(None, None, public_url="https://shop.example/ops/")
        assert runtime.site_url("http://10.0.0.5:8080/") == "https://shop.example/ops"
        runtime.use(None, None)
        assert runtime.site_url("http://10.0.0.5:8080/") == "http://10.0.0.5:8080"
    finally:
        runtime.use(None, None)
