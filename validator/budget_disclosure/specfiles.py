"""Where the spec files are and what identifies them: cheap enough for ``--version`` (no YAML, no rules).

A built wheel carries the files as package data under ``budget_disclosure/_spec``; a checkout (and an
editable install) reads them from the repository root. There is one copy. ``BUDGET_DISCLOSURE_SPEC`` may
point at another spec folder (one holding schemas/ and rules/).

Other projects vendor and edit these folders, so the inventory is also the first line of the loader's
defences, before anything is parsed: a file larger than any real spec file (``MAX_FILE_BYTES``) or a
symbolic link that leads out of the spec folder is refused, and every later read of a spec file goes
through ``read_spec_file``, which never reads more than the limit.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import SpecError

__all__ = ["MAX_FILE_BYTES", "SpecFiles", "read_spec_file", "spec_root"]

MAX_FILE_BYTES = 2 * 1024 * 1024  # one spec file; the largest today (a code list) is about 50 KiB


def read_spec_file(path: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of one spec file, refused (without reading on) when it is larger than ``limit``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", file=rel) from None
    if len(data) > limit:
        raise SpecError(f"the file is larger than {limit:,} bytes; no spec file is nearly that large", file=rel)
    return data


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


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


_LINK_OUT = "a symbolic link that leads outside the spec folder; copy the file into the folder instead"


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
        self.files: dict[str, Path] = {}
        for folder in (self.schemas_dir, self.rules_dir):
            if not _inside(folder, self.root):
                raise SpecError(_LINK_OUT, file=folder.name)
            for p in sorted(folder.rglob("*")):
                if p.name.startswith("."):
                    continue
                rel = str(p.relative_to(self.root)).replace(os.sep, "/")
                # Checked before anything is read: an error must never quote what lies outside the folder.
                if p.is_symlink() and not _inside(p, self.root):
                    raise SpecError(_LINK_OUT, file=rel)
                if p.is_file():
                    if p.stat().st_size > MAX_FILE_BYTES:
                        raise SpecError(f"the file is larger than {MAX_FILE_BYTES:,} bytes", file=rel)
                    self.files[rel] = p
        digest = hashlib.sha256()
        for rel in sorted(self.files):
            data = read_spec_file(self.files[rel], rel)
            digest.update(rel.encode() + b"\0" + data + b"\0")
        self.digest = digest.hexdigest()
