"""The validator's own words in the report's language (``--lang``): file errors, location words, the basis.

Findings carry their messages in both languages (``message``/``message_en``) and rules their basis
(``basis``/``basis_en``). What else the validator writes into a report is language-neutral data or one of
the few phrases here: the reasons a source could not be read (written in English where they arise, in
``batch`` and ``reader``, and put into Chinese here by their fixed wording) and the location words used
when a finding has no place inside a table. Names taken from the schemas (table and column titles) are the
printed names of the published form and stay as printed in either language.
"""

from __future__ import annotations

import re
from typing import Protocol

__all__ = ["basis_text", "error_text", "location_text"]

# The fixed wordings of file errors ("NAME: reason"), each with its Chinese; ``{0}`` is the detail (an OS
# message, a file kind or an exception) kept as it came.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), zh)
    for pattern, zh in (
        (r"no such file or folder", "文件或文件夹不存在"),
        (r"no such file", "文件不存在"),
        (r"permission denied", "没有读取权限"),
        (r"is a folder, not a file", "是文件夹，不是文件"),
        (
            r"is not a regular file \(a pipe, socket or device\); use - for standard input",
            "不是普通文件（管道、套接字或设备）；标准输入请用 -",
        ),
        (r"is (.+), not a regular file \(use - to read standard input\)", "是{0}，不是普通文件（标准输入请用 -）"),
        (r"cannot read \((.*)\)", "无法读取（{0}）"),
        (r"the folder holds no \.json or \.jsonl file", "文件夹中没有 .json 或 .jsonl 文件"),
        (r"the JSON Lines file holds no document", "JSON Lines 文件中没有文档"),
        (r"internal error \((.*)\)", "内部错误（{0}）"),
    )
)
_KINDS_ZH = {
    "a named pipe (FIFO)": "命名管道（FIFO）",
    "a socket": "套接字",
    "a character device": "字符设备",
    "a block device": "块设备",
}
# Location words the validator writes when a finding is about the whole file or document.
_LOCATIONS_EN = {"文件": "file", "文档": "document"}


def error_text(error: str | None, lang: str) -> str:
    """A file error (``"NAME: reason"``, as ``batch`` and ``reader`` write it) in ``lang``."""
    if not error:
        return "无法读取" if lang == "zh" else "unreadable"
    if lang != "zh":
        return error
    for pattern, zh in _ERRORS:
        # The name may itself hold ": "; the reason is the longest known wording at the end.
        for at in (m.end() for m in re.finditer(": ", error)):
            match = pattern.match(error, at)
            if match:
                detail = match.group(1) if match.groups() else ""
                return f"{error[: at - 2]}：{zh.format(_KINDS_ZH.get(detail, detail))}"
    return error


def location_text(location: str, lang: str) -> str:
    """A finding's location in ``lang``: the validator's words for the whole file or document translated,
    schema titles (the form's printed names) kept."""
    return _LOCATIONS_EN.get(location, location) if lang != "zh" else location


class _HasBasis(Protocol):
    @property
    def basis(self) -> str: ...

    @property
    def basis_en(self) -> str: ...


def basis_text(rule: _HasBasis, lang: str) -> str:
    """The rule's basis in ``lang``; in English, a note when the rule file gives it in Chinese only."""
    if lang == "zh":
        return rule.basis
    return rule.basis_en or "(given in Chinese only)"
