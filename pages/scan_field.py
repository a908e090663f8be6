"""The scan field every warehouse page scans into, and the browser's copy of a scan session.

A keyboard-wedge scanner types the code's characters and then Enter, as a
person typing into the field would; on a phone the camera button reads codes
with the browser's BarcodeDetector, or, where there is none, with the ZXing
library served from `static/vendor/` (never from another site). A good scan
beeps high and buzzes once, a bad one beeps low and buzzes twice
(`static/scan.js`: WebAudio and navigator.vibrate).

`ScanMemory` keeps a session's counts in the browser's localStorage until the
page has saved them, so a dropped connection or a reload loses no scan.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from itertools import count
from pathlib import Path
from typing import Any

from nicegui import app, context, events, ui

from i18n import N_, _
from pages.responsive import TOUCH_BUTTON
from processes.scanning import Outcome

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_PATH = "/static"
SCRIPT = f'<script src="{STATIC_PATH}/scan.js"></script>'
_numbers = count(1)

#: What a scan handler is given: the code as scanned (trimmed) and how many units it stands for.
OnCode = Callable[[str, int], Awaitable[None]]


def register() -> None:
    """Serve `static/` (the scan script and the vendored camera library) from the app itself."""
    app.add_static_files(STATIC_PATH, STATIC_DIR)


def _with_script() -> None:
    """The scan script in this page's head, once."""
    client = context.client
    if not getattr(client, "flowsheet_scan_script", False):
        ui.add_head_html(SCRIPT)
        client.flowsheet_scan_script = True


class ScanField:
    """A large field a scanner types into (Enter ends a code), a camera button, and the last scan's verdict.

    `on_code(code, qty)` runs for each code; it answers with `good(text)` or `bad(text)`.
    With `quantity=True` a second field takes a number typed before a scan: that scan
    counts so many units (blank: one).
    """

    def __init__(
        self, on_code: OnCode, *, label: str = N_("Scan or type a code"), quantity: bool = False
    ) -> None:
        _with_script()
        self.on_code = on_code
        self.number = next(_numbers)
        self.camera_heard = False
        with ui.column().classes("w-full gap-1").mark("scan-field"):
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                self.input = (
                    ui.input(_(label))
                    .props(
                        "outlined autofocus autocomplete=off autocapitalize=off spellcheck=false "
                        "enterkeyhint=done input-class=text-lg"
                    )
                    .classes("grow")
                    .mark("scan")
                )
                self.input.on(
                    "keydown.enter",
                    self._entered,
                    js_handler="(event) => { event.preventDefault(); emit(event.target.value); }",
                )
                camera = ui.button(icon="photo_camera", on_click=self.open_camera)
                camera.props(f'outline size=lg aria-label="{_("Scan with the camera")}"').tooltip(
                    _("Scan with the camera")
                )
            self.quantity = None
            if quantity:
                self.quantity = (
                    ui.input(_("Units in the next scan (blank: 1)"))
                    .props("inputmode=numeric dense outlined")
                    .classes("w-full sm:w-64")
                    .mark("scan-qty")
                )
            self.verdict = (
                ui.label("").classes("w-full rounded px-3 py-2 text-base hidden").mark("scan-verdict")
            )

    async def _camera_read(self, event: events.GenericEventArguments) -> None:
        code = str(event.args or "").strip()
        if code:
            await self.on_code(code, self._units() or 1)

    async def _entered(self, event: events.GenericEventArguments) -> None:
        typed = event.args if isinstance(event.args, str) and event.args.strip() else self.input.value
        code = (typed or "").strip()
        self.input.value = ""
        if not code:
            return
        qty = self._units()
        if qty is None:
            return
        await self.on_code(code, qty)
        self.input.run_method("focus")

    def _units(self) -> int | None:
        """The units the next scan stands for: 1, or the number typed (then the field is cleared)."""
        if self.quantity is None or not (self.quantity.value or "").strip():
            return 1
        text = self.quantity.value.strip()
        self.quantity.value = ""
        if not text.isdigit() or int(text) < 1:
            self.bad(_("Units in the next scan: a whole number of at least 1, not {value}.", value=text))
            return None
        return int(text)

    def good(self, text: str) -> None:
        self._say(text, "bg-green-100 text-green-900")
        ui.run_javascript("window.flowsheetScan && flowsheetScan.feedback(true)")

    def bad(self, text: str) -> None:
        self._say(text, "bg-red-100 text-red-900 font-semibold")
        ui.run_javascript("window.flowsheetScan && flowsheetScan.feedback(false)")

    def _say(self, text: str, colours: str) -> None:
        self.verdict.text = text
        self.verdict.classes(
            replace=f"w-full rounded px-3 py-2 text-base {colours}",
        )

    async def open_camera(self) -> None:
        """The camera in a dialog; each code it reads is scanned like a typed one, until the dialog closes."""
        video_id, event_name = f"scan-video-{self.number}", f"flowsheet_scan_{self.number}"
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-md gap-2 p-2"):
            ui.element("video").props(f"id={video_id} playsinline muted autoplay").classes(
                "w-full rounded bg-black aspect-[4/3]"
            )
            problem = ui.label("").classes("text-negative")
            ui.button(_("Done"), on_click=dialog.close).classes(TOUCH_BUTTON)

        if not self.camera_heard:  # one listener for every time the camera opens
            ui.on(event_name, self._camera_read)
            self.camera_heard = True
        dialog.on("hide", lambda: ui.run_javascript("flowsheetScan.stopCamera()"))
        dialog.open()
        try:
            failed = await ui.run_javascript(
                f"flowsheetScan.startCamera({json.dumps(video_id)}, {json.dumps(event_name)})", timeout=20
            )
        except TimeoutError:
            failed = "timeout"
        if failed:
            problem.text = _(
                "The camera cannot be used here ({value}); scan or type the code instead.", value=failed
            )


