"""The main flows, in a real browser on the real app: what a person clicks, and what the record then holds."""

from __future__ import annotations

import re

import pytest

from sheets.tabs import ALERTS, AUDIT, FORECAST, ORDERS, RETURNS, SURVEYS
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_logging_in_leads_to_the_page_you_asked_for(browser, shop):
    browser.open("/orders")
    browser.should_be_at("/login")
    browser.type("User name", shop.staff)
    browser.type("Password", PASSWORD)
    browser.click("Log in")
    browser.should_be_at("/orders")
    browser.should_see(f"{shop.staff} (staff)")


def test_a_wrong_password_is_refused_on_the_login_page(browser, shop):
    browser.open("/login")
    browser.type("User name", shop.staff)
    browser.type("Password", "not the password")
    browser.click("Log in")
    browser.should_see("Wrong user name or password.")
    assert browser.should_be_at("/login")


def test_a_name_typed_while_the_login_page_connects_logs_in_as_typed(browser, shop):
    """NiceGUI holds back keystrokes made before the page's socket connects and sends each on a timer
    of its own, so the server can hear "mon" after "mona". The login takes what the field shows."""
    browser.open("/login")
    driver = browser.driver
    # As before the socket connects: keystrokes are held back; count what reaches the socket.
    driver.execute_script(
        "window.did_handshake = false; window.eventsSent = 0;"
        "const send = window.socket.emit.bind(window.socket);"
        "window.socket.emit = (name, ...rest) => { if (name === 'event') window.eventsSent++;"
        " return send(name, ...rest); };"
    )
    browser.type("User name", shop.manager[:-1])
    # The socket connects, and the last letter is typed before the held ones go out.
    driver.execute_script(
        "window.did_handshake = true; const box = arguments[0];"
        "box.value = box.value + arguments[1]; box.dispatchEvent(new Event('input', {bubbles: true}));",
        browser.field("User name"),
        shop.manager[-1],
    )
    held_and_last = len(shop.manager)
    browser.until(
        lambda driver: driver.execute_script("return window.eventsSent") >= held_and_last,
        "the held keystrokes never reached the server",
    )
    browser.type("Password", PASSWORD)
    browser.click("Log in")
    browser.should_see(f"{shop.manager} (")


def test_an_order_entered_by_hand_is_taken_to_shipped(browser, shop):
    browser.log_in(shop.staff, PASSWORD)
    browser.open("/orders")
    browser.click("New order")
    browser.should_be_at("/orders/new")
    browser.type("Customer name *", "Alex Newcomer")
    browser.type("Customer email", "alex@example.com")
    browser.type("Street and number", "7 Quay Street")
    browser.type("Postcode", "10115")
    browser.type("Town", "Harbourtown")
    browser.choose("Ships from", shop.location)
    browser.choose("Product 1", shop.product)
    browser.type("Quantity 1", "2")
    browser.click("Create order")
    order_id = browser.should_be_at(r"/orders/ORD-\w+$").removeprefix("/orders/")

    browser.click("Confirm the order")
    browser.notification("is confirmed")
    browser.click("Record the payment")
    browser.notification("is paid")
    browser.click("Start picking")
    browser.notification("is being picked")
    browser.tick(f"2 × {shop.product}")
    browser.click("Mark as packed")
    browser.notification("is packed")
    browser.type("Carrier", "DHL")
    browser.type("Tracking number", "JD014600006281")
    browser.click("Ship")
    browser.notification("is shipped")
    browser.should_see("Carrier: DHL · tracking JD014600006281")

    order = shop.record(ORDERS, order_id)
    assert (order.status, order.payment_status, order.carrier, order.tracking_no) == (
        "shipped",
        "paid",
        "DHL",
        "JD014600006281",
    )
    assert order.customer_name == "Alex Newcomer"
    assert order.ship_address == "7 Quay Street, 10115 Harbourtown"


