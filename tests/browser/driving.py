"""Driving Flowsheet's Quasar pages in a real browser, the way a person finds things: by label and text.

    page.open("/login")
    page.type("User name", "sam")
    page.choose("Ships from", "Main warehouse")   # a drop-down: open it, click the option
    page.click("Log in")
    page.should_see("sam (staff)")

Every look-up waits (WebDriverWait) until the element is there and visible;
nothing sleeps. A look-up that times out fails with a sentence saying what was
not shown, and (`__tracebackhide__`) the report points at the test's own line.
"""

from __future__ import annotations

from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait


def literal(text: str) -> str:
    """`text` as an XPath string literal, whatever quotes it holds."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


def field_xpath(label: str) -> str:
    """A Quasar field (input, textarea or select) by its floating label."""
    return (
        "//label[contains(@class, 'q-field')]"
        f"[.//div[contains(@class, 'q-field__label') and normalize-space(.) = {literal(label)}]]"
    )


class Browser:
    def __init__(
        self, driver: WebDriver, base_url: str, wait_seconds: float, app_log: Path | None = None
    ) -> None:
        self.driver = driver
        self.app_log = app_log  # the server's output, named in a failure report
        self.base_url = base_url
        self.wait_seconds = wait_seconds

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self.connected()

    def connected(self) -> None:
        """Wait until the page's socket is connected: the page is loaded, as a person sees it."""
        __tracebackhide__ = True
        self.until(
            lambda driver: driver.execute_script("return window.did_handshake === true"),
            "the page never connected to the server",
        )

    def _wait(self) -> WebDriverWait:
        return WebDriverWait(
            self.driver, self.wait_seconds, ignored_exceptions=(StaleElementReferenceException,)
        )

    def until(self, condition, failure: str):
        """What `condition` answers once it is truthy; an AssertionError saying `failure` when it never is."""
        __tracebackhide__ = True
        try:
            return self._wait().until(condition)
        except TimeoutException:
            raise AssertionError(f"{failure} within {self.wait_seconds} s") from None

    def visible(self, xpath: str, what: str) -> WebElement:
        __tracebackhide__ = True
        return self.until(seen.visibility_of_element_located((By.XPATH, xpath)), f"no {what} was shown")

    def clickable(self, xpath: str, what: str) -> WebElement:
        __tracebackhide__ = True
        return self.until(seen.element_to_be_clickable((By.XPATH, xpath)), f"no {what} could be clicked")

    # finding ------------------------------------------------------------------------------

    def field(self, label: str) -> WebElement:
        """The <input> or <textarea> of the field labelled `label`."""
        __tracebackhide__ = True
        return self.visible(
            field_xpath(label) + "//*[self::input or self::textarea]", f"field labelled {label!r}"
        )

    def button(self, text: str, within: str = "") -> WebElement:
        __tracebackhide__ = True
        return self.clickable(f"{within}//button[normalize-space(.) = {literal(text)}]", f"button {text!r}")

    # acting -------------------------------------------------------------------------------

    def type(self, label: str, text: str) -> None:
        """Replace what the field holds with `text`, key by key (clear() alone would not reach Vue's model)."""
        __tracebackhide__ = True
        box = self.field(label)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(text)

    def click(self, text: str, within: str = "") -> None:
        __tracebackhide__ = True
        self.button(text, within).click()

    def choose(self, label: str, option: str) -> None:
        """Open the drop-down labelled `label` and click the option whose text contains `option`."""
        __tracebackhide__ = True
        self.clickable(field_xpath(label), f"drop-down labelled {label!r}").click()
        self.clickable(
            "//div[contains(@class, 'q-menu')]//div[contains(@class, 'q-item')]"
            f"[contains(normalize-space(.), {literal(option)})]",
            f"option {option!r} in {label!r}",
        ).click()
        self.until(
            seen.invisibility_of_element_located((By.CSS_SELECTOR, ".q-menu")), f"{label!r} did not close"
        )

    def tick(self, text: str) -> None:
        """Tick the checkbox or radio button labelled `text`."""
        __tracebackhide__ = True
        self.clickable(
            "//div[(contains(@class, 'q-checkbox') or contains(@class, 'q-radio'))"
            f" and normalize-space(.) = {literal(text)}]",
            f"checkbox or radio {text!r}",
        ).click()

    # seeing -------------------------------------------------------------------------------

    def should_see(self, text: str) -> WebElement:
        """The innermost visible element whose own text contains `text`."""
        __tracebackhide__ = True
        return self.visible(f"//*[text()[contains(normalize-space(.), {literal(text)})]]", f"text {text!r}")

    def gone(self, xpath: str, what: str) -> None:
        """Wait until nothing matching `xpath` is shown any more."""
        __tracebackhide__ = True
        self.until(seen.invisibility_of_element_located((By.XPATH, xpath)), f"the {what} was still shown")

    def notification(self, text: str) -> WebElement:
        __tracebackhide__ = True
        return self.visible(
            f"//div[contains(@class, 'q-notification')][contains(normalize-space(.), {literal(text)})]",
            f"notification {text!r}",
        )

    def should_be_at(self, path_pattern: str) -> str:
        """Wait until the address matches the regular expression `path_pattern` (after the site's URL)."""
        __tracebackhide__ = True
        self.until(
            seen.url_matches("^" + self.base_url + path_pattern),
            f"the address never matched {path_pattern!r}",
        )
        self.connected()
        return self.driver.current_url.removeprefix(self.base_url)

    def log_in(self, name: str, password: str) -> None:
        __tracebackhide__ = True
        self.open("/login")
        self.type("User name", name)
        self.type("Password", password)
        self.click("Log in")
        self.should_see(f"{name} (")
