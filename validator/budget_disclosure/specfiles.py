"""Where the spec files are and what identifies them: cheap enough for ``--version`` (no YAML, no rules).

A built wheel carries the files as package data under ``budget_disclosure/_spec``; a checkout (and an
editable install) reads them from the repository root. There is one copy. ``BUDGET_DISCLOSURE_SPEC`` may
point at another spec folder (one holding schemas/ and rules/).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import SpecError

__all__ = ["SpecFiles", "spec_root"]


def spec_root() -> Path:
    """The folder that holds schemas/ and rules/."""
    env = os.environ.get("BUDGET_DISCLOSURE_SPEC")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    bundled = here / "_spec"
    if (bundled / "schemas").is_dir():
        return bundled
    checkout = here.parent.parent
    if (checkout / "schemas").is_dir() and (checkout / "rules").is_dir():
        return checkout
    raise SpecError(
        f"cannot find the spec files (looked in {bundled} and {checkout}); "
        "set BUDGET_DISCLOSURE_SPEC to the folder holding schemas/ and rules/"
    )


class SpecFiles:
    """The spec folder's files (relative POSIX path → path), its version and the SHA-256 over all files."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or spec_root()).resolve()
        self.schemas_dir = self.root / "schemas"
        self.rules_dir = self.root / "rules"
        if not self.schemas_dir.is_dir() or not self.rules_dir.is_dir():
            raise SpecError(f"{self.root} has no schemas/ or rules/ folder")
        try:
            self.version = (self.schemas_dir / "VERSION").read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SpecError(f"cannot read the spec version: {exc}", file="schemas/VERSION") from None
        self.files: dict[str, Path] = {
            str(p.relative_to(self.root)).replace(os.sep, "/"): p
            for folder in (self.schemas_dir, self.rules_dir)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        }
        digest = hashlib.sha256()
        for rel in sorted(self.files):
            try:
                data = self.files[rel].read_bytes()
            except OSError as exc:
                raise SpecError(f"cannot read: {exc}", file=rel) from None
            digest.update(rel.encode() + b"\0" + data + b"\0")
        self.digest = digest.hexdigest()
