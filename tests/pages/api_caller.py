"""Calling the API over HTTP (ASGI) as a script would: a login with a token, and its client."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from processes.permissions import Actor


@dataclass
class Caller:
    """A login with a token, and the HTTP client it calls with."""

    actor: Actor
    token: str
    http: httpx.AsyncClient

    def headers(self, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **more}

    async def get(self, path: str, **params) -> httpx.Response:
        return await self.http.get(path, params=params, headers=self.headers())

    async def post(self, path: str, body=None, **headers: str) -> httpx.Response:
        return await self.http.post(
            path, json=body if body is not None else {}, headers=self.headers(**headers)
        )

    async def patch(self, path: str, body, **headers: str) -> httpx.Response:
        return await self.http.patch(path, json=body, headers=self.headers(**headers))

    async def delete(self, path: str, **headers: str) -> httpx.Response:
        return await self.http.delete(path, headers=self.headers(**headers))


def error_of(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
    return body["error"]
