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
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

from . import amounts, locate
from .errors import InputError
from .pointer import join

__all__ = ["Limits", "Problem", "ReadResult", "read"]


@dataclass(frozen=True)
class Limits:
    """Input limits. The defaults admit any real disclosure with a wide margin (docs/DATA_MODEL.md).

    Every number is bounded before any arithmetic: at most ``max_digits`` digits, a magnitude below
    10^(``max_exponent`` + 1) and at most ``max_places`` decimal places. Containers nest at most
    ``max_depth`` deep, and a parsed value passed by a Python caller holds at most ``max_values``
    values (objects, arrays and scalars, counted as they expand: a shared sub-list counts every time).
    A rule reports at most ``max_findings_per_rule`` findings (the rest are counted in one finding), and
    the schema layer explains at most that many errors.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_digits: int = amounts.MAX_DIGITS
    max_depth: int = 64
    max_exponent: int = amounts.MAX_EXPONENT
    max_places: int = amounts.MAX_PLACES
    max_values: int = 500_000
    max_findings_per_rule: int = 1_000

    def __post_init__(self) -> None:
        # The decimal context (amounts.ARITHMETIC) and the depth of the validator's own walkers are sized
        # for these ceilings; beyond them a limit would promise what the validator cannot keep.
        for name, ceiling in (
            ("max_digits", amounts.NUMBER_CEILING),
            ("max_exponent", amounts.NUMBER_CEILING),
            ("max_places", amounts.NUMBER_CEILING),
            ("max_depth", MAX_DEPTH_CEILING),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ceiling:
                raise ValueError(f"Limits.{name} must be an integer from 0 to {ceiling}, not {value!r}")
        cap = self.max_findings_per_rule
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise ValueError(f"Limits.max_findings_per_rule must be a positive integer, not {cap!r}")


MAX_DEPTH_CEILING = 100


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


class _Stop(Exception):
    """Walking a parsed value ends early: it is cyclic or expands beyond ``Limits.max_values``."""


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
        data = _read_object(source, name, limits)
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


def _read_object(source: Any, name: str | None, limits: Limits) -> bytes:
    """The bytes a caller's file object gives; what it raises or returns instead is an ``InputError``."""
    what = name or type(source).__name__
    try:
        data = source.read(limits.max_bytes + 1)
    except Exception as exc:  # the caller's object runs its own code: any failure of it is a usage error
        raise InputError(f"{what}: read() failed ({type(exc).__name__})") from exc
    if isinstance(data, str):
        return str.__str__(data).encode("utf-8", "surrogatepass")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise InputError(f"{what}: read() returned {type(data).__name__}, not bytes or str")


def _read_path(path: Path, limits: Limits) -> bytes | Problem:
    """The file's bytes, at most ``max_bytes`` + 1 of them. Only a regular file is read: the file is opened
    without blocking and checked on the open descriptor, so a named pipe, a socket or a device (which
    could be read forever) is refused, even one swapped in after an earlier check."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f"{path}: is not a regular file (a pipe, socket or device); use - for standard input")
            if info.st_size > limits.max_bytes:
                return Problem("input.too-large", values={"size": info.st_size, "limit": limits.max_bytes})
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
    return _from_text(text, name, limits, decoded=True, raw=data)


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


def _from_text(
    text: str, name: str | None, limits: Limits, *, decoded: bool = False, raw: bytes | None = None
) -> ReadResult:
    """Parse JSON text. ``decoded``: the text came from UTF-8 bytes (``raw``), so it holds no lone
    surrogate.

    One cheap pass over the bytes (``_shape``) gives the nesting depth and the number of keys the text
    writes; the standard decoder then parses with its own dicts, and the document is taken as it is when
    it holds as many keys as the text wrote (no key was written twice) and no hook refused a number.
    Anything else is parsed again the careful way (``_careful``), which finds the problem and its place
    exactly as it always has.
    """
    if type(text) is not str:
        text = str.__str__(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    data = raw if raw is not None else text.encode("utf-8", "surrogatepass")
    depth, pairs = _shape(data, limits.max_depth)
    if depth > limits.max_depth:
        # Refused before parsing: json.loads recurses once per level, and so would every later walker.
        return _fail(Problem("input.too-deep", values={"limit": limits.max_depth}), text, name)
    document = _quick(text, limits, pairs)
    if document is _UNSURE:
        outcome = _careful(text, name, limits)
        if isinstance(outcome, ReadResult):
            return outcome
        document = outcome
    problems: list[Problem] = []
    if not isinstance(document, dict):
        kind = type(document).__name__
        problems.append(
            Problem("input.not-object", values={"type": _TYPE_ZH.get(kind, kind), "type_en": _TYPE_EN.get(kind, kind)})
        )
    elif ("\\" in text and _SUSPECT_ESCAPE.search(text)) or (not decoded and not _is_unicode(text)):
        problems.extend(_bad_strings(document))
    if problems:
        return ReadResult(None, tuple(problems), text, name)
    return ReadResult(document, (), text, name)


_UNSURE: Any = object()


class _Numbers:
    """The decoder's hooks for numbers and constants under ``limits``: exact, bounded, finite."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        # Tokens this short, without an exponent, cannot break any bound: they skip the range check.
        self.short = min(limits.max_digits, limits.max_exponent + 1, limits.max_places)

    def number(self, token: str) -> Decimal:
        if (len(token) > self.short or "e" in token or "E" in token) and _token_fault(token, self.limits):
            raise _TooLong
        return Decimal(token)

    def integer(self, token: str) -> int:
        if len(token) > self.short and _token_fault(token, self.limits):
            raise _TooLong
        return int(token)

    @staticmethod
    def constant(token: str) -> Any:
        raise _NonFinite


