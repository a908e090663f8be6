"""The OAuth token endpoint google-auth's service-account credentials call.

It reads the JWT assertion's claims (the signature is not checked: the point is to
see which account asked for which scopes), records the grant and hands out an opaque
access token that the Sheets endpoints then require.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any

from .reply import Reply, json_reply

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3600


def decode_jwt_claims(assertion: str) -> dict[str, Any]:
    """The payload of a compact JWT (header.payload.signature), base64url without padding."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise ValueError("a JWT has three dot-separated parts")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"JWT payload is not base64url JSON: {error}") from error
    if not isinstance(claims, dict):
        raise ValueError("JWT payload is not a JSON object")
    return claims


class TokenIssuer:
    """Grants access tokens and remembers who got them for which scopes."""

    def __init__(self) -> None:
        self.grants: list[dict[str, Any]] = []
        self._holders: dict[str, str] = {}

    def exchange(self, form: dict[str, str]) -> Reply:
        """Answer POST /token like Google's OAuth server (errors in OAuth's own shape)."""
        if form.get("grant_type") != JWT_BEARER:
            return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type')}")
        try:
            claims = decode_jwt_claims(form.get("assertion", ""))
        except ValueError as error:
            return _oauth_error("invalid_grant", f"Invalid JWT: {error}")
        if not claims.get("iss") or not claims.get("scope"):
            return _oauth_error("invalid_scope", "Invalid JWT: iss and scope claims are required")
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self._holders[token] = claims["iss"]
        self.grants.append(claims)
        return json_reply(200, {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"})

    def holder(self, authorization: str | None) -> str | None:
        """The account behind an "Authorization: Bearer ..." header, or None if not valid."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self._holders.get(authorization[len("Bearer ") :].strip())

    def revoke_all(self) -> None:
        """Invalidate every token handed out so far (clients must refresh on their 401)."""
        self._holders.clear()

    @property
    def granted_scopes(self) -> list[str]:
        """Every scope granted so far, in first-granted order, without repeats."""
        scopes: list[str] = []
        for claims in self.grants:
            for scope in str(claims.get("scope", "")).split():
                if scope not in scopes:
                    scopes.append(scope)
        return scopes


def _oauth_error(error: str, description: str) -> Reply:
    return json_reply(400, {"error": error, "error_description": description})
