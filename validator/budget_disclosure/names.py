"""Names as people read them: the one normaliser behind every comparison of names.

A printed name reaches a transcription with full-width or half-width brackets and punctuation, spaces
and line-break artefacts from the PDF, 其它 for 其他, and curly or straight quotes; none of these
changes what the name means. A rule may also declare suffixes that do not change the meaning for its
comparison (``ignore_suffixes``: 支出, 经费, 项目 for project names; 本级 for a department's own office).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["name_key", "normalise_name"]

# White space of any width, and the invisible characters a PDF extraction leaves at line breaks.
_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]+")
# After NFKC (which makes full-width ASCII punctuation half-width): the marks NFKC leaves alone.
_MARKS = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "・": "·",
        "•": "·",
        "。": ".",
        "、": ",",
    }
)


def normalise_name(name: str, ignore_suffixes: Iterable[str] = ()) -> str:
    """The form in which two names compare equal when a reader takes them for the same name.

    Full- and half-width characters are one (NFKC), white space and line-break artefacts are dropped,
    quotes, brackets and dashes are unified, 其它 reads as 其他; then each of ``ignore_suffixes`` is
    removed from the end, repeatedly, as long as something remains.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).translate(_MARKS).replace("其它", "其他")
    suffixes = sorted({normalise_name(s) for s in ignore_suffixes if s}, key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for suffix in suffixes:
            if len(text) > len(suffix) and text.endswith(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text


def name_key(value: object, ignore_suffixes: Iterable[str] = ()) -> str | None:
    """The normalised form of a text cell, or None for a blank one."""
    if not isinstance(value, str):
        return None
    key = normalise_name(value, ignore_suffixes)
    return key or None
