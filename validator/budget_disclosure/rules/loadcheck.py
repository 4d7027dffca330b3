"""What the loader checks in a rule beyond its schema, so that a broken rule is refused at load.

Other projects vendor and edit the rule files. A mistake there must never switch a rule off quietly or
fail while a document is validated: each check here raises ``SpecError`` with the file, the line and
the rule id. ``check_rule`` runs as the spec loads (templates, regular expressions, numbers);
``check_item_fields`` runs when the engine compiles the rule, because it needs the schemas' label tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ..errors import SpecError
from ..labels import LabelNode
from .bind import bind_ref, check_path
from .templates import PROVIDES, placeholders, template_problem

__all__ = ["MAX_NUMBER", "MAX_PLACES", "MAX_REGEX", "REGEX_KEYS", "check_item_fields", "check_rule"]

# Keys whose string values are regular expressions, wherever they appear in `params` or `when`: the
# properties rules.schema.json marks `format: regex` (a test keeps the two the same).
REGEX_KEYS = frozenset({"matches", "not_matches", "pattern", "must_match", "must_not_match", "exclude"})
MAX_REGEX = 1000  # characters; the longest in the rules today has about 80
MAX_NUMBER = Decimal(10) ** 15  # larger than any budget in 元; weights, bounds and levels are far smaller
MAX_PLACES = 6  # decimals of a number in a rule


def _line(node: Any, key: str, default: int) -> int:
    line_of = getattr(node, "line_of", None)
    return line_of(key) if line_of is not None else default


def _scalars(node: Any, key: str, line: int) -> Iterator[tuple[str, Any, int]]:
    """(nearest key, value, line) of every scalar in a parameter structure."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from _scalars(v, k, _line(node, k, line))
    elif isinstance(node, list):
        for v in node:
            yield from _scalars(v, key, getattr(v, "line", line))
    else:
        yield key, node, line


def check_rule(raw: Mapping[str, Any], rule_id: str, file: str) -> None:
    """Templates, regular expressions and numbers of one rule as written (``raw``, with its lines)."""
    line = getattr(raw, "line", 0)

    def refuse(message: str, at: int) -> SpecError:
        return SpecError(message, file=file, line=at, rule=rule_id)

    kind = raw.get("kind")
    provided = PROVIDES.get(kind) if isinstance(kind, str) else None
    for key in ("message", "title"):
        for lang in ("zh", "en"):
            problem = template_problem(raw[key][lang])
            if problem:
                raise refuse(f"{key}.{lang}: {problem}", _line(raw[key], lang, line))
            unknown = sorted(placeholders(raw[key][lang]) - provided) if provided is not None else []
            if key == "message" and unknown and provided is not None:
                raise refuse(
                    f"message.{lang} uses {{{unknown[0]}}}, which kind {kind} never provides "
                    f"(it provides: {', '.join(sorted(provided))})",
                    _line(raw[key], lang, line),
                )
    for section in ("when", "params"):
        for key, value, at in _scalars(raw.get(section) or {}, section, _line(raw, section, line)):
            if key in REGEX_KEYS and isinstance(value, str):
                _check_regex(key, value, refuse, at)
            elif section == "params" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                _check_number(key, value, refuse, at)
    params = raw.get("params") or {}
    low, high = params.get("min"), params.get("max")
    if isinstance(low, (int, Decimal)) and isinstance(high, (int, Decimal)) and low > high:
        raise refuse(f"min {low} is greater than max {high}", _line(params, "min", line))


def _check_regex(key: str, value: str, refuse: Any, at: int) -> None:
    if len(value) > MAX_REGEX:
        raise refuse(f"{key}: the regular expression is longer than {MAX_REGEX} characters", at)
    try:
        re.compile(value)
    except re.error as exc:
        shown = value if len(value) <= 80 else value[:79] + "…"
        raise refuse(f"{key}: invalid regular expression {shown!r}: {exc.msg} at position {exc.pos}", at) from None


def _check_number(key: str, value: int | Decimal, refuse: Any, at: int) -> None:
    number = Decimal(value)
    exponent = number.as_tuple().exponent
    if abs(number) > MAX_NUMBER or (isinstance(exponent, int) and exponent < -MAX_PLACES and number != 0):
        raise refuse(f"{key}: {value} is out of range (at most {MAX_NUMBER:.0e} and {MAX_PLACES} decimals)", at)


# ---------------------------------------------------------------------------------------- item fields
def _item_nodes(tree: LabelNode, params: Mapping[str, Any]) -> Iterator[tuple[str, LabelNode]]:
    """The schema node of one item, for each reference: ``items: [REF…]``, or ``scope`` with an optional
    ``items`` path inside each scope object (or the scope object itself)."""
    items = params.get("items")
    if isinstance(items, list):
        refs, path = items, None
    else:
        scope = params.get("scope") or ()
        refs, path = ([scope] if isinstance(scope, str) else list(scope)), items
    for text in refs:
        node = bind_ref(tree, text).node
        yield text, check_path(node, path, text) if isinstance(path, str) else node


def _where_fields(where: Any) -> Iterator[tuple[str, int]]:
    if not isinstance(where, Mapping):
        return
    if isinstance(where.get("field"), str):
        yield where["field"], _line(where, "field", getattr(where, "line", 0))
    for key in ("all", "any"):
        for sub in where.get(key) or ():
            yield from _where_fields(sub)
    yield from _where_fields(where.get("not"))


def check_item_fields(tree: LabelNode, params: Mapping[str, Any], rule_id: str, file: str, line: int) -> None:
    """Every field a ``where`` filter, ``field`` or ``unit_field`` names exists in the items of the rule.

    A filter on a field the items do not have admits nothing (or everything), so a misspelt name would
    otherwise turn the rule off without a word.
    """
    fields = list(_where_fields(params.get("where")))
    for key in ("field", "unit_field"):
        if isinstance(params.get(key), str):
            fields.append((params[key], _line(params, key, line)))
    if not fields:
        return
    for text, node in _item_nodes(tree, params):
        for name, at in fields:
            if "." not in name and "[" not in name:
                if name not in node.props:
                    raise SpecError(
                        f"no field {name!r} in the items of {text} (known: {', '.join(sorted(node.props))})",
                        file=file,
                        line=at,
                        rule=rule_id,
                    )
                continue
            try:
                check_path(node, name, text)
            except ValueError as exc:
                raise SpecError(str(exc), file=file, line=at, rule=rule_id) from None
