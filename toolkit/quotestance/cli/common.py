"""Helpers shared by the command modules: messages, exits, output writing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "markdown")


def log(msg: str) -> None:
    """Progress and notes go to stderr; results go to stdout."""
    print(msg, file=sys.stderr, flush=True)


def fail(msg: str, code: int = EXIT_USAGE) -> NoReturn:
    """A clear message on stderr and an exit code, never a traceback."""
    print(f"quotestance: error: {msg}", file=sys.stderr, flush=True)
    raise typer.Exit(code)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        fail(f"The {name!r} option must be one of {{{', '.join(allowed)}}}. "
             f"Got {value!r} instead.")
    return value


def emit(text: str, output: Path | None, inputs: list[Path] | tuple[Path, ...] = ()) -> None:
    """Write a result to stdout, or atomically to ``output`` (never over an input)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ..jsonl import InputError, atomic_writer

    try:
        with atomic_writer(output, refuse=inputs) as f:
            f.write(text.encode("utf-8"))
    except InputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{output}: cannot write ({e.strerror or e})")
