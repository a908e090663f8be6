"""The steps panel: on a record's page, every step its specification allows now, for this login.

Each step is a card: its checklist as boxes to tick (what is ticked, and what
is not, is kept in the step's Audit row), the inputs its rule reads (a field
per input: the tab's own column where there is one), and its button. Taking
it goes through the one dispatcher (processes/steps.py) the API uses too, so
a new step in a specification appears here, with nothing to add to a page.

A page may draw some steps its own way (receiving a delivery counts three
quantities and picks a location from a list): it passes them as `extras`,
and the panel draws everything else. It may also give the field of one input
(`fields`: a drop-down of locations instead of a text box; anything with a
`value`), and say what a done step means (`notice`).

    panel = StepsPanel(PURCHASE_ORDER, order, actor, on_done=page.load,
                       extras={"receive": page.receiving_form, "receive_part": None})
    panel.draw()
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from nicegui import ui

import i18n
from i18n import N_, _
from pages.common import attempt
from pages.forms import label_for
from processes import runtime, steps
from processes.browse import column_anywhere
from processes.permissions import Actor
from processes.procedure import ABANDONED, Procedure, Transition
from sheets.schema import Column

#: A page's own way of drawing one step (None: the step is drawn with another one's form).
Extra = Callable[[Transition], None] | None
#: A page's own field for one input: drawn in the step's card, read by its `value`.
Field = Callable[[], Any]


#: What an input that is no column of any tab is called on a form.
INPUT_LABELS = {
    "amount": N_("Amount"),
    "note": N_("Note"),
    "message": N_("Message"),
    "question": N_("Question"),
    "reason": N_("Reason"),
    "discrepancy_note": N_("Discrepancy note"),
    "picked": N_("Picked"),
}


def input_label(name: str) -> str:
    """An input's label in the language in force: a column's header where some tab has that column."""
    column = column_anywhere(name)
    if column is None:
        return _(INPUT_LABELS.get(name, name.replace("_", " ").capitalize()))
    language = i18n.current()
    return label_for(column) if language == i18n.ENGLISH else i18n.header(column.name, language)


class StepsPanel:
    def __init__(
        self,
        procedures: Procedure | Sequence[Procedure],
        record: Mapping[str, Any],
        actor: Actor,
        *,
        on_done: Callable[[], Awaitable[None]],
        extras: Mapping[str, Extra] | None = None,
        site_url: str = "",
        title: str = "Next steps",
        only: str | None = None,
        fields: Mapping[str, Field] | None = None,
        notice: Callable[[Transition], str] | None = None,
    ) -> None:
        self.procedures = [procedures] if isinstance(procedures, Procedure) else list(procedures)
        self.record, self.actor, self.on_done = record, actor, on_done
        self.extras, self.fields = dict(extras or {}), dict(fields or {})
        self.site_url, self.title, self.only = site_url, title, only
        self.notice = notice or (lambda step: _("Done: {step}", step=_(step.label)))
        self.buttons: list[ui.button] = []  # every step's button: none is pressed while a step runs

    def offered(self) -> list[tuple[Procedure, Transition]]:
        """The steps this login may take on the record now (or just `only`), in the order declared."""
        return [
            (p, t)
            for p in self.procedures
            for t in p.steps_for(self.record, self.actor)
            if self.only is None or t.action == self.only
        ]

    def draw(self) -> None:
        offered = self.offered()
        if not offered:
            return
        with ui.column().classes("w-full gap-2").mark("steps"):
            if self.title:
                ui.label(_(self.title)).classes("text-base font-semibold")
            drawn: set[int] = set()
            for procedure, step in offered:
                if step.action in self.extras:
                    extra = self.extras[step.action]
                    if extra is not None and id(extra) not in drawn:
                        drawn.add(id(extra))
                        sharing = [t.action for _p, t in offered if self.extras.get(t.action) is extra]
                        with (
                            ui.column().classes("w-full gap-1").mark(" ".join(f"extra-{a}" for a in sharing))
                        ):
                            extra(step)
                    continue
                self._card(procedure, step)

    def _card(self, procedure: Procedure, step: Transition) -> None:
        rule = steps.rule_for(procedure, step.action)
        with ui.card().classes("w-full max-w-3xl gap-1").mark(f"card-{step.action}"):
            ticks = [ui.checkbox(_(item)).mark(f"tick-{step.action}") for item in step.checklist]
            fields = {
                item.name: self.fields[item.name]()
                if item.name in self.fields
                else self._field(procedure, item)
                for item in rule.inputs
            }

            async def take() -> None:
                # Until the record is drawn again, no button of what it was can be pressed (a second step
                # taken on the state before would be refused as a conflict).
                self._press_none()
                # A blank optional input keeps the rule's default; a blank required one is the rule's to refuse.
                required = {item.name for item in rule.inputs if item.required}
                values: dict[str, Any] = {
                    name: field.value
                    for name, field in fields.items()
                    if name in required or field.value not in (None, "")
                }
                if step.checklist:
                    values[steps.CHECKLIST] = [
                        item for item, box in zip(step.checklist, ticks, strict=True) if box.value
                    ]
                done = await attempt(
                    steps.take,
                    runtime.workbook(),
                    procedure,
                    self.record[procedure.tab.key[0]],
                    step.action,
                    values,
                    by=self.actor,
                    base=self.record,
                    site_url=self.site_url,
                )
                if done is None:
                    self._press_any()
                    return
                ui.notify(self.notice(step), type="positive")
                await self.on_done()

            color = "negative" if step.target in procedure.groups.get(ABANDONED, ()) else "primary"
            self.buttons.append(
                ui.button(_(step.label), on_click=take, color=color).mark(f"step-{step.action}")
            )

    def _press_none(self) -> None:
        for button in self.buttons:
            button.disable()

    def _press_any(self) -> None:
        for button in self.buttons:
            button.enable()

    def _field(self, procedure: Procedure, item: steps.Input) -> ui.element:
        column: Column | None = (
            procedure.tab.column(item.name) if procedure.tab.has_column(item.name) else None
        )
        label = input_label(item.name) + ("" if not item.required else " *")
        if column is not None and column.choices:
            choices = {choice: i18n.value(choice) for choice in column.choices}
            return ui.select(choices, label=label, value=item.default).classes("w-64")
        return ui.input(label, value="" if item.default is None else str(item.default)).classes("w-full")
