"""One document of the HTML report: its header, summary, tables as published, and findings.

The tables are drawn from the schemas: a property's ``title`` heads its column or line, the label tree's
order is the printed order, ``x-row-label`` names rows. Every value of the document gets one element
(a cell, or a span in a table's caption) carrying its JSON Pointer, so that every finding whose pointer
names a value is marked on it; a finding on a row, a table or the document is listed with its table or in
the findings list. All document text is hostile: everything is escaped, the script never parses it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import amounts
from .. import pointer as jp
from ..findings import Finding, Report
from ..labels import LabelNode, _row_label
from ..spec import Spec
from .html_assets import ICON, WORDS

__all__ = ["Page", "esc"]

_EMPTY_NODE = LabelNode()
_CAPTION_KEYS = ("title", "unit_name", "note", "statement", "empty")
_RANK = {"error": 3, "warning": 2, "info": 1}


def esc(value: object) -> str:
    """Text made safe for HTML content and for quoted attribute values."""
    return html.escape(str(value), quote=True)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _show(value: Any, node: LabelNode) -> tuple[str, str]:
    """(text, css class) of one value as the form prints it: amounts with thousands separators."""
    if value is None:
        return "", "n"
    if isinstance(value, bool):
        return ("true" if value else "false"), "t"
    if isinstance(value, (int, Decimal)):
        if node.amount or node.percent:
            return format(value, ",f") if isinstance(value, Decimal) else format(value, ","), "n"
        return (format(value, "f") if isinstance(value, Decimal) else str(value)), "n"
    if isinstance(value, float):  # not from the reader; kept readable all the same
        return repr(value), "n"
    return str(value), "t"


def _keys(obj: Mapping[str, Any], node: LabelNode) -> list[str]:
    """The keys of an object in printed order: the schema's first, then any unknown key as it came."""
    known = [k for k in node.props if k in obj]
    return known + [k for k in obj if k not in node.props]


def _title(node: LabelNode | None, key: str) -> str:
    return (node.title if node is not None and node.title else None) or key


