"""Configuration from the environment or a `.env` file (see README, 'Configuration')."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from jobs.environment import whole_number
from sheets.errors import SetupError


@dataclass(frozen=True)
class Config:
    backend: str = "local"
    data_dir: Path = Path("data")
    spreadsheet_id: str = ""
    credentials_file: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    storage_secret: str = ""
    public_url: str = ""
    cache_seconds: float = 10.0
    archive_spreadsheets: str = ""  # Google: YEAR=SPREADSHEET_ID,... of the archive workbooks

    @classmethod
    def from_env(cls, env_file: str | Path | None = ".env") -> Config:
        if env_file and Path(env_file).is_file():
            load_dotenv(env_file, override=False)
        env = os.environ
        backend = env.get("FLOWSHEET_BACKEND", "local").strip().lower() or "local"
        if backend not in ("local", "google"):
            raise SetupError(f"FLOWSHEET_BACKEND is {backend!r}: use 'local' or 'google'.")
        return cls(
            backend=backend,
            data_dir=Path(env.get("FLOWSHEET_DATA_DIR", "data")).expanduser(),
            spreadsheet_id=env.get("FLOWSHEET_SPREADSHEET_ID", "").strip(),
            credentials_file=env.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip(),
            host=env.get("FLOWSHEET_HOST", "127.0.0.1").strip() or "127.0.0.1",
            port=_int(env, "FLOWSHEET_PORT", 8080),
            storage_secret=env.get("FLOWSHEET_STORAGE_SECRET", ""),
            public_url=env.get("FLOWSHEET_PUBLIC_URL", "").strip(),
            cache_seconds=float(_int(env, "FLOWSHEET_CACHE_SECONDS", 10)),
            archive_spreadsheets=env.get("FLOWSHEET_ARCHIVE_SPREADSHEETS", "").strip(),
        )

    def secret(self) -> str:
        """The session-cookie secret: the configured one, or one made once and kept in the data dir."""
        if self.storage_secret:
            return self.storage_secret
        path = self.data_dir / "storage_secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()


def _int(env, name: str, default: int) -> int:
    try:
        return whole_number(env, name, default)
    except ValueError as bad:
        raise SetupError(str(bad)) from None
