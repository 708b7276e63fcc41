"""The ``quotestance`` command line: thin typer commands over the library.

Each module in ``COMMAND_MODULES`` holds a ``register(app)`` function. Command modules import
only typer and the standard library at import time, so ``quotestance --help`` stays fast;
library code is imported inside the commands.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="quotestance",
    help="QuoteStance: who said what, and for or against what. Corpus tools, validator, "
         "baselines and scorer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

COMMAND_MODULES = ("data", "corpus_cmd", "evaluate", "systems", "views")

for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:  # a command module not written yet
        if _e.name != f"{__name__}.{_name}":
            raise
        continue
    _mod.register(app)


def main() -> None:
    app()