@dataclass
class Page:
    """Renders one document; ``prefix`` keeps its element ids apart from other documents' in one file."""

    spec: Spec
    report: Report | None
    document: dict[str, Any] | None
    lang: str
    prefix: str
    source: str
    error: str | None = None
    internal: bool = False
    cells: dict[str, str] = field(default_factory=dict)  # pointer → element id
    sections: dict[str, str] = field(default_factory=dict)  # table id → section id
    _count: int = 0

    def __post_init__(self) -> None:
        self.findings: list[Finding] = list(self.report.findings) if self.report is not None else []
        self.by_ptr: dict[str, list[int]] = {}
        for i, f in enumerate(self.findings):
            self.by_ptr.setdefault(f.pointer, []).append(i)

    # ------------------------------------------------------------------ small helpers
    def w(self, key: str, **values: object) -> str:
        text = WORDS[self.lang][key]
        return text.format(**values) if values else text

    def fid(self, index: int) -> str:
        return f"{self.prefix}f{index}"

    def _new_id(self) -> str:
        self._count += 1
        return f"{self.prefix}c{self._count}"

    def cell(self, ptr: str, inner: str, *, tag: str = "td", cls: str = "", attrs: str = "") -> str:
        """One element holding the value at ``ptr``, marked with the findings there."""
        cid = self._new_id()
        self.cells.setdefault(ptr, cid)
        out = f'<{tag} id="{cid}" data-ptr="{esc(ptr)}"'
        if cls:
            out += f' class="{cls}"'
        hits = self.by_ptr.get(ptr)
        if hits:
            ids = " ".join(self.fid(i) for i in hits)
            worst = max((self.findings[i].severity for i in hits), key=lambda s: s.rank)
            out += f' data-mark="{worst.value}" data-f="{ids}" tabindex="0" aria-describedby="{ids}"'
        return f"{out}{attrs}>{inner}</{tag}>"

    def value_cell(self, ptr: str, value: Any, node: LabelNode, extra: str = "") -> str:
        text, cls = _show(value, node)
        return self.cell(ptr, esc(text), cls=f"{cls} {extra}".strip())

    # ------------------------------------------------------------------ whole page part
    def table_of(self, f: Finding) -> str:
        tokens = jp.parse(f.pointer)
        if len(tokens) >= 2 and tokens[0] == "tables":
            return tokens[1]
        if tokens and tokens[0] == "narrative":
            return "narrative"
        if tokens and tokens[0] != "tables":
            return "metadata"
        return "document"

    def table_label(self, key: str) -> str:
        if key in ("narrative", "metadata", "document"):
            return self.w(key)
        table = (self.document or {}).get("tables", {}).get(key) if isinstance(self.document, dict) else None
        printed = table.get("title") if isinstance(table, dict) else None
        if isinstance(printed, str) and printed.strip():
            return printed
        info = self.spec.tables.get(key)
        return info.title if info is not None else key

    def render(self) -> str:
        body = self.render_body()  # first: it decides which findings have a cell
        return (
            f'<section class="doc" id="{self.prefix}doc" data-source="{esc(self.source)}">'
            + self.render_header()
            + self.render_summary()
            + '<div class="layout"><div class="tables">'
            + body
            + "</div>"
            + self.render_panel()
            + '</div><div class="pop" role="tooltip" hidden></div></section>\n'
        )

    def render_header(self) -> str:
        meta = self.document.get("metadata") if isinstance(self.document, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        unit, year = meta.get("unit_name"), meta.get("fiscal_year")
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
        heading = title or " ".join(str(v) for v in (unit, year) if v is not None) or self.source
        report = self.report
        items = [
            ("unit", unit),
            ("year", year),
            ("profile", (report.profile if report else None) or (self.document or {}).get("profile")),
            ("file", self.source),
        ]
        if report is not None:
            items.append(("policy", self.w(report.policy) if report.policy in WORDS[self.lang] else report.policy))
        dl = "".join(
            f"<div><dt>{esc(self.w(k))}</dt><dd>{esc(v)}</dd></div>" for k, v in items if v is not None and v != ""
        )
        if report is None:
            verdict = f'<div class="verdict bad">{esc(self.w("internal" if self.internal else "unreadable"))}</div>'
        elif report.valid:
            verdict = f'<div class="verdict ok">✔ {esc(self.w("valid"))}</div>'
        else:
            verdict = f'<div class="verdict bad">✖ {esc(self.w("invalid"))}</div>'
        error = f'<div class="docerr">{esc(self.error)}</div>' if self.error else ""
        return (
            f'<header class="head"><div><h1>{esc(heading)}</h1><dl class="meta">{dl}</dl>{error}</div>'
            f"{verdict}</header>"
        )

    def counts(self, findings: Iterable[Finding]) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in findings:
            out[f.severity.value] += 1
        return out

    def render_summary(self) -> str:
        counts = self.counts(self.findings)
        plural = {"error": "errors", "warning": "warnings", "info": "infos"}
        buttons = "".join(
            f'<button type="button" class="sevbtn {s}" data-sev="{s}" aria-pressed="false">'
            f'<span class="ic {s}" aria-hidden="true">{ICON[s]}</span><b>{counts[s]}</b>'
            f"{esc(self.w(plural[s]))}</button>"
            for s in ("error", "warning", "info")
        )
        tiles = "".join(self.tile(key, label) for key, label in self.groups())
        return (
            f'<div class="summary"><div class="card"><h2>{esc(self.w("by_severity"))}</h2>'
            f'<div class="sevs">{buttons}</div>{self.legend()}</div>'
            f'<div class="card"><h2>{esc(self.w("by_table"))}</h2><div class="tiles">{tiles}</div></div></div>'
        )

    def tile(self, key: str, label: str) -> str:
        """One table in the summary: its title and its counts by severity; choosing it filters by it."""
        c = self.counts(f for f in self.findings if self.table_of(f) == key)
        counts = "".join(f'<span class="cnt {s}" title="{esc(self.w(s))}">{ICON[s]} {c[s]}</span>' for s in c if c[s])
        counts = counts or '<span class="cnt none">✔</span>'
        return (
            f'<button type="button" class="tile{"" if any(c.values()) else " clean"}" data-table="{esc(key)}" '
            f'aria-pressed="false"><span class="tname">{esc(label)}</span><span class="cnts">{counts}</span></button>'
        )

    def legend(self) -> str:
        items = [
            f'<span><span class="sw {s}">{ICON[s]}</span>{esc(self.w(s))}</span>' for s in ("error", "warning", "info")
        ]
        items.append(f'<span><span class="sw related">↔</span>{esc(self.w("legend_rel"))}</span>')
        return f'<div class="legend" aria-label="{esc(self.w("legend"))}">{"".join(items)}</div>'

    def groups(self) -> list[tuple[str, str]]:
        """The rows of the by-table summary and the table filter: every rendered table, then the other
        places findings are at."""
        keys = list(self.sections)
        present = {self.table_of(f) for f in self.findings}
        keys += sorted(k for k in present if k not in keys and k not in ("narrative", "metadata", "document"))
        keys += [k for k in ("narrative", "metadata", "document") if k in present or k in self.sections]
        return [(k, self.table_label(k)) for k in dict.fromkeys(keys)]

    # ------------------------------------------------------------------ findings panel
    def render_panel(self) -> str:
        all_ = f'<option value="">{esc(self.w("all"))}</option>'
        sev = all_ + "".join(f'<option value="{s}">{ICON[s]} {esc(self.w(s))}</option>' for s in _RANK)
        tables = all_ + "".join(f'<option value="{esc(k)}">{esc(v)}</option>' for k, v in self.groups())
        rules = all_
        for rid in sorted({f.rule for f in self.findings}):
            rule = self.spec.rules.get(rid)
            name = (rule.title if self.lang == "zh" else rule.title_en) if rule is not None else ""
            rules += f'<option value="{esc(rid)}">{esc(rid)}{" · " + esc(name) if name else ""}</option>'
        selects = "".join(
            f'<label for="{self.prefix}f{ctl}">{esc(self.w(word))}</label>'
            f'<select id="{self.prefix}f{ctl}" data-ctl="{ctl}">{options}</select>'
            for ctl, word, options in (("sev", "severity", sev), ("table", "table", tables), ("rule", "rule", rules))
        )
        filters = (
            f'<div class="filters" role="group" aria-label="{esc(self.w("filters"))}">{selects}'
            f'<span></span><span><button type="button" class="clear">{esc(self.w("clear"))}</button></span></div>'
        )
        total = len(self.findings)
        shown = (
            f'<p class="shown" aria-live="polite" data-tpl="{esc(self.w("shown"))}" data-total="{total}">'
            f"{esc(self.w('shown', n=total, t=total))}</p>"
        )
        items = "".join(self.render_finding(i, f) for i, f in enumerate(self.findings))
        listing = f'<ol class="findings">{items}</ol>' if items else f"<p>{esc(self.w('no_findings'))}</p>"
        return (
            f'<aside class="panel" aria-label="{esc(self.w("findings"))}"><h2>{esc(self.w("findings"))}</h2>'
            f'{filters}<p class="hint">{esc(self.w("hint"))}</p>{shown}{listing}{self.render_skipped()}</aside>'
        )

    def finding_body(self, f: Finding) -> str:
        zh = self.lang == "zh"
        rule = self.spec.rules.get(f.rule)
        message = f.message if zh else f.message_en
        out = (
            f'<div class="fhead"><span class="ic {f.severity.value}" aria-hidden="true">{ICON[f.severity.value]}</span>'
            f"<b>{esc(f.severity.zh if zh else f.severity.value)}</b>"
            f'<span class="loc">{esc(f.location)}</span>'
            + (f' <code class="xl">{esc(f.cell)}</code>' if f.cell else "")
            + f'</div><div class="msg">{esc(message)}</div>'
        )
        if f.expected is not None and f.actual is not None:
            detail = self.w("expected", e=f.expected, a=f.actual, d=f.difference, v=f.envelope, u=f.unit or "").strip()
            out += f'<div class="num">{esc(detail)}</div>'
        if f.cause is not None:
            out += f'<div class="num">{esc(self.w("cause", loc=f.cause_location or f.cause))}</div>'
        colon = self.w("colon")
        basis = f" · {esc(self.w('basis'))}{colon}{esc(rule.basis)}" if rule is not None and rule.basis else ""
        return out + f'<div class="why">{esc(self.w("rule"))} <code>{esc(f.rule)}</code>{basis}</div>'

    def render_finding(self, index: int, f: Finding) -> str:
        table = self.table_of(f)
        attrs = (
            f'id="{self.fid(index)}" class="finding {f.severity.value}" tabindex="0" data-sev="{f.severity.value}" '
            f'data-table="{esc(table)}" data-rule="{esc(f.rule)}" data-ptr="{esc(f.pointer)}"'
        )
        cell = self.cells.get(f.pointer)
        if cell is not None:
            attrs += f' data-cell="{cell}"'
        elif table in self.sections:
            attrs += f' data-section="{self.sections[table]}"'
        related = [p for p in (*f.related, *((f.cause,) if f.cause else ())) if p != f.pointer]
        rel_ids = [self.target(p) for p in related]
        rel = " ".join(dict.fromkeys(r for r in rel_ids if r))
        if rel:
            attrs += f' data-rel="{rel}"'
        return f"<li {attrs}>{self.finding_body(f)}</li>"

    def target(self, ptr: str) -> str | None:
        """The element that shows ``ptr``: its cell, or the section of its table."""
        if ptr in self.cells:
            return self.cells[ptr]
        tokens = jp.parse(ptr)
        if len(tokens) >= 2 and tokens[0] == "tables":
            return self.sections.get(tokens[1])
        return None

    def render_skipped(self) -> str:
        skipped = self.report.skipped if self.report is not None else ()
        if not skipped:
            return ""
        zh = self.lang == "zh"
        colon = self.w("colon")
        items = "".join(
            f"<li><code>{esc(s.rule)}</code>{colon}{esc(s.reason if zh else s.reason_en)}</li>" for s in skipped
        )
        summary = esc(self.w("skipped", n=len(skipped)))
        return f'<details class="skipped"><summary>{summary}</summary><ul>{items}</ul></details>'

    # ------------------------------------------------------------------ the document
    def render_body(self) -> str:
        doc = self.document
        if not isinstance(doc, dict):
            return f'<div class="card">{esc(self.w("not_shown"))}</div>'
        root = self.spec.labels
        parts = []
        tables = doc.get("tables")
        tnode = root.props.get("tables", _EMPTY_NODE)
        if isinstance(tables, dict):
            order = [t for t in self.spec.tables if t in tables] + [t for t in tables if t not in self.spec.tables]
            for tid in order:
                parts.append(self.render_table(tid, tables[tid], tnode.props.get(tid, _EMPTY_NODE)))
        if "narrative" in doc:
            parts.append(self.render_part("narrative", doc["narrative"], root.props.get("narrative", _EMPTY_NODE)))
        rest = {k: v for k, v in doc.items() if k not in ("tables", "narrative")}
        parts.append(self.render_part("metadata", rest, root, ptr=""))
        return "".join(parts)

    def section_id(self, key: str) -> str:
        """The id of a table's section: numbered, never made of document text."""
        sid = self.sections[key] = f"{self.prefix}t{len(self.sections) + 1}"
        return sid

    def render_part(self, key: str, value: Any, node: LabelNode, ptr: str | None = None) -> str:
        """The narrative or the document's own fields, as a section like a table's."""
        sid = self.section_id(key)
        base = f"/{key}" if ptr is None else ptr
        inner = self.block(base, value, node, None)
        return (
            f'<section class="tbl" id="{sid}" data-table="{key}"><h2>{esc(self.w(key))}</h2>'
            f'{self.banner(key)}<div class="scroll">{inner}</div></section>'
        )

    def render_table(self, tid: str, table: Any, node: LabelNode) -> str:
        sid = self.section_id(tid)
        ptr = jp.join("/tables", tid)
        if not isinstance(table, dict):
            inner = self.block(ptr, table, node, None)
            return (
                f'<section class="tbl" id="{sid}" data-table="{esc(tid)}"><h2>{esc(self.table_label(tid))}</h2>'
                f'{self.banner(tid)}<div class="scroll">{inner}</div></section>'
            )
        title = table.get("title")
        if "title" in table:
            heading = self.cell(jp.join(ptr, "title"), esc("" if title is None else title), tag="span")
        else:
            heading = f'<span class="z">{esc(self.table_label(tid))} {esc(self.w("untitled"))}</span>'
        sub = self.caption_line(ptr, table)
        if table.get("empty") is True:
            body = self.empty_box(ptr, table)
        else:
            rest = {k: v for k, v in table.items() if k not in _CAPTION_KEYS}
            body = self.object_body(ptr, rest, node) if rest else ""
            if "empty" in table or "statement" in table:
                body = self.pairs(ptr, table, node, [k for k in ("empty", "statement") if k in table]) + body
        note = ""
        if "note" in table:
            span = self.cell(jp.join(ptr, "note"), esc(table["note"] or ""), tag="span")
            note = f'<p class="note">{esc(self.w("note"))}{span}</p>'
        return (
            f'<section class="tbl" id="{sid}" data-table="{esc(tid)}"><h2>{heading}</h2>{sub}'
            f'{self.banner(tid)}<div class="scroll">{body}</div>{note}</section>'
        )

    def caption_line(self, ptr: str, table: dict[str, Any]) -> str:
        left = ""
        if "unit_name" in table:
            value = table["unit_name"]
            span = self.cell(jp.join(ptr, "unit_name"), esc("" if value is None else value), tag="span")
            left = esc(self.w("unit_name_line", n="\0")).replace("\0", span)
        unit, _ = amounts.fmt_for(self.document or {}, jp.join(ptr, "x"))
        right = esc(self.w("unit_line", u=unit)) if unit else ""
        return f'<div class="tsub"><span>{left}</span><span>{right}</span></div>'

    def empty_box(self, ptr: str, table: dict[str, Any]) -> str:
        statement = table.get("statement")
        if "statement" in table and statement is not None:
            text = self.cell(jp.join(ptr, "statement"), esc(statement), tag="span")
        elif "statement" in table:
            text = self.cell(jp.join(ptr, "statement"), esc(self.w("no_statement")), tag="span")
        else:
            text = esc(self.w("no_statement"))
        flag = self.cell(jp.join(ptr, "empty"), esc(self.w("empty")), tag="b")
        meta = (self.document or {}).get("metadata")
        common = meta.get("empty_table_statement") if isinstance(meta, dict) else None
        if isinstance(common, str):  # the document's own statement, drawn once in its information
            text += f'<span class="common">{esc(self.w("common_statement"))}{esc(common)}</span>'
        extra = {k: v for k, v in table.items() if k not in _CAPTION_KEYS}
        rest = self.object_body(ptr, extra, _EMPTY_NODE) if extra else ""
        return f'<div class="emptybox">{flag}{text}</div>{rest}'

    def banner(self, key: str) -> str:
        """Findings on a table (or part) itself, or on a place in it that has no cell: called after the
        section's cells are drawn."""
        items = [
            f'<li data-ref="{self.fid(i)}" tabindex="0"><span class="ic {f.severity.value}" aria-hidden="true">'
            f"{ICON[f.severity.value]}</span><span><code>{esc(f.rule)}</code> {esc(self.message(f))}</span></li>"
            for i, f in enumerate(self.findings)
            if self.table_of(f) == key and f.pointer not in self.cells
        ]
        if not items:
            return ""
        return f'<ul class="banner" aria-label="{esc(self.w("whole_table"))}">{"".join(items)}</ul>'

    def message(self, f: Finding) -> str:
        return f.message if self.lang == "zh" else f.message_en

    # ------------------------------------------------------------------ generic blocks
    def block(self, ptr: str, value: Any, node: LabelNode, heading: str | None) -> str:
        if isinstance(value, dict):
            head = f"<h3>{esc(heading)}</h3>" if heading else ""
            return f'<div class="obj">{head}{self.object_body(ptr, value, node)}</div>'
        if isinstance(value, list):
            return self.list_block(ptr, value, node, heading)
        caption = f"<caption>{esc(heading)}</caption>" if heading else ""
        return f'<table class="kv">{caption}<tr>{self.value_cell(ptr, value, node)}</tr></table>'

    def pairs(self, ptr: str, obj: Mapping[str, Any], node: LabelNode, keys: list[str], heading: str = "") -> str:
        rows = "".join(
            f"<tr><th>{esc(_title(node.props.get(k), k))}</th>"
            f"{self.value_cell(jp.join(ptr, k), obj[k], node.props.get(k, _EMPTY_NODE))}</tr>"
            for k in keys
        )
        caption = f"<caption>{esc(heading)}</caption>" if heading else ""
        return f'<table class="kv">{caption}{rows}</table>'

    def object_body(self, ptr: str, obj: Mapping[str, Any], node: LabelNode) -> str:
        keys = _keys(obj, node)
        scalars = [k for k in keys if _is_scalar(obj[k])]
        out = self.pairs(ptr, obj, node, scalars) if scalars else ""
        rows_grid = isinstance(obj.get("rows"), list) and self._grid_shape(obj["rows"])
        children = []
        for k in keys:
            if k in scalars or (k == "total_row" and rows_grid and isinstance(obj.get("total_row"), dict)):
                continue
            child = node.props.get(k, _EMPTY_NODE)
            cptr = jp.join(ptr, k)
            if k == "rows" and rows_grid:
                total = obj.get("total_row") if isinstance(obj.get("total_row"), dict) else None
                tnode = node.props.get("total_row", _EMPTY_NODE)
                grid = self.grid(cptr, obj[k], child, total, jp.join(ptr, "total_row"), tnode)
                children.append(f'<div class="wide">{grid}</div>')
            elif isinstance(obj[k], list):
                children.append(f'<div class="wide">{self.list_block(cptr, obj[k], child, _title(child, k))}</div>')
            else:
                children.append(self.block(cptr, obj[k], child, _title(child, k)))
        if children:
            out += f'<div class="blocks">{"".join(children)}</div>'
        return out

    @staticmethod
    def _grid_shape(items: list[Any]) -> bool:
        return bool(items) and all(isinstance(i, dict) and all(_is_scalar(v) for v in i.values()) for i in items)

    def list_block(self, ptr: str, items: list[Any], node: LabelNode, heading: str | None) -> str:
        inode = node.items or _EMPTY_NODE
        if self._grid_shape(items):
            return self.grid(ptr, items, node, None, "", _EMPTY_NODE, heading)
        parts = []
        for i, item in enumerate(items):
            iptr = jp.join(ptr, i)
            label = _row_label(inode, item, i) if self.lang == "zh" or inode.row_fields else f"#{i + 1}"
            if isinstance(item, dict):
                parts.append(f'<div class="item"><h3>{esc(label)}</h3>{self.object_body(iptr, item, inode)}</div>')
            else:
                parts.append(self.block(iptr, item, inode, label))
        head = f"<h3>{esc(heading)}</h3>" if heading else ""
        return f'<div class="obj">{head}<div class="blocks">{"".join(parts)}</div></div>'

    def grid(
        self,
        ptr: str,
        items: list[dict[str, Any]],
        node: LabelNode,
        total: dict[str, Any] | None,
        total_ptr: str,
        tnode: LabelNode,
        heading: str | None = None,
    ) -> str:
        inode = node.items or _EMPTY_NODE
        columns = self.columns(items, total, inode, tnode)
        head = "".join(
            f'<th scope="col">{esc(_title(inode.props.get(c) or tnode.props.get(c), c))}</th>' for c in columns
        )
        repeat = set(inode.row_fields[:-1]) if len(inode.row_fields) > 1 else set()
        body: list[str] = []
        previous: dict[str, Any] = {}
        for i, item in enumerate(items):
            body.append(self.grid_row(jp.join(ptr, i), item, columns, inode, repeat, previous))
            previous = item
        if total is not None:
            body.append(self.total_row(total_ptr, total, columns, tnode, inode))
        caption = f"<caption>{esc(heading)}</caption>" if heading else ""
        return f'<table class="grid">{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    @staticmethod
    def columns(
        items: list[dict[str, Any]], total: dict[str, Any] | None, inode: LabelNode, tnode: LabelNode
    ) -> list[str]:
        seen: dict[str, None] = {}
        for obj in [*items, *([total] if total else [])]:
            for k in obj:
                seen.setdefault(k)
        known = [k for k in inode.props if k in seen] + [k for k in tnode.props if k in seen and k not in inode.props]
        return known + [k for k in seen if k not in known]

    def grid_row(
        self,
        ptr: str,
        item: dict[str, Any],
        columns: list[str],
        inode: LabelNode,
        repeat: set[str],
        previous: dict[str, Any],
    ) -> str:
        cells = []
        for c in columns:
            cptr = jp.join(ptr, c)
            if c not in item:
                cells.append(self.cell(cptr, "", cls="absent", attrs=f' title="{esc(self.w("absent"))}"'))
                continue
            extra = "rep" if c in repeat and item[c] is not None and previous.get(c) == item[c] else ""
            if c == "name":
                extra = (extra + " nm").strip()
            cells.append(self.value_cell(cptr, item[c], inode.props.get(c, _EMPTY_NODE), extra))
        code = item.get("code")
        level = {3: "lv1", 5: "lv2", 7: "lv3"}.get(len(code), "") if isinstance(code, str) else ""
        cls = f' class="{level}"' if level else ""
        return f'<tr{cls} data-ptr="{esc(ptr)}">{"".join(cells)}</tr>'

    def total_row(self, ptr: str, total: dict[str, Any], columns: list[str], tnode: LabelNode, inode: LabelNode) -> str:
        lead = 0
        while lead < len(columns) and columns[lead] not in total:
            lead += 1
        cells = (
            [f'<th scope="row" colspan="{lead}">{esc(_title(tnode, "合计") if self.lang == "zh" else "合计")}</th>']
            if lead
            else []
        )
        for c in columns[lead:]:
            cptr = jp.join(ptr, c)
            if c not in total:
                cells.append(self.cell(cptr, "", cls="absent", attrs=f' title="{esc(self.w("absent"))}"'))
            else:
                cells.append(self.value_cell(cptr, total[c], tnode.props.get(c) or inode.props.get(c, _EMPTY_NODE)))
        return f'<tr class="tot" data-ptr="{esc(ptr)}">{"".join(cells)}</tr>'
