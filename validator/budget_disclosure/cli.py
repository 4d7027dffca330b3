"""The ``budget-disclosure`` command: a thin click layer over the library.

Exit codes: 0 when nothing reaches ``--fail-on``; 1 when findings do; 2 for usage errors, unreadable
input, a report that cannot be written and spec errors; 3 when the validator met an internal error (a
bug) on some document, the others being reported all the same; 130 and 143 when interrupted by SIGINT
or SIGTERM. No traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import click

from ._version import __version__
from .rules import DEFAULT_ENGINE, ENGINE_NAMES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json", "sarif", "junit", "html")
MAX_BYTES_CEILING = 1024**3  # no disclosure comes near 1 GiB; a larger limit is a typo


def _spec_or_exit() -> Any:
    from .errors import SpecError
    from .spec import get_spec

    try:
        return get_spec()
    except SpecError as exc:
        click.echo(f"budget-disclosure: spec error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _version_message() -> str:
    from .errors import SpecError
    from .specfiles import SpecFiles

    try:
        files = SpecFiles()
        return f"budget-disclosure {__version__} (spec {files.version}, sha256 {files.digest[:12]})"
    except SpecError as exc:
        return f"budget-disclosure {__version__} (spec unavailable: {exc})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit(EXIT_OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the engine and spec versions and exit.",
)
def main() -> None:
    """Validate Chinese department budget disclosures (部门预算公开) against the open spec.

    \b
    Exit codes: 0 nothing reaches --fail-on · 1 findings do · 2 usage, input, output or spec error
    · 3 internal error on some document (the others are reported) · 130/143 interrupted.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format.")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of messages in the report.",
)
@click.option("--profile", help="Validate under this profile instead of the one each document names.")
@click.option("--select", multiple=True, metavar="RULE|GROUP", help="Report only these rules or groups (repeatable).")
@click.option("--ignore", multiple=True, metavar="RULE|GROUP", help="Do not report these rules or groups (repeatable).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option("--strict-arithmetic", is_flag=True, help="Compare amounts exactly, without rounding envelopes.")
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="Rule engine: compiled screens in front of the interpreter, or the interpreter alone (the reference); "
    "the reports are identical.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU; never more than CPUs or documents).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_CEILING),
    default=20 * 1024 * 1024,
    show_default=True,
    help="Refuse documents (files, standard input, JSON Lines records) larger than this many bytes (at most 1 GiB).",
)
@click.option(
    "--max-findings-per-rule",
    type=click.IntRange(min=1, max=10_000_000),
    default=1_000,
    show_default=True,
    help="List at most this many findings of one rule per document; the rest are counted in one finding.",
)
def validate(
    paths: tuple[str, ...],
    fmt: str,
    lang: str,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    strict_arithmetic: bool,
    engine: str,
    jobs: int,
    output: str | None,
    max_bytes: int,
    max_findings_per_rule: int,
) -> None:
    """Validate disclosure files.

    PATHS are files, folders (searched recursively for *.json, *.jsonl and *.ndjson), JSON Lines files
    (one disclosure per line) or - for standard input.

    \b
    Exit codes: 0 nothing reaches --fail-on · 1 findings do · 2 usage error, input that cannot be
    read, a report that cannot be written, or a broken spec · 3 internal error on some document
    (reported as that document's error; the others are validated) · 130/143 interrupted.
    """
    from .batch import Options, cpu_count, expand, run
    from .errors import SpecError
    from .findings import Severity
    from .reader import Limits
    from .reporters import REPORTERS, RunInfo, Summary

    spec = _spec_or_exit()
    from .api import Selector

    wrong = Selector(select, ignore).problems(spec)
    if wrong:
        raise click.BadParameter(
            f"{'; '.join(wrong)} (see: budget-disclosure rules list)", param_hint="--select/--ignore"
        )
    if profile is not None and profile not in spec.profiles:
        raise click.BadParameter(
            f"unknown profile {profile!r}; known: {', '.join(spec.profiles)}", param_hint="--profile"
        )
    workers = min(jobs or cpu_count(), cpu_count())
    stream: TextIO
    if output:
        clash = _output_clash(output, paths)
        if clash is not None:
            raise click.BadParameter(clash, param_hint="--output")
        try:
            stream = open(output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise click.BadParameter(f"cannot write {output}: {exc.strerror or exc}", param_hint="--output") from None
    else:
        stream = sys.stdout
    sink = _Sink(stream, output or "<stdout>")
    color = output is None and fmt == "text" and _is_tty(stream) and "NO_COLOR" not in os.environ
    options = Options(
        profile=profile,
        strict_arithmetic=strict_arithmetic,
        engine=engine,
        select=select,
        ignore=ignore,
        limits=Limits(max_bytes=max_bytes, max_findings_per_rule=max_findings_per_rule),
        positions=fmt in ("text", "sarif", "json"),
    )
    info = RunInfo(spec, options, Severity(fail_on), lang, color, __version__)
    reporter = REPORTERS[fmt](sink, info)
    summary = Summary()
    progress = _progress(paths, max_bytes, lang)
    results: Iterator[Any] = iter(())
    code: int | None = None
    with _signals_raise():
        open_report = False  # begun and not yet ended: a failure can still close it
        try:
            reporter.begin()
            open_report = True
            # Jobs are expanded lazily: a JSON Lines file of any length is read one line at a time.
            results = run(expand(paths, stdin=sys.stdin.buffer, max_bytes=max_bytes), options, workers)
            for result in results:
                summary.add(reporter.report(result), info.fail_on)
                progress.update(1)
            open_report = False
            reporter.end(summary)
            sink.flush()
        except SpecError as exc:
            code = _fail(f"spec error: {exc}", EXIT_USAGE)
        except _OutputError as exc:
            code = _fail(str(exc), EXIT_USAGE)
            if output is None:
                _silence_stdout()
        except _Interrupted as exc:
            code = _fail(f"interrupted ({signal.Signals(exc.signum).name})", 128 + exc.signum)
        except KeyboardInterrupt:
            code = _fail("interrupted (SIGINT)", 128 + signal.SIGINT)
        except Exception as exc:  # a bug outside any one document: say what, never a traceback
            code = _fail(f"internal error: {type(exc).__name__}: {exc} (please report it)", EXIT_INTERNAL)
            if open_report:
                with contextlib.suppress(Exception):
                    reporter.end(summary)  # the documents reported so far stay a valid report
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # ends every worker process, whatever happened
            progress.finish()
            if output:
                try:
                    stream.close()
                except OSError as exc:
                    if code is None:
                        code = _fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE)
    if code is not None:
        sys.exit(code)
    if summary.unreadable:
        sys.exit(EXIT_USAGE)
    if summary.internal:
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_FINDINGS if summary.failing else EXIT_OK)


