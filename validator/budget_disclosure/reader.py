"""Reading a submission into an exact JSON value, refusing anything ambiguous.

Amounts are parsed straight from the text as ``Decimal``. Duplicate keys, NaN/Infinity, numbers too
long to be credible, text that is not UTF-8 and nesting deeper than any disclosure are *problems*
(they become ``input.*`` findings), never guesses. Missing or unreadable files raise ``InputError``.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import locate
from .errors import InputError
from .pointer import join

__all__ = ["Limits", "Problem", "ReadResult", "read"]


@dataclass(frozen=True)
class Limits:
    """Input limits. The defaults admit any real disclosure with a wide margin."""

    max_bytes: int = 20 * 1024 * 1024
    max_digits: int = 30
    max_depth: int = 64


@dataclass(frozen=True)
class Problem:
    """Something that stops the input from being read as one exact JSON document."""

    rule: str
    pointer: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class ReadResult:
    document: Any
    problems: tuple[Problem, ...]
    text: str | None
    name: str | None


class _Duplicate(Exception):
    pass


class _NonFinite(Exception):
    pass


class _TooLong(Exception):
    pass


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_TYPE_ZH = {
    "list": "数组",
    "str": "字符串",
    "int": "数字",
    "float": "数字",
    "Decimal": "数字",
    "bool": "布尔值",
    "NoneType": "null",
}
_TYPE_EN = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "Decimal": "a number",
    "bool": "a boolean",
    "NoneType": "null",
}
_JSON_MSG_ZH = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为双引号括起的键名",
    "Expecting ',' delimiter": "此处缺少逗号",
    "Expecting ':' delimiter": "此处缺少冒号",
    "Extra data": "JSON 值之后还有多余内容",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有未转义的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
}


def read(source: Any, *, name: str | None = None, limits: Limits | None = None) -> ReadResult:
    """Read a parsed document, a path, bytes, a binary file object or JSON text.

    A ``str`` is JSON text when its first non-blank character is ``{``, ``[`` or ``"``; otherwise it
    is a path.
    """
    limits = limits or Limits()
    if isinstance(source, (Mapping, list)):
        return _from_value(source, name, limits)
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and not source.lstrip("\ufeff \t\r\n").startswith(("{", "[", '"'))
    ):
        path = Path(source)
        data = _read_path(path, limits)
        if isinstance(data, Problem):
            return ReadResult(None, (data,), None, name or str(source))
        return _from_bytes(data, name or str(source), limits)
    if isinstance(source, str):
        return _from_text(source, name, limits)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > limits.max_bytes:
            return ReadResult(
                None, (Problem("input.too-large", values={"size": len(data), "limit": limits.max_bytes}),), None, name
            )
        return _from_bytes(data, name, limits)
    if isinstance(source, (io.RawIOBase, io.BufferedIOBase)) or hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if len(data) > limits.max_bytes:
            return ReadResult(
                None,
                (Problem("input.too-large", values={"size": f"> {limits.max_bytes}", "limit": limits.max_bytes}),),
                None,
                name,
            )
        return _from_bytes(data, name, limits)
    raise InputError(
        f"cannot validate a {type(source).__name__}: pass a dict, a path, bytes, a file object or JSON text"
    )


def _read_path(path: Path, limits: Limits) -> bytes | Problem:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        if size > limits.max_bytes:
            return Problem("input.too-large", values={"size": size, "limit": limits.max_bytes})
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limits.max_bytes:
        return Problem("input.too-large", values={"size": f"> {limits.max_bytes}", "limit": limits.max_bytes})
    return data


def _from_bytes(data: bytes, name: str | None, limits: Limits) -> ReadResult:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ReadResult(
            None,
            (
                Problem(
                    "input.encoding",
                    values={
                        "line": 1,
                        "column": 1,
                        "hint": "文件是 UTF-16 编码，请另存为 UTF-8（如 iconv -f UTF-16 -t UTF-8）。",
                        "hint_en": "The file is UTF-16; save it as UTF-8 (for example iconv -f UTF-16 -t UTF-8).",
                    },
                    line=1,
                    column=1,
                ),
            ),
            None,
            name,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = exc.start - (head.rfind(b"\n") + 1) + 1
        return ReadResult(
            None,
            (
                Problem(
                    "input.encoding",
                    values={"line": line, "column": column, **_encoding_hint(data)},
                    line=line,
                    column=column,
                ),
            ),
            None,
            name,
        )
    return _from_text(text, name, limits)


def _encoding_hint(data: bytes) -> dict[str, str]:
    sample = data[:65536]
    if b"\x00" in sample:
        return {
            "hint": "内容含有空字节，看起来是二进制文件而不是 JSON 文本。",
            "hint_en": "The content has NUL bytes: it looks like binary data, not JSON text.",
        }
    try:
        decoded = sample.decode("gb18030")
    except UnicodeDecodeError:
        return {"hint": "请将文件另存为 UTF-8 编码。", "hint_en": "Save the file as UTF-8."}
    if any("\u4e00" <= ch <= "\u9fff" for ch in decoded):
        return {
            "hint": "内容看起来是 GBK/GB18030 编码的中文，请转换为 UTF-8，例如："
            "iconv -f GB18030 -t UTF-8 原文件 > 新文件。",
            "hint_en": "The content looks like Chinese in GBK/GB18030; convert it to UTF-8, for example: "
            "iconv -f GB18030 -t UTF-8 in.json > out.json.",
        }
    return {"hint": "请将文件另存为 UTF-8 编码。", "hint_en": "Save the file as UTF-8."}


def _from_text(text: str, name: str | None, limits: Limits) -> ReadResult:
    if text.startswith("\ufeff"):
        text = text[1:]
    max_digits = limits.max_digits

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            raise _Duplicate
        return out

    def number(token: str) -> Decimal:
        if len(token) > max_digits and _digits(token) > max_digits:
            raise _TooLong
        return Decimal(token)

    def integer(token: str) -> int:
        if len(token) > max_digits and _digits(token) > max_digits:
            raise _TooLong
        return int(token)

    def constant(token: str) -> Any:
        raise _NonFinite

    try:
        document = json.loads(
            text, object_pairs_hook=pairs, parse_float=number, parse_int=integer, parse_constant=constant
        )
    except json.JSONDecodeError as exc:
        detail = exc.msg
        zh = next((v for k, v in _JSON_MSG_ZH.items() if detail.startswith(k)), detail)
        if text.strip() == "":
            zh, detail = "文件是空的", "the file is empty"
        return _fail(
            Problem(
                "input.not-json",
                values={"line": exc.lineno, "column": exc.colno, "detail": zh, "detail_en": detail},
                line=exc.lineno,
                column=exc.colno,
            ),
            text,
            name,
        )
    except (_Duplicate, _NonFinite, _TooLong):
        return _fail(_locate_problem(text, limits), text, name)
    except RecursionError:
        # The C parser gives up at the interpreter's recursion limit; no disclosure comes near it.
        return _fail(Problem("input.too-deep", values={"limit": sys.getrecursionlimit()}), text, name)
    problems: list[Problem] = []
    if not isinstance(document, dict):
        kind = type(document).__name__
        problems.append(
            Problem("input.not-object", values={"type": _TYPE_ZH.get(kind, kind), "type_en": _TYPE_EN.get(kind, kind)})
        )
    elif _SURROGATE_ESCAPE.search(text):
        problems.extend(_lone_surrogates(document))
    if problems:
        return ReadResult(None, tuple(problems), text, name)
    return ReadResult(document, (), text, name)


def _fail(problem: Problem, text: str, name: str | None) -> ReadResult:
    return ReadResult(None, (problem,), text, name)


def _digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token, maxsplit=1)[0]
    return sum(ch in "0123456789" for ch in mantissa)


def _locate_problem(text: str, limits: Limits) -> Problem:
    for ev in locate.iter_events(text):
        if ev.kind == "duplicate-key":
            line, col = locate.line_col(text, ev.offset)
            return Problem("input.duplicate-key", ev.pointer, {"key": ev.token, "line": line, "column": col}, line, col)
        if ev.kind == "literal" and ev.token in ("NaN", "Infinity", "-Infinity"):
            line, col = locate.line_col(text, ev.offset)
            return Problem(
                "input.non-finite-number", ev.pointer, {"token": ev.token, "line": line, "column": col}, line, col
            )
        if ev.kind == "number" and _digits(ev.token) > limits.max_digits:
            line, col = locate.line_col(text, ev.offset)
            return Problem(
                "input.number-too-long",
                ev.pointer,
                {"digits": _digits(ev.token), "limit": limits.max_digits, "line": line, "column": col},
                line,
                col,
            )
    return Problem(
        "input.not-json", values={"line": 1, "column": 1, "detail": "无法定位的问题", "detail_en": "unlocated problem"}
    )


def _lone_surrogates(document: Any) -> list[Problem]:
    found: list[Problem] = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack and len(found) < 10:
        node, ptr = stack.pop()
        items: Any = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            here = join(ptr, key)
            for text in (key if isinstance(key, str) else None, value if isinstance(value, str) else None):
                if text is not None and not _is_unicode(text):
                    found.append(
                        Problem(
                            "input.encoding",
                            here,
                            {
                                "line": "?",
                                "column": "?",
                                "hint": f"位置 {here} 的字符串含有不成对的 \\u 代理项转义，不是合法的 Unicode 文本。",
                                "hint_en": f"The string at {here} holds an unpaired \\u surrogate escape, "
                                "which is not Unicode text.",
                            },
                        )
                    )
                    break
            if isinstance(value, (dict, list)):
                stack.append((value, here))
    return found


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _from_value(value: Any, name: str | None, limits: Limits) -> ReadResult:
    """Check an already-parsed value: JSON types only; floats become Decimal through their shortest repr."""
    problems: list[Problem] = []
    converted = _normalise(value, "", problems, limits, 1)
    if problems:
        return ReadResult(None, tuple(problems[:20]), None, name)
    if not isinstance(converted, dict):
        kind = type(converted).__name__
        return ReadResult(
            None,
            (
                Problem(
                    "input.not-object", values={"type": _TYPE_ZH.get(kind, kind), "type_en": _TYPE_EN.get(kind, kind)}
                ),
            ),
            None,
            name,
        )
    return ReadResult(converted, (), None, name)


def _normalise(value: Any, ptr: str, problems: list[Problem], limits: Limits, depth: int) -> Any:
    if depth > limits.max_depth:
        if not any(p.rule == "input.too-deep" for p in problems):
            problems.append(Problem("input.too-deep", ptr, {"limit": limits.max_depth}))
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(Problem("input.invalid-value", ptr, {"type": f"非字符串的键 {key!r}"}))
                continue
            out[key] = _normalise(item, join(ptr, key), problems, limits, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_normalise(item, join(ptr, i), problems, limits, depth + 1) for i, item in enumerate(value)]
    if value is None or isinstance(value, (str, bool, int)):
        if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) > limits.max_digits:
            problems.append(
                Problem(
                    "input.number-too-long",
                    ptr,
                    {"digits": len(str(abs(value))), "limit": limits.max_digits, "line": "?", "column": "?"},
                )
            )
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            problems.append(Problem("input.non-finite-number", ptr, {"token": str(value), "line": "?", "column": "?"}))
        elif len(value.as_tuple().digits) > limits.max_digits:
            problems.append(
                Problem(
                    "input.number-too-long",
                    ptr,
                    {"digits": len(value.as_tuple().digits), "limit": limits.max_digits, "line": "?", "column": "?"},
                )
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append(Problem("input.non-finite-number", ptr, {"token": repr(value), "line": "?", "column": "?"}))
            return value
        text = repr(value)
        dec = Decimal(text)
        # repr is the shortest decimal that round-trips; beyond 15 significant digits that decimal may
        # not be the one the author wrote, so it is refused rather than guessed.
        if len(dec.as_tuple().digits) > 15:
            problems.append(Problem("input.inexact-number", ptr, {"value": text}))
        return dec
    problems.append(Problem("input.invalid-value", ptr, {"type": type(value).__name__}))
    return value
