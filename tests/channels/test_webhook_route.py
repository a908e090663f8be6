"""POST /api/v1/channels/shopify/webhooks over HTTP: proved, kept, answered at once; forgeries write nothing."""

from __future__ import annotations

import json

import pytest

from processes import channels
from processes.channels import refusals
from processes.channels.inbox import Inbox
from tests.fake_shopify import Webhook

URL = "/api/v1/channels/shopify/webhooks"


@pytest.fixture
def receiving(user, app_workbook, store, connection):
    """The app serving, with the Shopify connection in use."""
    channels.use(store, connection)
    refusals.forget()
    yield user
    channels.use(None)
    refusals.forget()


async def post(user, headers, body):
    return await user.http_client.post(URL, content=body, headers=headers)


def a_webhook(fake) -> Webhook:
    _order, (created,) = fake.shop.place_order([("KIT-001", 1, "30.00")])
    return created


async def test_a_signed_webhook_is_kept_and_answered(receiving, fake_shopify, store):
    woken = []
    channels.when_delivered(lambda: woken.append(True))
    hook = a_webhook(fake_shopify)
    headers, body = fake_shopify.signed(hook)
    answer = await post(receiving, headers, body)
    assert (answer.status_code, answer.json()) == (200, {"received": True, "duplicate": False})
    (entry,) = Inbox(store).entries("shopify")
    assert (entry.delivery, entry.topic, entry.body, entry.state) == (
        hook.webhook_id,
        "orders/create",
        body,
        "pending",
    )
    assert woken == [True]  # whoever applies the inbox is told at once
    # Shopify sends it again when unsure: answered the same, kept once
    again = await post(receiving, headers, body)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert len(Inbox(store).entries("shopify")) == 1 and woken == [True]


@pytest.mark.parametrize(
    "forge",
    ["no signature", "wrong secret", "body changed", "signature of another body", "garbage", "another shop"],
)
async def test_a_bad_or_missing_signature_is_refused_and_nothing_is_kept(
    receiving, fake_shopify, store, forge
):
    hook = a_webhook(fake_shopify)
    headers, body = fake_shopify.signed(hook)
    if forge == "no signature":
        del headers["X-Shopify-Hmac-Sha256"]
    elif forge == "wrong secret":
        headers, body = fake_shopify.signed(hook, secret="not-the-secret")
    elif forge == "body changed":
        body = body.replace(b'"30.00"', b'"0.01"')
    elif forge == "signature of another body":
        headers["X-Shopify-Hmac-Sha256"] = fake_shopify.signed(a_webhook(fake_shopify))[0][
            "X-Shopify-Hmac-Sha256"
        ]
    elif forge == "garbage":
        headers["X-Shopify-Hmac-Sha256"] = "not base64 at all \xe9".encode("latin-1")
    else:
        headers["X-Shopify-Shop-Domain"] = "someone-else.myshopify.com"
    answer = await post(receiving, headers, body)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert Inbox(store).entries("shopify") == []
    assert refusals.refusals("shopify").count == 1


async def test_a_topic_flowsheet_does_not_take_is_answered_and_not_kept(receiving, fake_shopify, store):
    headers, body = fake_shopify.signed(Webhook("products/update", {"id": 1}, "w-products-1"))
    answer = await post(receiving, headers, body)
    assert (answer.status_code, answer.json()["received"]) == (200, False)
    assert Inbox(store).entries("shopify") == []


async def test_a_signed_body_that_is_not_json_is_kept_as_it_came(receiving, fake_shopify, store):
    hook = Webhook("orders/create", {}, "w-broken-1")
    headers, _body = fake_shopify.signed(hook)
    body = b'{"id": 1, "name": "#1001", '  # cut off
    from processes.channels.shopify import signature

    headers["X-Shopify-Hmac-Sha256"] = signature(fake_shopify.secret, body)
    answer = await post(receiving, headers, body)
    assert answer.status_code == 200
    assert [entry.body for entry in Inbox(store).entries("shopify")] == [body]


async def test_the_answer_does_not_wait_for_google(receiving, fake_shopify, store, fake_google):
    """The route writes the local inbox only: a Google that is down is never asked."""
    from processes import runtime
    from tests.conftest import google_workbook

    workbook = google_workbook(fake_google)
    workbook.init()
    previous = runtime.workbook()
    runtime.use(workbook, runtime.accounts())
    fake_google.reset_counts()
    fake_google.fail_next("*", status=503, times=10_000)
    try:
        headers, body = fake_shopify.signed(a_webhook(fake_shopify))
        answer = await post(receiving, headers, body)
    finally:
        runtime.use(previous, runtime.accounts())
        workbook.backend.close()
    assert answer.status_code == 200
    assert fake_google.count("*") == 0
    assert len(Inbox(store).entries("shopify")) == 1


async def test_a_webhook_that_arrives_while_the_app_shuts_down_is_not_answered_as_kept(
    receiving, fake_shopify, store, monkeypatch
):
    from nicegui import app
    from nicegui.app.app import State

    headers, body = fake_shopify.signed(a_webhook(fake_shopify))
    monkeypatch.setattr(app, "_state", State.STOPPING)
    answer = await post(receiving, headers, body)
    monkeypatch.undo()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
    assert Inbox(store).entries("shopify") == []
    # sent again once the app is back: kept
    assert (await post(receiving, headers, body)).json() == {"received": True, "duplicate": False}


async def test_without_a_connection_the_route_is_not_there(user, app_workbook, fake_shopify):
    channels.use(None)
    headers, body = fake_shopify.signed(a_webhook(fake_shopify))
    answer = await post(user, headers, body)
    assert answer.status_code == 404
    assert json.loads(answer.content)["error"]["code"] == "not_found"