def _fail(message: str, code: int) -> int:
    with contextlib.suppress(OSError):
        click.echo(f"budget-disclosure: {message}", err=True)
    return code


class _OutputError(Exception):
    pass


class _Sink:
    """The report's stream: a failed write (a full disk, a closed pipe) is an error that names the file."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream = stream
        self.name = name

    def write(self, text: str, /) -> int:
        try:
            return self.stream.write(text)
        except OSError as exc:
            raise _OutputError(f"cannot write {self.name}: {exc.strerror or exc}") from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            raise _OutputError(f"cannot write {self.name}: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    """After standard output broke (a closed pipe), point it at /dev/null so that the interpreter's
    own flush at exit has nothing to complain about."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        pass


def _output_clash(output: str, paths: tuple[str, ...]) -> str | None:
    """Why ``--output`` would overwrite or be read as an input, or None: checked before it is opened
    (opening it truncates it)."""
    from .batch import JSONL_SUFFIXES

    target = Path(output)
    resolved = target.resolve()
    for raw in paths:
        if raw == "-":
            continue
        path = Path(raw)
        try:
            if target.exists() and path.exists() and os.path.samefile(target, path):
                return f"{output} is the input {raw}; the report would overwrite it"
        except OSError:
            pass
        if path.is_dir() and resolved.is_relative_to(path.resolve()) and resolved.suffix in (".json", *JSONL_SUFFIXES):
            return f"{output} is inside the input folder {raw} and would be read as a document"
    return None


class _Interrupted(BaseException):
    """SIGINT or SIGTERM: the run stops, every worker ends, and the exit code is 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _signals_raise:
    """While validating, SIGINT and SIGTERM raise :class:`_Interrupted` in this process (once: later
    signals are ignored while it cleans up). A worker process forked before it reset its handlers
    just exits."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> None:
        import threading

        self.saved: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        self.owner = os.getpid()
        for signum in self.SIGNALS:
            self.saved[signum] = signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != self.owner:
            os._exit(128 + signum)
        for other in self.SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        raise _Interrupted(signum)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False


