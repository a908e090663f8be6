"""Field masks ("fields" in batchUpdate requests) read into dotted paths.

Clients write them several ways for the same thing: "gridProperties.frozenRowCount",
"gridProperties/frozenRowCount", "userEnteredFormat(textFormat,backgroundColor)".
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import invalid


def parse_field_mask(mask: str | None) -> list[str]:
    """ "a/b,c(d,e)" -> ["a.b", "c.d", "c.e"]; "*" stays "*"."""
    if not mask or not mask.strip():
        raise invalid("At least one field must be updated; 'fields' is empty")
    text = mask.replace("/", ".").replace(" ", "")
    paths, position = _parse_list(text, 0, prefix="")
    if position != len(text):
        raise invalid(f"Invalid field mask: {mask}")
    return paths


def _parse_list(text: str, position: int, prefix: str) -> tuple[list[str], int]:
    paths: list[str] = []
    while position < len(text):
        start = position
        while position < len(text) and text[position] not in ",()":
            position += 1
        name = prefix + text[start:position]
        if position < len(text) and text[position] == "(":
            inner, position = _parse_list(text, position + 1, prefix=name + ".")
            if position >= len(text) or text[position] != ")":
                raise invalid(f"Invalid field mask: unbalanced parentheses in {text}")
            paths.extend(inner)
            position += 1
        elif text[start:position]:
            paths.append(name)
        if position < len(text) and text[position] == ")":
            return paths, position
        if position < len(text) and text[position] == ",":
            position += 1
    return paths, position


def covers(paths: Iterable[str], target: str) -> bool:
    """Whether the mask includes `target` (itself, an ancestor of it, or "*")."""
    return any(path == "*" or target == path or target.startswith(path + ".") for path in paths)


def unsupported_paths(paths: Iterable[str], supported: Iterable[str]) -> list[str]:
    """Mask paths that reach fields the fake does not model.

    A path is fine when it is "*", a supported field, or an ancestor of one (such as
    "userEnteredFormat" for "userEnteredFormat.textFormat.bold").
    """
    leaves = list(supported)
    return [
        path
        for path in paths
        if path != "*" and not any(leaf == path or leaf.startswith(path + ".") for leaf in leaves)
    ]
