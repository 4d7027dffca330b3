"""The ``budget-disclosure`` command: a thin click layer over the library."""

from __future__ import annotations

import sys

import click

from ._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budget-disclosure")
def main() -> None:
    """Validate Chinese department budget disclosures (部门预算公开) against the open spec."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Validate disclosure files and print the findings."""
    from .api import validate as run
    from .errors import BudgetDisclosureError

    failed = False
    for path in paths:
        try:
            report = run(path)
        except BudgetDisclosureError as exc:
            click.echo(f"{path}: {exc}", err=True)
            sys.exit(2)
        counts = report.counts()
        click.echo(
            f"{path}: {'通过' if report.valid else '未通过'} "
            f"（错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}）"
        )
        for f in report.findings:
            click.echo(f"  [{f.severity.zh}] {f.location}：{f.message}（{f.rule}）")
        failed = failed or not report.valid
    sys.exit(1 if failed else 0)
