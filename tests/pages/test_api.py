"""/api/v1: tokens, reading, making, editing and steps, each answered as the contract says."""

from __future__ import annotations

from datetime import date, timedelta

import app as flowsheet
from processes import procurement
from processes.permissions import Actor
from processes.procurement.procedures import PURCHASE_ORDER
from sheets.tabs import AUDIT, LOCATIONS, PRODUCTS, PURCHASE_ORDERS, PURCHASE_REQUESTS, SUPPLIERS
from tests.pages.api_caller import error_of

API = "/api/v1"


def a_shop(workbook) -> dict[str, str]:
    """A product, a warehouse and three suppliers."""
    with workbook.transaction(PRODUCTS, LOCATIONS, SUPPLIERS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Cast-iron skillet", "price": 30})
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"})
        suppliers = [tx.insert(SUPPLIERS, {"name": name, "lead_time_days": 7}).supplier_id for name in "ABC"]
    return {"location": location.location_id, "suppliers": suppliers}


def an_order_awaiting_approval(workbook, shop, *, chosen_by: Actor, qty: int = 400):
    request = procurement.create_request(
        workbook,
        sku="KIT-001",
        qty=qty,
        needed_by=date.today() + timedelta(days=30),
        location_id=shop["location"],
        by=chosen_by,
    )
    quotes = [
        procurement.add_quote(
            workbook,
            request.request_id,
            supplier_id=supplier,
            unit_price=14 + number,
            valid_until=date.today() + timedelta(days=10),
            by=chosen_by,
        )
        for number, supplier in enumerate(shop["suppliers"])
    ]
    return procurement.choose_supplier(
        workbook, request.request_id, quotes[0].quote_id, selection_reason="Cheapest", by=chosen_by
    )


# tokens ---------------------------------------------------------------------------------


async def test_no_token_a_wrong_one_a_revoked_one_or_a_disabled_login_gets_401(login, app_accounts, user):
    sam = login("sam", "staff")
    assert (await sam.get(f"{API}/products")).status_code == 200

    for headers in ({}, {"Authorization": "Bearer fs_" + "x" * 43}, {"Authorization": "Basic abc"}):
        answer = await user.http_client.get(f"{API}/products", headers=headers)
        assert answer.status_code == 401 and error_of(answer)["code"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"] == "Bearer"

    app_accounts.set_active("sam", False)
    assert (await sam.get(f"{API}/products")).status_code == 401
    app_accounts.set_active("sam", True)
    assert app_accounts.revoke_tokens("sam") == 1
    assert (await sam.get(f"{API}/products")).status_code == 401


def test_the_command_line_prints_a_token_once_and_revokes_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWSHEET_BACKEND", "local")
    monkeypatch.setenv("FLOWSHEET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(flowsheet, "read_password", lambda *prompt: "correct horse battery")
    assert flowsheet.main(["user", "add", "sam", "--role", "staff"]) == 0
    capsys.readouterr()
    assert flowsheet.main(["user", "token", "sam"]) == 0
    printed = capsys.readouterr()
    token = printed.out.strip()
    assert token.startswith("fs_") and "shown only once" in printed.err
    stored = (tmp_path / "data" / "app_state.sqlite3").read_bytes()
    assert token.encode() not in stored  # only its hash is kept
    assert flowsheet.main(["user", "token", "sam", "--revoke"]) == 0
    assert "1 token(s) of sam revoked" in capsys.readouterr().out


# reading --------------------------------------------------------------------------------


async def test_rows_are_listed_filtered_and_paged_and_one_row_is_read(login, app_workbook):
    a_shop(app_workbook)
    sam = login("sam", "staff")
    with app_workbook.transaction(PRODUCTS, user="seed") as tx:
        for number in range(5):
            tx.insert(PRODUCTS, {"sku": f"MUG-{number}", "name": "Mug", "category": "kitchen", "price": 8})

    answer = await sam.get(f"{API}/products", category="KITCHEN", limit=2, offset=1)
    assert answer.status_code == 200
    listed = answer.json()
    assert (listed["total"], listed["limit"], listed["offset"]) == (5, 2, 1)
    assert [row["sku"] for row in listed["records"]] == ["MUG-1", "MUG-2"]
    assert listed["records"][0]["price"] == 8 and listed["records"][0]["active"] is True

    one = (await sam.get(f"{API}/products/MUG-3")).json()
    assert one["sku"] == "MUG-3" and one["updated_at"]  # an ISO 8601 time

    missing = await sam.get(f"{API}/products/NOPE")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    assert (await sam.get(f"{API}/no-such-tab")).status_code == 404
    bad = await sam.get(f"{API}/products", colour="red")
    assert bad.status_code == 422 and error_of(bad)["field"] == "colour"
    bad = await sam.get(f"{API}/products", limit="5000")
    assert bad.status_code == 422 and error_of(bad)["field"] == "limit"


async def test_staff_may_not_read_the_audit(login):
    answer = await login("sam", "staff").get(f"{API}/audit")
    assert answer.status_code == 403
    assert (await login("mia", "manager").get(f"{API}/audit")).status_code == 200


async def test_a_composite_key_is_written_with_a_slash(login, app_workbook):
    from sheets.tabs import STOCK

    with app_workbook.transaction(STOCK, user="seed") as tx:
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-1", "on_hand": 4})
    row = (await login("sam", "staff").get(f"{API}/stock/KIT-001/LOC-1")).json()
    assert (row["sku"], row["location_id"], row["on_hand"]) == ("KIT-001", "LOC-1", 4)


# making and editing ---------------------------------------------------------------------


async def test_a_record_is_made_through_its_procedure_s_entry_and_audited_with_the_token_s_user(
    login, app_workbook
):
    shop = a_shop(app_workbook)
    sam = login("sam", "staff")
    body = {"sku": "KIT-001", "qty": 20, "needed_by": str(date.today() + timedelta(days=9))}
    answer = await sam.post(f"{API}/purchase-requests", {**body, "location_id": shop["location"]})
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["status"], made["requested_by"], made["source"]) == ("open", "sam", "manual")
    [audited] = [row for row in app_workbook.table(AUDIT).records() if row.record_id == made["request_id"]]
    assert audited.user == "sam"

    wrong = await sam.post(f"{API}/purchase-requests", {**body, "qty": 0, "location_id": shop["location"]})
    assert wrong.status_code == 422 and "Quantity" in error_of(wrong)["message"]
    unknown = await sam.post(f"{API}/purchase-requests", {**body, "colour": "red"})
    assert unknown.status_code == 422 and error_of(unknown)["field"] == "colour"
    missing = await sam.post(f"{API}/purchase-requests", {"sku": "KIT-001"})
    assert missing.status_code == 422 and error_of(missing)["field"] == "qty"
    not_json = await sam.http.post(f"{API}/purchase-requests", content=b"{oops", headers=sam.headers())
    assert not_json.status_code == 422 and "not JSON" in error_of(not_json)["message"]


async def test_the_generic_edit_refuses_workflow_columns_and_a_stale_version(login, app_workbook):
    shop = a_shop(app_workbook)
    order = an_order_awaiting_approval(app_workbook, shop, chosen_by=Actor("sam", "staff"))
    sam = login("sam", "staff")
    path = f"{API}/purchase-orders/{order.po_id}"

    for forged in ({"status": "approved"}, {"approved_by": "mia"}, {"total": 1}):
        refused = await sam.patch(path, forged)
        assert refused.status_code == 403, refused.text
        assert error_of(refused)["code"] == "workflow_column" and error_of(refused)["field"] in forged
    manager = login("mia", "manager")
    assert (
        await manager.patch(path, {"status": "approved"})
    ).status_code == 403  # the same rule for every role

    shown = await sam.get(path)
    tag = shown.headers["ETag"]
    edited = await sam.patch(path, {"contract_ref": "HZ-1"}, **{"If-Match": tag})
    assert edited.status_code == 200 and edited.json()["contract_ref"] == "HZ-1"
    assert edited.headers["ETag"] != tag
    for stale_version in (tag, "2020-01-01T00:00:00"):  # the ETag, or an updated_at, seen before the edit
        stale = await sam.patch(path, {"contract_ref": "HZ-2"}, **{"If-Match": stale_version})
        assert stale.status_code == 409 and "contract_ref" in error_of(stale)["field"], stale.text
    assert app_workbook.table(PURCHASE_ORDERS).get(order.po_id).contract_ref == "HZ-1"
    current = (await sam.get(path)).json()["updated_at"]  # a plain updated_at works too
    assert (await sam.patch(path, {"contract_ref": "HZ-3"}, **{"If-Match": current})).status_code == 200


# steps ----------------------------------------------------------------------------------


async def test_an_approval_through_the_api_keeps_roles_and_segregation_of_duties(login, app_workbook):
    shop = a_shop(app_workbook)
    mia = login("mia", "manager")
    order = an_order_awaiting_approval(app_workbook, shop, chosen_by=mia.actor)
    path = f"{API}/purchase-orders/{order.po_id}/approve"

    staff = await login("sam", "staff").post(path)
    assert staff.status_code == 403 and "Only a manager" in error_of(staff)["message"]
    own = await mia.post(path)
    assert own.status_code == 403 and "another manager approves it" in error_of(own)["message"]
    approved = await login("max", "manager").post(path)
    assert approved.status_code == 200 and approved.json()["approved_by"] == "max"
    again = await login("max", "manager").post(path)
    assert again.status_code == 422 and "Cannot approve the order" in error_of(again)["message"]

    unknown = await mia.post(f"{API}/purchase-orders/{order.po_id}/teleport")
    assert unknown.status_code == 404 and "approve" in error_of(unknown)["message"]
    automatic = await mia.post(f"{API}/purchase-requests/{order.request_id}/close")
    assert automatic.status_code == 422 and "taken by the app itself" in error_of(automatic)["message"]


async def test_a_step_s_inputs_are_checked_and_if_match_guards_it(login, app_workbook):
    shop = a_shop(app_workbook)
    sam = login("sam", "staff")
    order = an_order_awaiting_approval(app_workbook, shop, chosen_by=sam.actor, qty=10)  # within the limit
    mark = f"{API}/purchase-orders/{order.po_id}/mark_ordered"
    extra = await sam.post(mark, {"carrier": "DHL"})
    assert extra.status_code == 422 and error_of(extra)["field"] == "carrier"
    stale = await sam.post(mark, **{"If-Match": "2020-01-01T00:00:00"})
    assert stale.status_code == 409
    fresh = (await sam.get(f"{API}/purchase-orders/{order.po_id}")).json()["updated_at"]
    sent, confirmed = PURCHASE_ORDER.transition("mark_ordered").checklist
    not_on_it = await sam.post(mark, {"checklist": ["Bribe the supplier"]})
    assert not_on_it.status_code == 422 and error_of(not_on_it)["field"] == "checklist"
    done = await sam.post(mark, {"checklist": [sent]}, **{"If-Match": fresh})
    assert done.status_code == 200 and done.json()["status"] == "ordered"
    [step] = [row for row in app_workbook.table(AUDIT).records() if row.action.startswith("mark as ordered")]
    assert step.user == "sam" and f"checklist: [x] {sent} | [ ] {confirmed}" in step.changes

    receive = f"{API}/purchase-orders/{order.po_id}/receive"
    wrong = await sam.post(receive, {"qty_received": 10, "qty_accepted": 4})
    assert wrong.status_code == 422 and "accepted plus rejected" in error_of(wrong)["message"]
    received = await sam.post(receive, {"qty_received": 10, "qty_accepted": 10})
    assert received.status_code == 200 and received.json()["tab"] == "Receipts"
    assert app_workbook.table(PURCHASE_ORDERS).get(order.po_id).status == "received"
    assert app_workbook.table(PURCHASE_REQUESTS).get(order.request_id).status == "closed"


async def test_each_token_is_rate_limited(login, monkeypatch):
    from api import auth

    monkeypatch.setattr(auth.LIMIT, "calls", 3)
    sam, mia = login("sam", "staff"), login("mia", "manager")
    answers = [(await sam.get(f"{API}/products")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = await sam.get(f"{API}/products")
    assert int(limited.headers["Retry-After"]) >= 1 and error_of(limited)["code"] == "rate_limited"
    assert (await mia.get(f"{API}/products")).status_code == 200  # another token has its own


# the document and its docs ---------------------------------------------------------------


async def test_the_openapi_document_lists_every_tab_and_every_step(login):
    from processes import steps
    from processes.declarations import PROCEDURES

    document = (await login("sam", "staff").get(f"{API}/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    for procedure in PROCEDURES:
        for step in procedure.transitions:
            path = f"{API}/{procedure.tab.slug}/{{id}}/{step.action}"
            assert (path in document["paths"]) is (not step.automatic), path
        assert (steps.entry_for(procedure) is not None) <= (
            "post" in document["paths"][f"{API}/{procedure.tab.slug}"]
        )
    approve = document["paths"][f"{API}/returns/{{id}}/refund"]["post"]
    schema = approve["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["amount"]


async def test_the_docs_are_for_a_logged_in_browser_and_served_without_a_cdn(
    user, app_workbook, app_accounts
):
    from tests.pages.conftest import PASSWORD, log_in

    answer = await user.http_client.get(f"{API}/docs")
    assert answer.status_code in (302, 303, 307) and answer.headers["location"].startswith("/login")
    app_accounts.add_user("sam", "staff", PASSWORD)
    await log_in(user, "sam")
    await user.should_see("sam (staff)")
    page = await user.http_client.get(f"{API}/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "https://" not in page.text and f"{API}/docs/assets/swagger-ui-bundle.js" in page.text
    assert (await user.http_client.get(f"{API}/docs/assets/swagger-ui-bundle.js")).status_code == 200
    assert (await user.http_client.get(f"{API}/openapi.json")).status_code == 200
