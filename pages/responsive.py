"""Pages on a phone: tables whose rows become cards on a narrow screen, and large touch targets.

Quasar's table has a grid mode that lays each row out as a card; `cards_on_phones`
switches it on below Quasar's `sm` breakpoint (600 px), so a 390 px phone never
scrolls a table sideways, while a desk keeps the compact table.
"""

from __future__ import annotations

from nicegui import ui

#: True in the browser while the window is narrower than Quasar's `sm` breakpoint (a phone held upright).
NARROW = "Quasar.Screen.lt.sm"
#: Classes of a button a gloved thumb can hit: full width on a phone, tall everywhere.
TOUCH_BUTTON = "w-full sm:w-auto min-h-[3rem] text-base"


def cards_on_phones(
    table: ui.table,
    links: dict[str, str] | None = None,
    flag: str | None = None,
    flag_class: str = "bg-red-1 text-negative",
) -> ui.table:
    """`table` with its rows shown as cards on a narrow screen, one "label  value" line per filled cell.

    `links` turns a column's value into a link (column -> path prefix), as the table's own cells do;
    `flag` names a row field that, when true, tints the card with `flag_class` (a row below its
    minimum in red, a line picked in full in green).
    """
    table.props(f':grid="{NARROW}"')
    table.add_slot("item", _card_template(links or {}, flag, flag_class))
    return table


def touch(button: ui.button) -> ui.button:
    """A button large enough for a thumb, full width on a phone."""
    return button.classes(TOUCH_BUTTON).props("unelevated")


def _card_template(links: dict[str, str], flag: str | None, flag_class: str) -> str:
    tint = f":class=\"props.row.{flag} ? '{flag_class}' : ''\"" if flag else ""
    value = "".join(
        f'<a v-{"if" if index == 0 else "else-if"}="col.name === \'{column}\'" class="text-primary" '
        f":href=\"'{prefix}' + encodeURIComponent(col.value)\">{{{{ col.value }}}}</a>"
        for index, (column, prefix) in enumerate(links.items())
    )
    plain = f"<span{' v-else' if links else ''}>{{{{ col.value }}}}</span>"
    return (
        '<div class="q-pa-xs col-12">'
        f'<q-card flat bordered {tint}><q-card-section class="q-pa-sm">'
        '<div v-for="col in props.cols" :key="col.name" class="row no-wrap q-py-xs" '
        "v-show=\"col.value !== '' && col.value !== null && col.value !== undefined\">"
        '<div class="col-5 text-caption text-grey-7">{{ col.label }}</div>'
        f'<div class="col-7 text-body2">{value}{plain}</div>'
        "</div></q-card-section></q-card></div>"
    )
