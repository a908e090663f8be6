"""The process handbook, generated from the procedure declarations and the Settings in force.

Nothing here is written by hand about a procedure: the flowchart comes from its
transitions, the steps from their labels, roles and checklists, the deadlines
from the Settings keys they name (with the values in force), and the alerts
from the ones declared with it. Change the declaration and the handbook follows.

    mermaid(ORDER)                          # the flowchart's Mermaid source
    handbook_markdown(ORDER, settings)      # one procedure's page, as Markdown
    handbook_html(PROCEDURES, settings)     # a self-contained document that prints cleanly
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import markdown2
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

import i18n
from i18n import _, formatting
from processes.declarations import ALERT_GROUPS, PROCEDURES
from processes.permissions import GRANTED_TO, ROLES
from processes.procedure import Alert, Procedure, Transition
from processes.settings import amount, settings_in_force
from sheets.settings import BY_KEY
from sheets.workbook import Workbook

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "handbook"
#: Where the pages live; the index links each procedure below it.
BASE_PATH = "/handbook"
#: How the handbook's Markdown is read, here and by the pages: states and keys keep their underscores.
MARKDOWN_EXTRAS = ["tables", "fenced-code-blocks", "cuddled-lists", "code-friendly"]


# The flowchart ------------------------------------------------------------------------------


def mermaid(procedure: Procedure) -> str:
    """The procedure as a Mermaid flowchart: states as nodes, steps as labelled edges.

    Steps the app takes itself are dotted; a record enters from the start circle
    (or, dotted, from the state another procedure's step moves it out of).
    """
    lines = ["flowchart TD", f'    start(("{_label(_("start"))}"))']
    for state in procedure.states:
        label = _label(i18n.value(state))  # a state as the reader's language names it
        shape = f'(["{label}"])' if state in _final_states(procedure) else f'["{label}"]'
        lines.append(f"    {_node(state)}{shape}")
    for entry in procedure.entries or ():
        arrow = "-.->" if entry.after else "-->"
        lines.append(f"    {_node(entry.after) if entry.after else 'start'} {arrow} {_node(entry.state)}")
    if not procedure.entries:
        lines.append(f"    start --> {_node(procedure.start_states[0])}")
    for transition in procedure.transitions:
        arrow = "-.->" if transition.automatic else "-->"
        for source in transition.sources:
            text = _label(_(transition.label))
            lines.append(f'    {_node(source)} {arrow}|"{text}"| {_node(transition.target)}')
    lines.append("    classDef done fill:#e2e8f0,stroke:#475569")
    finals = ",".join(_node(state) for state in procedure.states if state in _final_states(procedure))
    if finals:
        lines.append(f"    class {finals} done")
    return "\n".join(lines) + "\n"


def flow_text(procedure: Procedure) -> str:
    """The flowchart as plain text, for where no diagram can be drawn (print, a terminal)."""
    start, end = _("start"), _("(end)")
    lines = [f"{start} ──> {', '.join(i18n.value(state) for state in procedure.start_states)}"]
    for state in procedure.states:
        steps = [t for t in procedure.transitions if state in t.sources]
        entered = [e for e in procedure.entries if e.after == state]
        lines.append(f"{i18n.value(state)}{'  ' + end if not steps and not entered else ''}")
        by_the_app = _("(by the app)")
        moves = [(_(t.label) + (f" {by_the_app}" if t.automatic else ""), t.target) for t in steps]
        moves += [(by_the_app, e.state) for e in entered]
        for number, (label, target) in enumerate(moves, start=1):
            branch = "└─" if number == len(moves) else "├─"
            lines.append(f"  {branch} {label} ──> {i18n.value(target)}")
    return "\n".join(lines) + "\n"


def reachable_states(procedure: Procedure) -> set[str]:
    """The states a record can reach from where records enter, following the flowchart's edges."""
    edges: dict[str, set[str]] = {}
    for transition in procedure.transitions:
        for source in transition.sources:
            edges.setdefault(source, set()).add(transition.target)
    for entry in procedure.entries:
        if entry.after:
            edges.setdefault(entry.after, set()).add(entry.state)
    seen, todo = set(), [s for s in procedure.start_states if not _entered_after(procedure, s)]
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(edges.get(state, ()))
    return seen


def _entered_after(procedure: Procedure, state: str) -> bool:
    return any(entry.state == state and entry.after for entry in procedure.entries)


def _final_states(procedure: Procedure) -> set[str]:
    leaving = {source for t in procedure.transitions for source in t.sources}
    leaving |= {entry.after for entry in procedure.entries if entry.after}
    return set(procedure.states) - leaving


def _node(state: str) -> str:
    # A prefix keeps states like "end" from clashing with Mermaid's keywords.
    return f"s_{state}"


def _label(text: str) -> str:
    return text.replace("_", " ").replace('"', "#quot;")


# One procedure's page ------------------------------------------------------------------------


def handbook_markdown(
    procedure: Procedure, settings: Mapping[str, Any] | None = None, *, chart: str | None = None
) -> str:
    """The procedure's handbook page as Markdown; `settings` holds the values in force (default: defaults).

    `chart` replaces the Mermaid block (the HTML export puts a drawing or text there).
    """
    context = procedure_context(procedure, settings or {})
    context["chart"] = Markup(chart if chart is not None else f"```mermaid\n{mermaid(procedure)}```")
    return _environment(language=i18n.current()).get_template("procedure.md").render(**context)


def procedure_context(procedure: Procedure, settings: Mapping[str, Any]) -> dict[str, Any]:
    """What the page template shows, taken from the declaration."""
    steps = [_step(procedure, number, t, settings) for number, t in enumerate(procedure.transitions, 1)]
    return {
        "name": _(procedure.name),
        "slug": procedure.slug,
        "purpose": _(procedure.purpose) if procedure.purpose else "",
        "tab": procedure.tab.name,
        "status_column": procedure.status_column,
        "accountable": _(procedure.accountable),
        "entries": [
            {"state": entry.state, "how": _(entry.how), "after": entry.after} for entry in procedure.entries
        ]
        or [_first_state_entry(procedure)],
        "steps": steps,
        "deadlines": [
            {"step": f"{step['number']}. {step['label']}", **deadline}
            for step in steps
            for deadline in step["deadlines"]
        ],
        "alerts": [_alert(procedure, alert, settings) for alert in procedure.all_alerts],
    }


def _first_state_entry(procedure: Procedure) -> dict[str, Any]:
    return {"state": procedure.states[0], "how": _("A record is added in this state"), "after": None}


def _step(procedure: Procedure, number: int, transition: Transition, settings: Mapping[str, Any]) -> dict:
    deadlines = [_in_force(key, settings) for key in procedure.deadline_settings(transition)]
    permitted = [role for role in ROLES if role in GRANTED_TO.get(transition.permission, ())]
    return {
        "number": number,
        "action": transition.action,
        "label": _(transition.label),
        "sources": ", ".join(f"`{source}`" for source in transition.sources),
        "target": transition.target,
        "responsible": _(transition.role),
        "accountable": _(procedure.accountable_for(transition)),
        "consulted": ", ".join(_(party) for party in transition.consulted),
        "informed": ", ".join(_(party) for party in transition.informed),
        "checklist": [_(item) for item in transition.checklist],
        "automatic": _(transition.automatic) if transition.automatic else "",
        "permission": _(transition.permission.value) if transition.permission else "",
        "permitted": _(" or ").join(_(role) for role in permitted),
        "deadline": "; ".join(_deadline_text(d, several=len(deadlines) > 1) for d in deadlines),
        "deadlines": deadlines,
    }


def _deadline_text(deadline: dict[str, Any], *, several: bool) -> str:
    return f"`{deadline['key']}` {deadline['value']}" if several else deadline["value"]


def _alert(procedure: Procedure, alert: Alert, settings: Mapping[str, Any]) -> dict[str, Any]:
    keys = procedure.settings_named(alert.setting)
    threshold = "; ".join(f"{key} = {_in_force(key, settings)['value']}" for key in keys)
    return {
        "kind": alert.kind,
        "severity": _(alert.severity),
        "owner_role": _(alert.owner_role),
        "meaning": alert.meaning_in_force(),
        "threshold": threshold or "—",
    }


def _in_force(key: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """A setting's value in force with its unit ("48 hours"); the default where none is given."""
    setting = BY_KEY[key]
    value = settings.get(key, setting.default)
    return {"key": key, "value": amount(value, setting.unit), "meaning": _(setting.description)}


# The index ------------------------------------------------------------------------------------


def index_markdown(base_path: str = BASE_PATH) -> str:
    """The handbook's index: each procedure with a link to its page, then the other alerts."""
    procedures = [
        {
            "name": _(procedure.name),
            "link": f"{base_path}/{procedure.slug}" if base_path else f"#{procedure.slug}",
            "purpose": _(procedure.purpose) if procedure.purpose else "",
            "steps": len(procedure.transitions),
            "deadlines": sum(1 for t in procedure.transitions if t.deadline),
            "alerts": len(procedure.all_alerts),
        }
        for procedure in PROCEDURES
    ]
    groups = [
        {
            "name": _(group.name),
            "purpose": _(group.purpose),
            "alerts": [
                {
                    "kind": alert.kind,
                    "severity": _(alert.severity),
                    "owner_role": _(alert.owner_role),
                    "meaning": alert.meaning_in_force(),
                }
                for alert in group.alerts
            ],
        }
        for group in ALERT_GROUPS
    ]
    environment = _environment(language=i18n.current())
    return environment.get_template("index.md").render(procedures=procedures, groups=groups)


# The printable document ------------------------------------------------------------------------


def handbook_html(
    procedures: Sequence[Procedure] = PROCEDURES,
    settings: Mapping[str, Any] | None = None,
    *,
    drawings: Mapping[str, str] | None = None,
    title: str | None = None,
    now: datetime | None = None,
) -> str:
    """A self-contained HTML document of `procedures` (index first when there are several).

    Nothing is fetched when it opens or prints. Each flowchart is the SVG a
    browser drew for it when given in `drawings` (slug -> svg), else a text
    drawing of the same states and steps; its Mermaid source follows, folded.
    """
    sections = []
    if len(procedures) > 1:
        sections.append({"slug": "contents", "html": _to_html(index_markdown(base_path=""))})
    for procedure in procedures:
        marker = f"FLOWCHART-{procedure.slug}"
        body = _to_html(handbook_markdown(procedure, settings, chart=marker))
        body = body.replace(f"<p>{marker}</p>", _chart_html(procedure, (drawings or {}).get(procedure.slug)))
        sections.append({"slug": procedure.slug, "html": body})
    generated = formatting.when(now or datetime.now())
    title = title or _("Flowsheet process handbook")
    return (
        _environment(autoescape=True, language=i18n.current())
        .get_template("document.html")
        .render(
            title=title,
            language=i18n.current(),
            note=_(
                "{title} · generated {generated} from the procedures as the app runs them, "
                "with the Settings in force.",
                title=title,
                generated=generated,
            ),
            sections=sections,
        )
    )


def _chart_html(procedure: Procedure, svg: str | None) -> str:
    drawing = (
        svg if svg and svg.lstrip().startswith("<svg") else f"<pre>{html.escape(flow_text(procedure))}</pre>"
    )
    source = html.escape(mermaid(procedure))
    return (
        f'<div class="flowchart">{drawing}</div>\n'
        f"<details><summary>{html.escape(_('Mermaid source of the flowchart'))}</summary><pre>{source}</pre></details>"
    )


def _to_html(markdown: str) -> str:
    return str(markdown2.markdown(markdown, extras=MARKDOWN_EXTRAS))


def settings_values(workbook: Workbook) -> dict[str, Any]:
    """The value in force of every declared setting, read from the Settings tab."""
    return {setting.key: setting.value for setting in settings_in_force(workbook)}


def write_handbook(out_dir: Path, settings: Mapping[str, Any] | None = None) -> list[Path]:
    """Write handbook.html (every procedure) and one <slug>.html per procedure into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "handbook.html"]
    written[0].write_text(handbook_html(PROCEDURES, settings), encoding="utf-8")
    for procedure in PROCEDURES:
        path = out_dir / f"{procedure.slug}.html"
        title = _("{procedure} · handbook", procedure=_(procedure.name))
        path.write_text(handbook_html([procedure], settings, title=title), "utf-8")
        written.append(path)
    return written


@lru_cache(maxsize=8)
def _environment(autoescape: bool = False, language: str = i18n.ENGLISH) -> Environment:
    # A language's own templates (templates/handbook/zh/...) come first; English fills any gap.
    folders = [TEMPLATES_DIR / language] if (TEMPLATES_DIR / language).is_dir() else []
    environment = Environment(
        loader=FileSystemLoader([*folders, TEMPLATES_DIR]),
        undefined=StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        # Markdown passes HTML through: text like "sla_hours_<priority>" must show, not vanish as a tag.
        finalize=None if autoescape else _markdown_text,
    )
    environment.filters["cell"] = _cell
    return environment


def _markdown_text(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")
