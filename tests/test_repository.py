"""What a new user of the repository meets first: the licence, the pre-commit hook, paths, the JSON report.

Each test guards one rough edge a newcomer hit: no LICENSE although the metadata named one, a hook whose
default pattern validated every JSON file of a project and whose documented `rev` did not exist, a path
of one machine in a document, JSON findings without the line and column the text report gives.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from budget_disclosure.cli import main

from .support import ROOT, SEED


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if out.returncode != 0:  # not a git checkout (an unpacked sdist): every file under the root
        return [p for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    return [ROOT / name for name in out.stdout.decode("utf-8").split("\0") if name]


# ------------------------------------------------------------------------------------------ licence
def test_the_licence_named_in_the_metadata_is_in_the_repository() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    meta = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = "Apache-2.0"$', meta, re.M)
    assert re.search(r'^license-files = \["LICENSE"\]$', meta, re.M)


def test_the_wheel_and_the_sdist_carry_the_licence(tmp_path: Path) -> None:
    """Both distributions are built from the checkout (PEP 517, isolated) and opened."""
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert "License-Expression: Apache-2.0" in zf.read(metadata).decode("utf-8")
    with tarfile.open(sdist) as tf:
        assert any(n.endswith("/LICENSE") and n.count("/") == 1 for n in tf.getnames())


# ------------------------------------------------------------------------------------------ pre-commit
def _hook() -> dict[str, object]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return dict(hook)


@pytest.mark.parametrize(
    "path",
    [
        "disclosures/2024/unit.json",
        "data/disclosures/unit.jsonl",
        "部门预算/2024/长沙市企业服务中心.json",
        "budget/unit-2024.disclosure.json",
        "unit.disclosure.ndjson",
    ],
)
def test_the_hook_takes_disclosures(path: str) -> None:
    assert re.search(str(_hook()["files"]), path)


@pytest.mark.parametrize(
    "path",
    [
        "package.json",
        "web/package-lock.json",
        "tsconfig.json",
        ".vscode/settings.json",
        "schemas/report.schema.json",
        "disclosures/README.md",
        "mydisclosures/unit.json",
    ],
)
def test_the_hook_leaves_other_json_alone(path: str) -> None:
    assert not re.search(str(_hook()["files"]), path)


def test_the_hook_runs_the_command_the_package_installs() -> None:
    hook = _hook()
    assert hook["entry"] == "budget-disclosure validate" and hook["language"] == "python"
    meta = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'budget-disclosure = "budget_disclosure.cli:main"' in meta


def test_the_documented_hook_setup_names_no_release_that_does_not_exist() -> None:
    """The documented `rev` was a tag (v0.1.0) that was never made: pre-commit cannot fetch it."""
    tags = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.split()
    for doc in (ROOT / "docs" / "CLI.md", ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml"):
        for rev in re.findall(r"rev:\s*(\S+)", doc.read_text(encoding="utf-8")):
            assert rev.startswith("<") or rev in tags, f"{doc.name}: rev {rev} is not a tag of this repository"


# ------------------------------------------------------------------------------------------ paths
# Built from parts, so that this file does not name them itself.
_MACHINE = re.compile("|".join(["/" + "work/", "/" + "home/", "/" + "Users/", "/" + "root/", "[A-Z]:" + r"\\\\"]))


def test_no_file_of_the_repository_names_a_path_of_one_machine() -> None:
    found = []
    for path in _tracked_files():
        if path.suffix in (".png", ".jpg", ".xlsx", ".whl", ".gz") or not path.exists():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if _MACHINE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------------ JSON report
def test_json_findings_carry_line_and_column_like_the_text_report() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(SEED)])
    assert result.exit_code == 1, result.output
    (document,) = json.loads(result.output)["documents"]
    findings = document["findings"]
    assert findings and all(isinstance(f.get("line"), int) and f["line"] >= 1 for f in findings)
    text = CliRunner().invoke(main, ["validate", "--lang", "en", str(SEED)]).output
    assert sorted({f["line"] for f in findings}) == sorted({int(m) for m in re.findall(r" \(line (\d+)\)", text)})
