"""``python -m budget_disclosure.synth --profile P --seed N``: print the consistent document a seed builds.

The generated examples under ``examples/generated/`` are written this way (``--seed 0``); the same seed
builds the same document on every machine, so a file is rebuilt, never edited by hand.
"""

from __future__ import annotations

import sys

import click

from .core import to_json
from .plan import PROFILES, Features
from .registry import build_seeded


@click.command()
@click.option("--profile", type=click.Choice(PROFILES), required=True, help="The profile whose form to build.")
@click.option("--seed", type=int, default=0, show_default=True, help="The seed of every choice.")
@click.option("--exact", is_flag=True, help="Amounts exact at their printed precision (no rounding at all).")
def main(profile: str, seed: int, exact: bool) -> None:
    """Write one generated disclosure as indented JSON on standard output."""
    document = build_seeded(seed, Features(profile=profile, exact=exact))
    sys.stdout.write(to_json(document, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
