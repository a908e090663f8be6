"""A service-account key file for tests: real enough for google-auth to load and sign with.

The key is freshly generated, belongs to no real project, and only ever talks to the
fake token endpoint.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .routing import TOKEN_URL

DEFAULT_EMAIL = "flowsheet@test-project.iam.gserviceaccount.com"


def make_service_account_file(
    path: str | Path, client_email: str = DEFAULT_EMAIL, project_id: str = "test-project"
) -> dict[str, Any]:
    """Write a service-account JSON key with a new RSA 2048 key; return its contents."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": client_email,
        "client_id": str(10**20 + secrets.randbelow(9 * 10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URL,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + quote(client_email),
        "universe_domain": "googleapis.com",
    }
    Path(path).write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info
