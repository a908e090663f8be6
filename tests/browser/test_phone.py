"""The warehouse on a phone (390 × 844): the drawer closed, tables as cards, and packing an order by scan.

A scan is typed into the scan field as a keyboard-wedge scanner types it: the
code's characters, then Enter. Screenshots of each screen are kept in
tests/browser/artifacts/phone-*.png.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from sheets.tabs import ORDER_LINES, ORDERS, PRODUCTS
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.driving import field_xpath, literal

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


@pytest.fixture
def phone(browser):
    """The browser as a phone held upright, for one test; the desk size again after it."""
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def log_in(browser, name: str) -> None:
    """As Browser.log_in, but a phone's header has no room for the login's name: wait for Log out."""
    browser.open("/login")
    browser.type("User name", name)
    browser.type("Password", PASSWORD)
    browser.click("Log in")
    browser.visible("//a[normalize-space(.) = 'Log out']", "the Log out link")


def screenshot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.driver.save_screenshot(str(ARTIFACTS / f"phone-{name}.png"))


def scan(browser, code: str, label: str = "Scan or type a code") -> None:
    """The scanner types the code's characters, then Enter."""
    box = browser.visible(field_xpath(label) + "//input", f"the field {label!r}")
    box.send_keys(code)
    box.send_keys(Keys.ENTER)


def verdict(browser, text: str) -> None:
    __tracebackhide__ = True
    browser.visible(f"//div[normalize-space(.) = {literal(text)}]", f"the verdict {text!r}")


def fits_the_screen(browser) -> bool:
    """Nothing on the page is wider than the phone: no sideways scrolling."""
    return browser.driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]


def drawer_closed(browser) -> bool:
    return browser.driver.execute_script(
        "const d = document.querySelector('.q-drawer'); return !d || d.getBoundingClientRect().right <= 0;"
    )


def an_order_being_picked(shop) -> tuple[str, str, list[tuple[str, str, int]]]:
    """(order ID, the number on it, [(code to scan, product name, units)]) of a demo order being picked."""
    products = {product.sku: product for product in shop.records(PRODUCTS)}
    lines = shop.records(ORDER_LINES)
    for order in shop.records(ORDERS):
        if order.status != "picking" or not order.external_ref:
            continue
        units: dict[str, int] = {}
        for line in lines:
            if line.order_id == order.order_id:
                units[line.sku] = units.get(line.sku, 0) + (line.qty or 0)
        wanted = [(products[sku].barcode or sku, products[sku].name, qty) for sku, qty in units.items()]
        if wanted and sum(units.values()) <= 6:
            return order.order_id, order.external_ref, wanted
    raise AssertionError("the demo has no order being picked with a number")


def test_on_a_phone_the_drawer_stays_closed_and_stock_reads_as_cards(phone, shop):
    log_in(phone, shop.staff)
    phone.open("/inventory")
    phone.should_see("Last counted")  # a card's label: the table became cards
    assert phone.until(lambda _driver: drawer_closed(phone), "the drawer was open over the page")
    assert fits_the_screen(phone), "the stock page scrolls sideways on a phone"
    screenshot(phone, "stock")

    phone.clickable("//button[@aria-label='Menu']", "the menu button").click()
    phone.visible("//a[normalize-space(.)='Packing']", "the Packing link in the opened drawer")
    screenshot(phone, "menu")


def test_on_a_phone_an_order_is_packed_only_after_every_unit_is_scanned(phone, shop):
    order_id, number, wanted = an_order_being_picked(shop)
    log_in(phone, shop.staff)
    phone.open("/orders/picking")
    phone.should_see(f"{number} (")  # the batch pick list names orders by their number
    assert fits_the_screen(phone), "the pick list scrolls sideways on a phone"
    screenshot(phone, "pick-list")

    phone.open("/orders/packing")
    scan(phone, number, "Order number")
    phone.should_be_at(f"/orders/packing/{order_id}$")
    phone.should_see(f"Order {number}")
    scan(phone, "NOT-A-PRODUCT")
    verdict(phone, "No product has the code NOT-A-PRODUCT.")
    screenshot(phone, "packing-bad-scan")
    for index, (code, name, units) in enumerate(wanted):
        for unit in range(1, units + 1):
            scan(phone, code)
            verdict(phone, f"{name}: {unit} of {units}" + (", complete." if unit == units else "."))
            if index == 0 and unit == 1:  # the connection drops, the page is opened again: the scan is kept
                phone.driver.refresh()
                phone.should_see(f"1 of {units} verified")
    assert fits_the_screen(phone), "the packing station scrolls sideways on a phone"
    screenshot(phone, "packing-verified")
    phone.click("Mark as packed")
    phone.notification(f"Order {number} is packed")
    screenshot(phone, "packed")

    assert shop.record(ORDERS, order_id).status == "packed"