class ScanMemory:
    """A scan session's counts kept in this browser (localStorage) under `key` until forgotten.

    `restore(handler)` hands what was kept back to the page after a reload or a
    dropped connection; nothing kept, no call.
    """

    def __init__(self, key: str) -> None:
        _with_script()
        self.key = key
        self.event = f"flowsheet_kept_{next(_numbers)}"

    def restore(self, handler: Callable[[dict[str, Any]], Any]) -> None:
        async def take(event: events.GenericEventArguments) -> None:
            if isinstance(event.args, dict):
                result = handler(event.args)
                if isinstance(result, Awaitable):
                    await result

        ui.on(self.event, take)
        ui.run_javascript(f"flowsheetScan.restore({json.dumps(self.key)}, {json.dumps(self.event)})")

    def keep(self, data: dict[str, Any]) -> None:
        ui.run_javascript(f"flowsheetScan.remember({json.dumps(self.key)}, {json.dumps(data)})")

    def forget(self) -> None:
        ui.run_javascript(f"flowsheetScan.forget({json.dumps(self.key)})")


def announce(
    field: ScanField, outcome: Outcome, *, code: str, name: str, counted: int = 0, wanted: int | None = None
) -> None:
    """Say what one scan did, in the field's verdict line, with the good or the bad sound."""
    if outcome is Outcome.UNKNOWN:
        field.bad(_("No product has the code {code}.", code=code))
    elif outcome is Outcome.NOT_EXPECTED:
        field.bad(_("Wrong item: {name} is not on this list.", name=name))
    elif outcome is Outcome.TOO_MANY:
        field.bad(_("{name}: all {wanted} are already counted; put this one back.", name=name, wanted=wanted))
    elif outcome is Outcome.PLACE:
        field.good(_("Now counting at {place}.", place=name))
    elif outcome is Outcome.COMPLETE:
        field.good(_("{name}: {counted} of {wanted}, complete.", name=name, counted=counted, wanted=wanted))
    elif wanted is None:
        field.good(_("{name}: {counted} counted.", name=name, counted=counted))
    else:
        field.good(_("{name}: {counted} of {wanted}.", name=name, counted=counted, wanted=wanted))