class _Progress:
    """A progress bar on standard error for long runs on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool, lang: str = "zh") -> None:
        label = "校验中" if lang == "zh" else "validating"
        self.bar = click.progressbar(length=total, file=sys.stderr, label=label) if enabled else None
        if self.bar is not None:
            self.bar.__enter__()

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _progress(paths: tuple[str, ...], max_bytes: int, lang: str = "zh") -> _Progress:
    """A bar when standard error is a terminal and there are at least 20 documents (counted without
    keeping them: a JSON Lines file is read twice, once to count its lines)."""
    if not _is_tty(sys.stderr) or "NO_COLOR" in os.environ:
        return _Progress(0, False)
    from .batch import count_jobs

    total = count_jobs(paths, max_bytes)
    return _Progress(total, total >= 20, lang)


# ------------------------------------------------------------------------------------------ serve
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Validating processes.")
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_CEILING),
    default=20 * 1024 * 1024,
    show_default=True,
    help="Refuse larger request bodies (413).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds for one request: its body must arrive (else 408), then its validation end (else 503).",
)
@click.option(
    "--max-concurrent",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Requests admitted at once (receiving, queued or validating); more are refused (503, Retry-After).",
)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request.")
def serve(access_log: bool, **settings: Any) -> None:
    """Serve the validator, the rule catalogue and the spec files over HTTP (see docs/CLI.md)."""
    _spec_or_exit()
    try:
        from .service.config import ServiceConfig
        from .service.server import serve as run_service
    except ImportError as exc:
        raise click.UsageError(f"the HTTP service needs starlette and uvicorn ({exc})") from None
    try:
        code = run_service(ServiceConfig(**settings), access_log=access_log)
    except KeyboardInterrupt:  # uvicorn stops cleanly on SIGINT, then raises it again
        code = 128 + signal.SIGINT
    sys.exit(code)


# ------------------------------------------------------------------------------------------ rules
@main.group()
def rules() -> None:
    """Browse the rule catalogue."""


@rules.command("list")
@click.option("--group", "groups", multiple=True, help="Only these groups (repeatable).")
@click.option("--severity", type=click.Choice(["error", "warning", "info"]), help="Only rules of this severity.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_list(groups: tuple[str, ...], severity: str | None, lang: str, fmt: str) -> None:
    """List rules: id, severity, title."""
    import json

    spec = _spec_or_exit()
    unknown = [g for g in groups if g not in spec.groups]
    if unknown:
        raise click.BadParameter(
            f"unknown group: {', '.join(unknown)}; known: {', '.join(spec.groups)}", param_hint="--group"
        )
    selected = [
        r
        for r in spec.rules.values()
        if (not groups or r.group in groups) and (severity is None or r.severity.value == severity)
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "group": r.group,
                        "severity": r.severity.value,
                        "kind": r.kind,
                        "title": r.title,
                        "title_en": r.title_en,
                        "basis": r.basis,
                        "basis_en": r.basis_en,
                    }
                    for r in selected
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    width = max((len(r.id) for r in selected), default=10)
    for r in selected:
        label = r.severity.zh if lang == "zh" else r.severity.value
        click.echo(f"{r.id:<{width}}  {label:<7}  {r.title if lang == 'zh' else r.title_en}")


@rules.command("explain")
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def rules_explain(rule_id: str, lang: str) -> None:
    """Explain one rule: meaning, basis, parameters and an example that triggers it."""
    from .i18n import basis_text, location_text

    spec = _spec_or_exit()
    if rule_id not in spec.rules:
        close = [r for r in spec.rules if rule_id in r]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
        raise click.BadParameter(f"unknown rule {rule_id!r}{hint}", param_hint="RULE_ID")
    rule = spec.rules[rule_id]
    zh = lang == "zh"
    click.echo(f"{rule.id}  [{rule.severity.zh if zh else rule.severity.value}] {rule.title if zh else rule.title_en}")
    click.echo(f"  {'英文：' if zh else 'Chinese: '}{rule.title_en if zh else rule.title}")
    meaning = rule.description if zh else rule.description_en
    if meaning:
        click.echo(f"  {'含义：' if zh else 'Meaning: '}{meaning}")
    click.echo(f"  {'依据：' if zh else 'Basis: '}{basis_text(rule, lang)}")
    click.echo(f"  {'类型：' if zh else 'Kind: '}{rule.kind}   {'文件：' if zh else 'File: '}{rule.where}")
    profiles = [p.id for p in spec.profiles.values() if rule.group in p.rule_groups]
    click.echo(f"  {'适用规范：' if zh else 'Profiles: '}{', '.join(profiles)}")
    if rule.refs:
        click.echo(f"  {'目录编号：' if zh else 'Catalogue: '}{', '.join(rule.refs)}")
    if rule.when:
        click.echo(f"  {'前提条件：' if zh else 'When: '}{list(map(dict, rule.when))}")
    if rule.params:
        import yaml

        text = yaml.safe_dump(_plain(rule.params), allow_unicode=True, sort_keys=False, width=100).rstrip()
        click.echo(f"  {'参数：' if zh else 'Parameters:'}")
        for line in text.splitlines():
            click.echo(f"    {line}")
    click.echo(f"  {'消息：' if zh else 'Message: '}{rule.message if zh else rule.message_en}")
    example = _example_for(spec, rule_id)
    if example is not None:
        path, finding = example
        click.echo(f"  {'示例：' if zh else 'Example: '}{path}")
        if finding is not None:
            where = location_text(finding.location, lang)
            click.echo(f"    → {where}{'：' if zh else ': '}{finding.message if zh else finding.message_en}")


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def _example_for(spec: Any, rule_id: str) -> tuple[str, Any] | None:
    """The case written for a rule, run live, when the examples are at hand (a checkout or a wheel)."""
    cases = spec.root / "examples" / "cases"
    if not cases.is_dir():
        return None
    from .examples import run_case

    group, name = rule_id.split(".", 1)
    path = cases / group / f"{name}.yaml"
    if not path.exists():
        found = [p for p in sorted(cases.rglob("*.yaml")) if f"rule: {rule_id}\n" in p.read_text(encoding="utf-8")]
        if not found:
            return None
        path = found[0]
    finding = next((f for f in run_case(path) if f.rule == rule_id), None)
    return str(path.relative_to(spec.root)), finding


# ------------------------------------------------------------------------------------------ schema
@main.group()
def schema() -> None:
    """Export the spec files for vendoring, or bundle one self-contained schema."""


@schema.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def schema_export(directory: str, force: bool) -> None:
    """Copy the schemas, rules, code lists and frameworks to DIRECTORY, with a MANIFEST.json."""
    from .errors import BudgetDisclosureError
    from .vendoring import export

    spec = _spec_or_exit()
    try:
        files = export(spec, Path(directory), force=force)
    except BudgetDisclosureError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"exported {len(files)} files of spec {spec.version} to {directory}")


@schema.command("bundle")
@click.option("--profile", required=True, help="The profile whose schema to bundle.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
def schema_bundle(profile: str, output: str | None) -> None:
    """Print one self-contained JSON Schema for PROFILE (every $ref inlined)."""
    import json

    from .errors import BudgetDisclosureError
    from .vendoring import bundle

    spec = _spec_or_exit()
    try:
        text = json.dumps(bundle(spec, profile), ensure_ascii=False, indent=2) + "\n"
    except BudgetDisclosureError as exc:
        raise click.BadParameter(str(exc), param_hint="--profile") from None
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="FILE.json or FILE.xlsx.")
@click.option("--cells", type=click.Path(dir_okay=False), help="From a workbook: also write each value's cell here.")
def convert(source: str, output: str, cells: str | None) -> None:
    """Convert a disclosure between JSON and an Excel workbook (the direction follows the file names).

    \b
    budget-disclosure convert doc.json -o doc.xlsx     the document as a fillable workbook
    budget-disclosure convert form.xlsx -o form.json   the workbook as the canonical JSON
    """
    from .workbook.commands import convert_file

    _spec_or_exit()
    sys.exit(convert_file(source, output, cells))


@main.command()
@click.option("--profile", required=True, help="The profile (form of disclosure) whose tables to lay out.")
@click.option("--year", type=int, help="The fiscal year in the titles (default: the profile's last year).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="Write the workbook here.")
def template(profile: str, year: int | None, output: str) -> None:
    """Write a blank, fillable workbook of PROFILE's tables (headers locked, drop-down lists)."""
    from .workbook.commands import write_template

    spec = _spec_or_exit()
    if profile not in spec.profiles:
        known = ", ".join(spec.profiles)
        raise click.BadParameter(f"unknown profile {profile!r}; known: {known}", param_hint="--profile")
    sys.exit(write_template(profile, year, output))
