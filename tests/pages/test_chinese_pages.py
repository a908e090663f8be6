"""Every page, staff and public, read in Chinese over a demo shop: no English left but names and IDs.

A customer whose browser asks for Chinese reads the login page and the public
pages, then what they show after an answer (a survey sent; an order found, not
returnable or not found; a return asked for). An admin who chose Chinese then
walks every other page route the app registers (each record page once per
state the demo has) and the forms a click opens (a grid's new and edited row,
a master record's editor). The test collects the text each page shows: labels,
buttons, links, field labels, hints and tooltips, choices, table headers and
cells, chart titles, axes and legends, the labels of a flowchart. What is left
after taking out the shop's own records (names, subjects, addresses: what
people typed, kept as they typed it) and identifiers (IDs, SKUs, setting keys,
email addresses) must hold no English word. A page route added without a way
to reach it here fails the test too.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import pytest
from nicegui import app, ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

import i18n
from pages.aftersales import PUBLIC_RETURNS
from pages.aftersales.paths import PHOTO_PATH
from pages.auth import LOGIN_PATH, PUBLIC_PREFIX
from pages.master_data import PAGES as MASTER_DATA
from pages.public import PUBLIC_LIMIT
from pages.service.conversation import FILES_PATH
from pages.service.surveys import THANKS
from processes import aftersales, settings
from processes.aftersales.common import order_ref
from processes.declarations import PROCEDURES
from processes.demo import seed_demo
from sheets.settings import DECLARED
from sheets.tabs import ALL_TABS
from tests.pages.conftest import PASSWORD, log_in
from tests.pages.waiting import eventually

ADMIN = "ada"
#: Latin words a Chinese reader sees as they are: names of products, formats and methods, and the
#: abbreviations the Chinese catalog itself keeps (SLA, SKU …).
ALLOWED = {
    *("Flowsheet", "FLOWSHEET", "Google", "Shopify", "Excel", "Markdown", "Mermaid", "README"),
    *("EAN", "UPC"),  # kinds of barcode, named so in Chinese too
    *("SKU", "SLA", "SMTP", "CSV", "HTML", "PDF", "API", "ID", "RACI", "WAPE", "SUM", "xlsx", "csv"),
    *("JPEG", "PNG", "WebP", "HEIC", "MB"),  # picture formats, and the size of a photo
    "Webhook",  # Shopify's own Chinese pages keep the word
    *("ADIDA", "Croston", "SBA", "IMAPA", "Theta"),  # forecast methods
    *("YYYY", "MM", "DD", "HH"),  # how a date field asks for its date: YYYY-MM-DD HH:MM
    *("EUR", "USD"),  # currency codes
    "p50",
    "p90",
    "English",  # the language switch names each language in its own language
    ADMIN,
    # The values a text setting takes, typed into the Settings tab as they are (en, zh, on, off).
    *(choice for setting in DECLARED for choice in setting.choices),
}
#: Identifiers shown as they are: record IDs (ORD-…), setting keys and column names (snake_case),
#: email addresses, web addresses, file names, the commands of the command line.
IDENTIFIER = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+"  # an email address
    r"|https?://\S+|/[\w/{}.-]+|\b[\w-]+(?:/[\w.-]+)+"  # an address, a path (docs/channels.md too)
    r"|\b[A-Z]{2,5}-[\w-]+"  # a record ID, a SKU
    r"|\b\w+_(?:<|&lt;)\w+(?:>|&gt;)"  # a family of setting keys: sla_hours_<priority>
    r"|\b\w+_\w+\b"  # a setting key, a column name, an environment variable
    r"|\b[\w-]+\.(?:csv|xlsx|html|md|py|sqlite3|jpg|jpeg|png|webp|heic)\b"  # a file name (a photo's too)
    r"|`[^`\n]+`"  # code in the handbook: a value or a name exactly as the sheet holds it
    r"|python app\.py[A-Za-z0-9 _-]*"  # a command
)
WORD = re.compile(r"[A-Za-z]{2,}")


# --- what a page shows -------------------------------------------------------------


def shown_texts(client: Any) -> list[str]:
    """The text of every visible element of the page: what a person reads on it."""
    return [text for element in client.elements.values() for text in shown_texts_of(element)]


def shown_texts_of(element: Any) -> list[str]:
    if not _visible(element) or isinstance(element, ui.icon | ui.timer):
        return []
    texts = [str(item) for item in element._displayed_contents(only_visible=True) if item]
    texts += [
        str(element._props[key]) for key in ("hint", "suffix", "prefix", "title") if element._props.get(key)
    ]
    icon = element._props.get("icon")
    texts = [text for text in texts if text != icon]  # an icon's name is not text
    if isinstance(element, ui.mermaid):  # the labels of nodes and edges, not the diagram's syntax
        texts = [text for text in texts if text != element.content]
        texts += re.findall(r'"([^"]*)"', str(element.content))
    elif isinstance(element, ui.html | ui.markdown):
        texts.append(re.sub(r"<[^>]+>", " ", html.unescape(str(element.content))))
    if isinstance(element, ui.select | ui.radio | ui.toggle):
        texts += [str(label) for label in element._labels]
    if isinstance(element, ui.table):
        texts += [str(column.get("label", "")) for column in element.columns]
        shown = [column["field"] for column in element.columns]
        texts += [str(row.get(field, "")) for row in element.rows for field in shown]
    if isinstance(element, ui.echart):
        texts += list(_chart_texts(element.options))
    return [text for text in texts if text.strip()]


def _visible(element: Any) -> bool:
    while element is not None:
        if not element.visible:
            return False
        element = element.parent_slot.parent if element.parent_slot else None
    return True


def _chart_texts(options: Any, key: str = "") -> Iterator[str]:
    """Titles, axis names, legend entries, series names and category labels of a chart.

    A legend that lists its entries shows those only: a series left out of it is not shown by name.
    """
    if isinstance(options, dict):
        listed = isinstance(options.get("legend"), dict) and "data" in options["legend"]
        for name, value in options.items():
            if name == "series" and listed:
                continue
            if name in ("text", "name", "subtext", "data", "legend", "xAxis", "yAxis", "series", "title"):
                yield from _chart_texts(value, name)
    elif isinstance(options, list):
        for item in options:
            yield from _chart_texts(item, key)
    elif isinstance(options, str) and key in ("text", "name", "subtext", "data"):
        yield options


def english_left(texts: Iterable[str], records: list[str]) -> set[str]:
    """The English words in `texts` once the shop's records and identifiers are taken out.

    Taken out in both orders, a word counts only if both leave it: a record's value may hold
    an identifier (an alert names its order), and an identifier may hold a record's value
    (the random letters of an ID): either way round alone would leave a false word.
    """
    left: set[str] = set()
    for text in texts:
        if not WORD.search(text):
            continue
        records_first = IDENTIFIER.sub(" ", _without_records(text, records))
        identifiers_first = _without_records(IDENTIFIER.sub(" ", text), records)
        words = set(WORD.findall(records_first)) & set(WORD.findall(identifiers_first))
        left |= {word for word in words if word not in ALLOWED}
    return left


def _without_records(text: str, records: list[str]) -> str:
    for value in records:  # longest first, so a name is taken out before a word inside it
        if value in text:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return text


def record_texts(workbook: Any) -> list[str]:
    """What people and the jobs wrote into the record (choice values and the settings' own texts left out)."""
    found: set[str] = set()
    for tab in ALL_TABS:
        choices = {column.name for column in tab.choice_columns()}
        for record in workbook.table(tab).records():
            for name, value in record.items():
                if isinstance(value, str) and name not in choices and WORD.search(value):
                    found.add(value)
                    # a note's entries, an Audit row's action: parts of a cell are shown on their own too
                    found.update(part.strip() for part in re.split(r"\n|\] |: ", value) if part.strip())
    return sorted(found, key=len, reverse=True)


# --- where the pages are -------------------------------------------------------------


#: Routes that are no page to read: the API, NiceGUI's own, logging in and out (the login page is read last),
#: the app's static files (the scan script and its vendored camera library).
NOT_PAGES = ("/api/", "/_nicegui", "/login", "/logout", "/static/")
#: Routes answered with a picture, no text: a return's photo.
PICTURES = (PHOTO_PATH,)
#: Routes that answer with a file a customer sent, as it is: nothing there is the app's to translate.
DOWNLOADS = {FILES_PATH}


def page_routes() -> set[str]:
    return {
        route.path
        for route in app.routes
        if getattr(route, "methods", None) == {"GET"}
        and not route.path.startswith(NOT_PAGES)
        and route.path not in PICTURES
        and route.path not in DOWNLOADS
    }


def one_per_state(workbook: Any, tab: Any, key: str, column: str = "status") -> list[str]:
    chosen: dict[Any, str] = {}
    for record in workbook.table(tab).records():
        chosen.setdefault(record[column], record[key])
    return list(chosen.values())


def addresses(workbook: Any) -> dict[str, list[str]]:
    """Each page route and the addresses that show it with real records."""
    from sheets.tabs import (
        ORDERS,
        PRODUCTS,
        PURCHASE_ORDERS,
        PURCHASE_REQUESTS,
        RETURNS,
        STOCK_COUNTS,
        SURVEYS,
        TICKETS,
    )

    surveys = list(workbook.table(SURVEYS).records())
    unanswered = next(s.token for s in surveys if s.answered_at is None)
    answered = next(s.token for s in surveys if s.answered_at is not None)
    sku = next(iter(workbook.table(PRODUCTS).records())).sku
    requests = one_per_state(workbook, PURCHASE_REQUESTS, "request_id")
    orders = one_per_state(workbook, PURCHASE_ORDERS, "po_id")
    return {
        "/tabs/{slug}": [f"/tabs/{tab.slug}" for tab in ALL_TABS],
        "/procurement/requests/{request_id}": [f"/procurement/requests/{key}" for key in requests],
        "/procurement/orders/{po_id}": [f"/procurement/orders/{key}" for key in orders],
        "/procurement/orders/{po_id}/print": [f"/procurement/orders/{key}/print" for key in orders[:2]],
        "/planning/{sku}": [f"/planning/{sku}"],
        "/inventory/stocktake/{session_id}": [
            f"/inventory/stocktake/{key}" for key in one_per_state(workbook, STOCK_COUNTS, "session_id")
        ],
        "/orders/{order_id}": [f"/orders/{key}" for key in one_per_state(workbook, ORDERS, "order_id")],
        # The packing station of an order being picked (its lines to scan) and of one that is not.
        "/orders/packing/{order_id}": [
            f"/orders/packing/{key}" for key in one_per_state(workbook, ORDERS, "order_id")
        ],
        "/orders/{order_id}/packing-slip": [
            f"/orders/{key}/packing-slip" for key in one_per_state(workbook, ORDERS, "order_id")[:2]
        ],
        "/tickets/{ticket_id}": [f"/tickets/{key}" for key in one_per_state(workbook, TICKETS, "ticket_id")],
        "/returns/{return_id}": [
            f"/returns/{key}"
            for key in {
                *one_per_state(workbook, RETURNS, "return_id"),
                *one_per_state(workbook, RETURNS, "return_id", "refund_status"),
            }
        ],
        "/public/survey/{token}": [f"/public/survey/{token}" for token in (unanswered, answered, "x" * 32)],
        "/handbook/{slug}": [f"/handbook/{procedure.slug}" for procedure in PROCEDURES],
    }


# --- the test ------------------------------------------------------------------------


@pytest.fixture
def shop(app_workbook, app_accounts):
    seed_demo(app_workbook)
    app_accounts.add_user(ADMIN, "admin", PASSWORD)
    app_accounts.set_language(ADMIN, "zh", by=app_accounts.actor(ADMIN))
    a_conversation_by_email(app_workbook, app_accounts.actor(ADMIN))
    return app_workbook


def a_conversation_by_email(workbook: Any, staff: Any) -> None:
    """A ticket a customer's email opened, with a file, a staff reply and an internal note: every kind of message."""
    from email.message import EmailMessage

    from processes import runtime, service
    from processes.service.emails import read_mail

    mail = EmailMessage()
    mail["From"] = "Lin Mei <lin.mei@example.com>"
    mail["Subject"] = "灯罩有凹痕"
    mail["Message-ID"] = "<dent-zh@example.com>"
    mail.set_content("灯罩有凹痕，见照片。")
    mail.add_attachment(b"photo", maintype="image", subtype="png", filename="dent.png")
    [received] = service.receive(
        workbook, [read_mail(mail.as_bytes())], attachments_root=runtime.attachments_folder()
    )
    service.reply(workbook, received.ticket_id, "我们会寄一个新的灯罩。", by=staff)
    service.add_internal_note(workbook, received.ticket_id, "承运商承认摔过箱子。", by=staff)


#: Routes answered with a document rather than a page: read as the HTML they send.
DOCUMENTS = (
    "/procurement/orders/{po_id}/print",
    "/orders/{order_id}/packing-slip",
    "/orders/picking/print",
    "/products/labels",
)


async def read_document(user: User, path: str) -> list[str]:
    response = await user.http_client.get(path)
    assert response.status_code == 200, path
    body = re.sub(r"<style.*?</style>", " ", response.text, flags=re.S)
    return [html.unescape(text) for text in re.split(r"<[^>]+>", body) if text.strip()]


async def read_page(user: User, path: str) -> list[str]:
    client = await user.open(path)
    # The lists and record pages load their rows right after the page is sent (ui.timer(0, …, once)).
    await eventually(
        lambda: not any(isinstance(e, ui.timer) and e.interval == 0 for e in client.elements.values()), 10
    )
    return shown_texts(client)


def zh(text: str, **values: Any) -> str:
    """What the Chinese page says for `text`: the test finds buttons and waits for messages by it."""
    return i18n.translate(text, "zh", **values)


def element_there(user: User, content: str | None = None, marker: str | None = None) -> bool:
    try:
        user.find(content, marker=marker)
    except AssertionError:
        return False
    return True


async def customer_answers(user: User, workbook: Any, owner: Any) -> AsyncIterator[tuple[str, list[str]]]:
    """What a customer reads after answering: a survey sent, an order found or not, a return asked for."""
    from sheets.tabs import ORDERS, SURVEYS

    token = next(s.token for s in workbook.table(SURVEYS).records() if s.answered_at is None)
    await user.open(f"/public/survey/{token}")
    user.find(zh("5 · excellent")).click()
    user.find(kind=ui.button, content=zh("Send")).click()
    await eventually(lambda: element_there(user, zh(THANKS)))
    yield "survey answered", shown_texts(user.client)

    # Returns are open for two weeks: the demo's first deliveries are past that, the later ones within it.
    settings.update_setting(workbook, "return_window_days", "14", by=owner)
    orders = {order.order_id: order for order in workbook.table(ORDERS).records()}
    found = {
        key: aftersales.find_customer_order(workbook, key, o.customer_email) for key, o in orders.items()
    }
    returnable = next(key for key, order in found.items() if order.problem is None and order.returnable)
    undelivered = next(key for key, order in orders.items() if order.delivered_at is None)
    too_late = next(key for key, o in orders.items() if o.delivered_at and found[key].problem)
    for order in (orders[key] for key in (undelivered, too_late, returnable)):
        reference = order_ref(order)
        await user.open(PUBLIC_RETURNS)
        await find_order(user, reference, order.customer_email)
        heading = zh("Order {reference}", reference=reference)
        await eventually(lambda heading=heading: element_there(user, heading))
        yield f"returns: order {reference} found", shown_texts(user.client)

    [kind] = user.find(kind=ui.select, content=zh("Return or exchange")).elements
    kind.value = "exchange"  # the items it may be exchanged for, and the price difference
    yield "returns: an exchange", shown_texts(user.client)
    kind.value = "return"
    [photos] = user.find(ui.upload).elements
    await photos.handle_uploads([SmallFileUpload("笔记.jpg", "image/jpeg", b"not a picture")])
    await eventually(
        lambda: element_there(
            user,
            zh("{name} is not a JPEG, PNG, WebP or HEIC picture, whatever its name says.", name="笔记.jpg"),
        )
    )
    yield "returns: a photo refused", shown_texts(user.client)
    await photos.handle_uploads([SmallFileUpload("盖子.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(32))])
    await eventually(lambda: element_there(user, marker="photo-added"))
    yield "returns: a photo added", shown_texts(user.client)
    # The reason is the first one listed; the customer's own words go with it.
    user.find(kind=ui.textarea, content=zh("Tell us more (optional)")).type("太重了")
    user.find(kind=ui.button, content=zh("Send the request")).click()
    await eventually(lambda: element_there(user, marker="return-reference"))
    yield "returns: request sent", shown_texts(user.client)

    await user.open(PUBLIC_RETURNS)
    await find_order(user, "#0000", "nobody@example.com")
    await eventually(lambda: element_there(user, zh(aftersales.NOT_FOUND)))
    yield "returns: no such order", shown_texts(user.client)


async def find_order(user: User, reference: str, email: str) -> None:
    user.find(kind=ui.input, content=zh("Order number")).type(reference)
    user.find(kind=ui.input, content=zh("Email address")).type(email)
    user.find(kind=ui.button, content=zh("Find my order")).click()


async def staff_forms(user: User, path: str) -> AsyncIterator[tuple[str, list[str]]]:
    """The forms a staff page opens on a click: a grid's new and edited row, a master record's editor."""
    if path.startswith("/tabs/") and element_there(user, zh("Add row")):
        user.find(kind=ui.button, content=zh("Add row")).click()
        yield f"{path}: new row", shown_texts(user.client)
        [grid] = user.find(kind=ui.table).elements
        if grid.rows:
            await read_page(user, path)
            user.find(kind=ui.table).trigger("edit_row", grid.rows[0])
            yield f"{path}: row edited", shown_texts(user.client)
    if path in MASTER_DATA:
        user.find(kind=ui.button, content=zh("Add a {noun}", noun=zh(MASTER_DATA[path][1].noun))).click()
        yield f"{path}: new record", shown_texts(user.client)
        await read_page(user, path)
        edit = next(iter(user.find(kind=ui.button, content=zh("Edit")).elements))  # one record's
        UserInteraction(user, {edit}, None).click()
        await eventually(lambda: element_there(user, zh("Save")))
        yield f"{path}: record edited", shown_texts(user.client)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The public pages' limit is module state: the customer's loads start from none."""
    PUBLIC_LIMIT.reset()
    yield
    PUBLIC_LIMIT.reset()


async def test_every_page_reads_in_chinese(user: User, shop, app_workbook, app_accounts):
    records = record_texts(app_workbook)
    reached = addresses(app_workbook)
    unreached = sorted(route for route in page_routes() if "{" in route and route not in reached)
    assert unreached == [], "say which records show these pages: " + ", ".join(unreached)
    found: dict[str, set[str]] = {}

    def note(where: str, texts: list[str]) -> None:
        left = english_left(texts, records)
        if left:
            found[where] = left

    # A customer: no login, a browser that asks for Chinese.
    user.http_client.headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.8"
    public = sorted(route for route in page_routes() if route.startswith(PUBLIC_PREFIX))
    assert PUBLIC_RETURNS in public
    for route in (LOGIN_PATH, *public):
        for path in reached.get(route, [route]):
            note(path, await read_page(user, path))
    async for where, texts in customer_answers(user, app_workbook, app_accounts.actor(ADMIN)):
        note(where, texts)

    records = record_texts(app_workbook)  # with what the customer's answers wrote (who: "customer (…)")
    # The staff: an admin who chose Chinese (the choice goes with the login, whatever the browser asks).
    user.http_client.headers["Accept-Language"] = "en-GB,en;q=0.9"
    await log_in(user, ADMIN)
    await user.should_see(f"{ADMIN} (管理员)")
    for route in sorted(set(page_routes()) - set(public)):
        read = read_document if route in DOCUMENTS else read_page
        for path in reached.get(route, [route]):
            note(path, await read(user, path))
            if read is read_page:
                async for where, texts in staff_forms(user, path):
                    note(where, texts)
    report = "\n".join(f"{path}: {' '.join(sorted(words))}" for path, words in found.items())
    assert found == {}, "English on pages read in Chinese:\n" + report