def _quick(text: str, limits: Limits, pairs: int) -> Any:
    """The document, when the standard decoder's dicts hold all ``pairs`` keys the text writes and every
    number is in range; ``_UNSURE`` for anything else (a syntax error included), which ``_careful``
    then reads again. Counting keys in an object hook costs far less than building each object from a
    list of pairs, which is what finding a duplicate as it is parsed needs."""
    numbers = _Numbers(limits)
    found = 0

    def counted(obj: dict[str, Any]) -> dict[str, Any]:
        nonlocal found
        found += len(obj)
        return obj

    decoder = json.JSONDecoder(
        object_hook=counted, parse_float=numbers.number, parse_int=numbers.integer, parse_constant=numbers.constant
    )
    try:
        document = decoder.decode(text)
    except (ValueError, _NonFinite, _TooLong, RecursionError):  # JSONDecodeError is a ValueError
        return _UNSURE
    return document if found == pairs else _UNSURE


def _careful(text: str, name: str | None, limits: Limits) -> Any:
    """Parse refusing the first duplicate key as it is met: the document, or the failed ``ReadResult``."""
    numbers = _Numbers(limits)

    def unique(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            raise _Duplicate
        return out

    try:
        return json.loads(
            text,
            object_pairs_hook=unique,
            parse_float=numbers.number,
            parse_int=numbers.integer,
            parse_constant=numbers.constant,
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
    except RecursionError:  # pragma: no cover - _shape refuses anything this deep first
        return _fail(Problem("input.too-deep", values={"limit": limits.max_depth}), text, name)


def _fail(problem: Problem, text: str, name: str | None) -> ReadResult:
    return ReadResult(None, (problem,), text, name)


_STRUCTURE = b'[]{}":'
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)
# Brackets as signed bytes (+1 opens, -1 closes), so that C sums the steps without a call per bracket.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def _shape(data: bytes, limit: int) -> tuple[int, int]:
    """(the deepest nesting of arrays and objects, the number of ``:`` outside strings) in JSON text,
    found without parsing it (linear, in C). In JSON text a colon outside strings ends a key, so the
    second number is how many keys the text writes; the depth is 0 when it cannot exceed ``limit``.

    Escaped backslashes and escaped quotes are dropped from the bytes first, so every remaining quote
    opens or closes a string; then only brackets, quotes and colons are kept (ASCII bytes, never part of
    a UTF-8 sequence), and what lies outside pairs of quotes counts. Where the text is not JSON the
    counts may be off after the first error, which the parser then reports.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Two adjacent quotes have nothing between them: dropping them leaves every other byte inside or
    # outside strings as it was, and leaves only the few strings that hold brackets or colons to split.
    kept = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in kept:
        kept = b"".join(kept.split(b'"')[0::2])
    colons = kept.count(b":")
    if len(kept) - colons <= limit:  # no more brackets than the limit: no deeper than it either
        return 0, colons
    steps = memoryview(kept.replace(b":", b"").translate(_STEPS)).cast("b")
    return max(accumulate(steps), default=0), colons


def _digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token, maxsplit=1)[0]
    return sum(ch in "0123456789" for ch in mantissa)


def _token_fault(token: str, limits: Limits) -> str | None:
    """Why a JSON number token lies outside the accepted numbers ("digits", "magnitude", "places")."""
    if len(token) > limits.max_digits and _digits(token) > limits.max_digits:
        return "digits"
    _, _, exponent = token.lower().partition("e")
    if len(exponent.lstrip("+-")) > 9:  # |exponent| ≥ 10^9: decided before Decimal ever sees it
        return "places" if exponent.startswith("-") else "magnitude"
    return _fault(Decimal(token), limits)


def _fault(value: Decimal, limits: Limits) -> str | None:
    return amounts.out_of_range(value, digits=limits.max_digits, exponent=limits.max_exponent, places=limits.max_places)


def _number_problem(
    fault: str, shown: str, digits: Any, ptr: str, limits: Limits, line: Any = "?", column: Any = "?"
) -> Problem:
    where = (line, column) if isinstance(line, int) else (None, None)
    if fault == "digits":
        return Problem(
            "input.number-too-long",
            ptr,
            {"digits": digits, "limit": limits.max_digits, "line": line, "column": column},
            *where,
        )
    if fault == "magnitude":
        reason = f"绝对值须小于 10^{limits.max_exponent + 1}"
        reason_en = f"its magnitude must be below 10^{limits.max_exponent + 1}"
    else:
        reason = f"小数位不得超过 {limits.max_places} 位"
        reason_en = f"it may have at most {limits.max_places} decimal places"
    return Problem(
        "input.number-out-of-range",
        ptr,
        {"number": shown, "reason": reason, "reason_en": reason_en, "line": line, "column": column},
        *where,
    )


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
        if ev.kind == "number":
            fault = _token_fault(ev.token, limits)
            if fault:
                line, col = locate.line_col(text, ev.offset)
                return _number_problem(fault, ev.token, _digits(ev.token), ev.pointer, limits, line, col)
    return Problem(
        "input.not-json", values={"line": 1, "column": 1, "detail": "无法定位的问题", "detail_en": "unlocated problem"}
    )


# Escapes that JSON text needs to put a lone surrogate or a control character into a string.
_SUSPECT_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|u00[01][0-9a-fA-F]|[bf])")
# C0 control characters other than tab, line feed and carriage return: not text, and not allowed in XML.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_problem(text: str, ptr: str, key: bool) -> Problem | None:
    """A lone surrogate or a control character in a string (or in a key of the object at ``ptr``)."""
    what, what_en = ("键", "A key") if key else ("字符串", "The string")
    if not _is_unicode(text):
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")[:40]
        return Problem(
            "input.encoding",
            ptr,
            {
                "line": "?",
                "column": "?",
                "hint": f"位置 {ptr or '/'} 的{what}「{shown}」含有不成对的 \\u 代理项，不是合法的 Unicode 文本。",
                "hint_en": f'At {ptr or "/"}, {what_en.lower()} "{shown}" holds an unpaired \\u surrogate, '
                "which is not Unicode text.",
            },
        )
    found = _CONTROL.search(text)
    if found:
        return Problem(
            "input.control-character",
            ptr,
            {"what": what, "what_en": what_en, "char": f"U+{ord(found.group()):04X}"},
        )
    return None


def _bad_strings(document: Any) -> list[Problem]:
    """Lone surrogates and control characters in the keys and strings of a parsed document (at most 10)."""
    found: list[Problem] = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack and len(found) < 10:
        node, ptr = stack.pop()
        items: Any = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(key, str) and (problem := _text_problem(key, ptr, True)):
                found.append(problem)
                continue
            here = join(ptr, key)
            if isinstance(value, str) and (problem := _text_problem(value, here, False)):
                found.append(problem)
            elif isinstance(value, (dict, list)):
                stack.append((value, here))
    return found


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _from_value(value: Any, name: str | None, limits: Limits) -> ReadResult:
    """Check an already-parsed value: JSON types only, bounded; floats become Decimal through their
    shortest repr; subclasses of str, int, float and Decimal become the plain type."""
    walker = _Normaliser(limits)
    try:
        converted, _ = walker.value(value, "", 1)
    except _Stop:
        converted = None
    if walker.problems:
        return ReadResult(None, tuple(walker.problems[:20]), None, name)
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


class _Normaliser:
    """One walk over a caller's value: a plain JSON copy, or the problems that stop it.

    The walk is bounded whatever the value: containers deeper than ``max_depth`` are not entered, a
    container that contains itself is refused (``input.cyclic``), and the walk stops once the value
    expands to more than ``max_values`` values. A container met again (shared, not cyclic) is not walked
    again: its copy is reused and its size and height are counted, so a few small lists sharing each
    other a million times are refused after a few steps instead of being expanded.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.problems: list[Problem] = []
        self.count = 0
        self.open: set[int] = set()  # ids of the containers on the path from the root
        self.done: dict[int, tuple[Any, int, int]] = {}  # id → (copy, values inside, height)
        self.too_long = 10**limits.max_digits
        self.too_big = 10 ** (limits.max_exponent + 1)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if len(self.problems) >= 20:
            raise _Stop

    def counted(self, n: int) -> None:
        self.count += n
        if self.count > self.limits.max_values:
            self.problems.append(Problem("input.too-many-values", "", {"limit": self.limits.max_values}))
            raise _Stop

    def value(self, value: Any, ptr: str, depth: int) -> tuple[Any, int]:
        """(the plain copy, its height: 0 for a scalar, 1 + the highest item for a container)."""
        if not isinstance(value, (Mapping, list, tuple)):
            self.counted(1)
            return self.scalar(value, ptr), 0
        key = id(value)
        if key in self.open:
            self.add(Problem("input.cyclic", ptr))
            return None, 0
        seen = self.done.get(key)
        if seen is not None:
            copy, size, height = seen
            self.counted(size)
            if depth + height - 1 > self.limits.max_depth:
                self.too_deep(ptr)
            return copy, height
        if depth > self.limits.max_depth:
            self.too_deep(ptr)
            return None, 0
        before = self.count
        self.counted(1)
        self.open.add(key)
        try:
            if isinstance(value, Mapping):
                copy, height = self.mapping(value, ptr, depth)
            else:
                copy, height = self.array(value, ptr, depth)
        finally:
            self.open.discard(key)
        self.done[key] = (copy, self.count - before, height)
        return copy, height

    def too_deep(self, ptr: str) -> None:
        if not any(p.rule == "input.too-deep" for p in self.problems):
            self.add(Problem("input.too-deep", ptr, {"limit": self.limits.max_depth}))

    def mapping(self, value: Mapping[Any, Any], ptr: str, depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        height = 0
        for key, item in value.items():
            if not isinstance(key, str):
                # Only the type is named: the key's own repr is the caller's code and may fail.
                self.add(Problem("input.invalid-value", ptr, {"type": f"{type(key).__name__} 键 (key)"}))
                continue
            key = str.__str__(key)
            problem = _text_problem(key, ptr, True)
            if problem:
                self.add(problem)
                continue
            out[key], inner = self.value(item, join(ptr, key), depth + 1)
            height = max(height, inner)
        return out, height + 1

    def array(self, value: list[Any] | tuple[Any, ...], ptr: str, depth: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        height = 0
        for i, item in enumerate(value):
            copy, inner = self.value(item, join(ptr, i), depth + 1)
            out.append(copy)
            height = max(height, inner)
        return out, height + 1

    def scalar(self, value: Any, ptr: str) -> Any:
        if value is None or value is True or value is False:
            return value
        if isinstance(value, str):
            text = str.__str__(value)
            problem = _text_problem(text, ptr, False)
            if problem:
                self.add(problem)
            return text
        if isinstance(value, int) and not isinstance(value, bool):
            number = int.__int__(value)
            size = abs(number)
            if size >= self.too_long:
                self.add(_number_problem("digits", "", _int_digits(size), ptr, self.limits))
            elif size >= self.too_big:
                self.add(_number_problem("magnitude", str(number), None, ptr, self.limits))
            return number
        if isinstance(value, Decimal):
            dec = Decimal(value)
            if not dec.is_finite():
                self.add(Problem("input.non-finite-number", ptr, {"token": str(dec), "line": "?", "column": "?"}))
            elif fault := _fault(dec, self.limits):
                self.add(_number_problem(fault, str(dec), len(dec.as_tuple().digits), ptr, self.limits))
            return dec
        if isinstance(value, float):
            if not math.isfinite(value):
                shown = float.__repr__(value)
                self.add(Problem("input.non-finite-number", ptr, {"token": shown, "line": "?", "column": "?"}))
                return None
            text = float.__repr__(value)
            dec = Decimal(text)
            # repr is the shortest decimal that round-trips; beyond 15 significant digits that decimal may
            # not be the one the author wrote, so it is refused rather than guessed.
            if len(dec.as_tuple().digits) > 15:
                self.add(Problem("input.inexact-number", ptr, {"value": text}))
            elif fault := _fault(dec, self.limits):
                self.add(_number_problem(fault, text, len(dec.as_tuple().digits), ptr, self.limits))
            return dec
        self.add(Problem("input.invalid-value", ptr, {"type": type(value).__name__}))
        return None


def _int_digits(size: int) -> int:
    """Decimal digits of a non-negative int, without str() (refused above 4300 digits since Python 3.11)."""
    if size.bit_length() < 10_000:
        return len(str(size))
    return int(size.bit_length() * math.log10(2)) + 1
