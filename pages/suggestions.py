"""The suggestion box: anyone proposes an improvement to a procedure, others vote, a manager decides.

The list is filtered and paged on the server, most votes first. Every check
(one vote each, not for your own, decided once, managers only) is in
processes.suggestions; the buttons shown here only spare people a refusal.
"""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, call, pager, when
from pages.frame import frame
from pages.steps_panel import StepsPanel
from processes import suggestions
from processes.improvement.procedure import SUGGESTION
from processes.permissions import Actor
from processes.procedure import Transition
from processes.suggestions import OPEN_STATES, OUTCOMES, PROCESSES, SuggestionQuery
from sheets.table import Record

VIEWS = ("open", "decided", "adopted", "rejected", "all")
#: A suggestion's badge colour by its state: still open, adopted, rejected.
_STATUS_COLOUR = {
    **dict.fromkeys(OPEN_STATES, "primary"),
    SUGGESTION.transition("adopt").target: "positive",
    SUGGESTION.transition("reject").target: "grey",
}


class SuggestionBox(ServerList):
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.query = SuggestionQuery()

    def build(self) -> None:
        self._form()
        with ui.row().classes("w-full items-end gap-4"):
            ui.select(
                {view: i18n.value(view).capitalize() for view in VIEWS},
                value=self.query.view,
                label=_("Show"),
                on_change=lambda e: self._ask(view=e.value or "open"),
            ).props("dense").classes("w-40").mark("filter-view")
            ui.select(
                {"all": _("All procedures"), **{name: _(name) for name in PROCESSES}},
                value=self.query.process,
                label=_("Procedure"),
                on_change=lambda e: self._ask(process=e.value or "all"),
            ).props("dense").classes("w-56").mark("filter-process")
        self.body = ui.column().classes("w-full gap-2")
        self._decide_dialog()
        ui.timer(0, self.refresh, once=True)

    # submitting -------------------------------------------------------------------

    def _form(self) -> None:
        with (
            ui.expansion(_("Suggest an improvement"), icon="lightbulb", value=True).classes("w-full"),
            ui.column().classes("w-full gap-2 p-2"),
        ):
            self.process = ui.select(
                {process: _(process) for process in PROCESSES}, label=_("About the procedure")
            ).classes("w-64")
            self.process.mark("new-process")
            self.text = ui.textarea(
                _("Your suggestion"), placeholder=_("What would work better, and why?")
            ).classes("w-full")
            self.text.props(f"maxlength={suggestions.TEXT_LIMIT} counter").mark("new-text")
            ui.button(_("Submit suggestion"), on_click=self._submit).mark("submit")

    async def _submit(self) -> None:
        ok, made = await call(suggestions.submit, self.process.value or "", self.text.value, by=self.actor)
        if ok:
            ui.notify(
                _(
                    "Suggestion {suggestion_id} submitted: colleagues can vote on it now",
                    suggestion_id=made.suggestion_id,
                ),
                type="positive",
            )
            self.text.value = ""
            await self.refresh()

    # the list ---------------------------------------------------------------------

    async def refresh(self) -> None:
        page = await self.newest(suggestions.suggestion_page)
        if page is None:
            return
        self.body.clear()
        with self.body:
            if page.unreadable:
                ui.label(
                    ngettext(
                        "{count} suggestion row could not be read and is not shown; see Data issues.",
                        "{count} suggestion rows could not be read and are not shown; see Data issues.",
                        page.unreadable,
                    )
                )
            if not page.total:
                empty = (
                    _("No open suggestions yet: suggest an improvement above.")
                    if self.query == SuggestionQuery()
                    else _("No suggestions match: choose another filter, or suggest one above.")
                )
                ui.label(empty).classes("text-slate-500").mark("no-suggestions")
                return
            for suggestion in page.suggestions:
                self._card(suggestion)
            pager(
                page.page,
                page.pages,
                ngettext("{count:,} suggestion", "{count:,} suggestions", page.total),
                lambda number: self._ask(page=number),
            )

    def _card(self, suggestion: Record) -> None:
        sid, status = suggestion.suggestion_id, suggestions.status_of(suggestion)
        with (
            ui.card().classes("w-full p-3").mark(f"suggestion-{sid}"),
            ui.row().classes("w-full items-start gap-4 no-wrap"),
        ):
            with ui.column().classes("items-center gap-0 w-14 shrink-0"):
                ui.label(str(suggestions.vote_count(suggestion))).classes("text-2xl font-semibold").mark(
                    f"votes-{sid}"
                )
                ui.label(_("votes")).classes("text-xs text-slate-500")
            with ui.column().classes("gap-1 grow"):
                ui.label(suggestion.text).classes("whitespace-pre-wrap").mark("suggestion-text")
                details = [
                    sid,
                    _(suggestion.process or suggestions.OTHER),
                    _("by {name}", name=suggestion.submitted_by) if suggestion.submitted_by else "",
                    when(suggestion.submitted_at),
                    _("voted for by {names}", names=", ".join(suggestions.voters(suggestion)))
                    if suggestion.voters
                    else "",
                ]
                ui.label(" · ".join(part for part in details if part)).classes("text-xs text-slate-500")
                if status not in OPEN_STATES:
                    ui.label(
                        _(
                            "{status} by {who}: {reason}",
                            status=_(status.capitalize()),
                            who=suggestion.decided_by or _("a manager"),
                            reason=suggestion.decision or "",
                        )
                    ).classes("text-sm").mark(f"decision-{sid}")
            with ui.column().classes("items-end gap-1 shrink-0"):
                ui.badge(i18n.value(status), color=_STATUS_COLOUR.get(status, "grey")).mark(f"status-{sid}")
                self._steps(suggestion)

    def _steps(self, suggestion: Record) -> None:
        """The steps the specification offers this login: voting and deciding drawn as this list's own."""

        def deciding(step: Transition) -> None:
            ui.button(_("Decide"), on_click=lambda _event: self._open_decision(suggestion)).props(
                "flat dense"
            ).mark(f"decide-{suggestion.suggestion_id}")

        extras = {"vote": lambda step: self._vote_button(suggestion), "adopt": deciding, "reject": deciding}
        StepsPanel(SUGGESTION, suggestion, self.actor, on_done=self.refresh, extras=extras, title="").draw()

    def _vote_button(self, suggestion: Record) -> None:
        sid = suggestion.suggestion_id
        if suggestions.same_person(suggestion.submitted_by, self.actor.name):
            ui.label(_("Your suggestion")).classes("text-xs text-slate-500")
        elif any(suggestions.same_person(name, self.actor.name) for name in suggestions.voters(suggestion)):
            ui.label(_("You voted")).classes("text-xs text-slate-500").mark(f"voted-{sid}")
        else:
            ui.button(_("Vote"), icon="thumb_up", on_click=lambda _event, s=sid: self._vote(s)).props(
                "outline dense"
            ).mark(f"vote-{sid}")

    async def _vote(self, suggestion_id: str) -> None:
        ok, _unused = await call(suggestions.vote, suggestion_id, by=self.actor)
        if ok:
            ui.notify(
                _("Your vote for {suggestion_id} is counted", suggestion_id=suggestion_id), type="positive"
            )
        await self.refresh()

    # deciding (managers) -----------------------------------------------------------

    def _decide_dialog(self) -> None:
        self.deciding: Record | None = None
        with ui.dialog() as self.dialog, ui.card().classes("w-[32rem] max-w-full"):
            self.dialog_title = ui.label().classes("text-base font-semibold")
            self.dialog_text = ui.label().classes("text-sm whitespace-pre-wrap")
            self.dialog_note = ui.label().classes("text-sm text-warning").mark("changed-note")
            self.outcome = (
                ui.radio({outcome: i18n.value(outcome) for outcome in OUTCOMES}, value=OUTCOMES[0])
                .props("inline")
                .mark("outcome")
            )
            self.reason = ui.textarea(_("Reason (required)")).classes("w-full").mark("reason")
            self.reason.props(f"maxlength={suggestions.REASON_LIMIT}")
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=self.dialog.close).props("flat")
                ui.button(_("Record the decision"), on_click=self._decide).mark("record-decision")

    def _open_decision(self, suggestion: Record) -> None:
        self.deciding = suggestion
        self.dialog_title.text = f"Decide on {suggestion.suggestion_id}"
        self.dialog_text.text = suggestion.text or ""
        self.outcome.value = OUTCOMES[0]
        self.reason.value = ""
        self.dialog_note.text = ""
        self.dialog.open()

    async def _decide(self) -> None:
        loaded = self.deciding
        if loaded is None:
            return
        ok, decided = await call(
            suggestions.decide,
            loaded.suggestion_id,
            self.outcome.value,
            self.reason.value,
            by=self.actor,
            base=loaded,
        )
        if ok:
            self.dialog.close()
            ui.notify(
                _(
                    "Suggestion {suggestion_id} {status}",
                    suggestion_id=decided.suggestion_id,
                    status=decided.status,
                ),
                type="positive",
            )
            await self.refresh()
            return
        # Refused (no reason, or the suggestion changed meanwhile: the message says what changed).
        # The typed reason stays; the suggestion as it is now is what a second press decides on.
        ok, current = await call(suggestions.suggestion, loaded.suggestion_id)
        if ok and current is not None and current != loaded:
            self.deciding = current
            self.dialog_text.text = current.text or ""
            self.dialog_note.text = (
                "It changed since you opened it; press again to decide on it as it is now."
            )
        await self.refresh()


def register() -> None:
    @ui.page("/suggestions")
    async def suggestions_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Suggestions", actor):
            ui.label(
                _(
                    "Suggest how a procedure could work better. Colleagues vote once each; "
                    "a manager adopts or rejects each suggestion with the reason."
                )
            ).classes("text-sm text-slate-600")
            SuggestionBox(actor).build()