def test_a_customer_answers_the_satisfaction_survey_once(browser, shop):
    browser.open(f"/public/survey/{shop.survey_token}")
    browser.should_see("How satisfied are you with your delivery?")
    browser.tick("4 · good")
    browser.type("Comment (optional)", "Arrived quickly, well packed.")
    browser.click("Send")
    browser.should_see("Thank you! Your answer has been saved.")

    (survey,) = [survey for survey in shop.records(SURVEYS) if survey.token == shop.survey_token]
    assert (survey.score, survey.comment) == (4, "Arrived quickly, well packed.")
    browser.open(f"/public/survey/{shop.survey_token}")
    browser.should_see("This survey has already been answered.")


def test_a_customer_asks_to_exchange_an_item_of_a_delivered_order(browser, shop):
    browser.open("/public/returns")
    browser.type("Order number", shop.delivered_ref)
    browser.type("Email address", shop.delivered_email)
    browser.click("Find my order")
    browser.should_see(f"Order {shop.delivered_ref}")
    browser.choose("Return or exchange", "Exchange it for another size or item")
    browser.choose("Reason", "Damaged or faulty")
    browser.type("Tell us more (optional)", "The lid is cracked.")
    browser.click("Send the request")
    recorded = browser.should_see("is recorded.").text
    return_id = re.search(r"RET-\w+", recorded).group(0)

    made = shop.record(RETURNS, return_id)
    assert (made.order_id, made.kind, made.qty, made.reason, made.status) == (
        shop.delivered_ref,
        "exchange",
        1,
        "Damaged or faulty: The lid is cracked.",
        "requested",
    )


def test_a_manager_acknowledges_an_open_alert(browser, shop):
    browser.log_in(shop.manager, PASSWORD)
    browser.open("/alerts")
    card = f"//div[contains(@class, 'q-card')][.//div[contains(text(), '{shop.alert_id}')]]"
    browser.click("Acknowledge", within=card)
    browser.notification(f"Alert {shop.alert_id} acknowledged")
    browser.gone(card, "acknowledged alert among the open ones")

    assert shop.record(ALERTS, shop.alert_id).status == "acknowledged"
    acknowledged_by = [
        entry.user
        for entry in shop.records(AUDIT)
        if entry.record_id == shop.alert_id and entry.action.startswith("acknowledge alert")
    ]
    assert acknowledged_by == [shop.manager]


def test_a_manager_reads_the_plan_and_a_product_forecast(browser, shop):
    browser.log_in(shop.manager, PASSWORD)
    browser.open("/planning")
    browser.should_see("Forecast computed")
    row = next(row for row in shop.records(FORECAST) if row.method)
    browser.open(f"/planning/{row.sku}")
    browser.should_see("Error (WAPE)")
    browser.visible("//div[contains(@class, 'nicegui-echart')]//canvas", "the forecast chart")


def test_a_user_switches_to_chinese_and_the_app_speaks_it(browser, shop):
    from selenium.webdriver.common.by import By

    browser.log_in(shop.staff, PASSWORD)
    browser.clickable("//*[@aria-label='Language']", "the language switch").click()
    browser.clickable(
        "//div[contains(@class, 'q-menu')]//div[contains(@class, 'q-item')][contains(., '简体中文')]",
        "the Chinese option",
    ).click()
    browser.visible("//a[normalize-space(.)='仪表盘']", "the Dashboard link in Chinese")
    browser.should_see(f"{shop.staff} (员工)")
    browser.open("/orders")
    browser.button("新建订单")
    assert browser.driver.find_element(By.TAG_NAME, "body").text.count("Dashboard") == 0
    browser.clickable("//*[@aria-label='语言']", "the language switch").click()
    browser.clickable(
        "//div[contains(@class, 'q-menu')]//div[contains(@class, 'q-item')][contains(., 'English')]",
        "the English option",
    ).click()
    browser.visible("//a[normalize-space(.)='Dashboard']", "the Dashboard link in English")
