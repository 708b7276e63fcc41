"""``benchmark``, ``predict``, ``train`` and ``systems``: commands over registered systems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import EXIT_FINDINGS, check_choice, emit, fail, log


def register(app: typer.Typer) -> None:
    app.command("benchmark")(benchmark)
    app.command("predict")(predict)
    app.command("train")(train)
    app.command("systems")(systems)


def _load(path_or_split: Path | str | None, split: str | None):
    from ..corpus import CorpusError, load_corpus

    try:
        if path_or_split is None:
            return load_corpus(split)
        return load_corpus(path=path_or_split)
    except CorpusError as e:
        fail(str(e), EXIT_FINDINGS)
    except OSError as e:
        fail(f"{path_or_split or split}: cannot read ({e.strerror or e})", EXIT_FINDINGS)


def benchmark(
    train_file: Optional[Path] = typer.Option(None, "--train", help="Training articles (JSONL)."),
    test_file: Optional[Path] = typer.Option(None, "--test", help="Test articles (JSONL)."),
    validation_file: Optional[Path] = typer.Option(
        None, "--validation", help="Validation articles for choosing settings (JSONL)."),
    split: str = typer.Option("test", "--split", help="Shipped split to score: test or "
                                                     "validation."),
    system: list[str] = typer.Option([], "--system", "-s", help="Only this system "
                                                                 "(repeatable)."),
    seed: int = typer.Option(12345, "--seed", min=0,
                             help="Random seed (runs are deterministic)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or markdown."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the JSON results to this file."),
    from_json: Optional[Path] = typer.Option(None, "--from-json",
                                             help="Only render a saved --output file."),
) -> None:
    """Train every registered system, choose settings on validation, score on test.

    Prints one leaderboard per task with its evaluation signature; progress goes to stderr.
    """
    from ..benchmark import render, run_benchmark
    from ..corpus import corpus_version
    from ..systems import available_systems

    check_choice("--format", fmt, ("text", "markdown"))
    if from_json is not None:
        try:
            d = json.loads(from_json.read_text(encoding="utf-8"))
            emit(render(d, fmt), None)
        except (OSError, ValueError, KeyError) as e:
            fail(f"{from_json}: not a benchmark result file ({e})", EXIT_FINDINGS)
        return
    check_choice("--split", split, ("test", "validation"))
    if (train_file is None) != (test_file is None):
        fail("give both --train and --test (and optionally --validation), or neither")
    names = available_systems()
    for s in system:
        check_choice("--system", s, tuple(names))
    if train_file is not None:
        inputs = [p for p in (train_file, validation_file, test_file) if p is not None]
        train = _load(train_file, None)
        test = _load(test_file, None)
        val = _load(validation_file, None) if validation_file is not None else None
        sources = {"train": str(train_file), "test": str(test_file),
                   "validation": str(validation_file) if validation_file else None}
        from .evaluate import _file_version, _split_of

        # signed as `evaluate` signs the same gold file, so the numbers compare
        version = _file_version(test_file) if test_file.is_file() else corpus_version(test_file)
        split_name = _split_of({a.split for a in test})
    else:
        inputs = []
        train = _load(None, "train")
        val = _load(None, "validation") if split == "test" else None
        test = _load(None, split)
        sources = {"train": "train", "validation": "validation", "test": split}
        version = corpus_version()
        split_name = split
    if output is not None and any(output.exists() and output.resolve() == p.resolve()
                                  for p in inputs):
        fail(f"{output}: refusing to overwrite an input file; choose another output")
    log(f"benchmark: {len(system) or len(names)} system(s); train {len(train)} articles, "
        f"{'validation ' + str(len(val)) + ' articles, ' if val else 'no validation, '}"
        f"{split_name} {len(test)} articles")
    try:
        res = run_benchmark(train, test, val, systems=system or None, split=split_name,
                            seed=seed, corpus_version=version, sources=sources, progress=log)
    except ValueError as e:
        fail(str(e), EXIT_FINDINGS)
    if output is not None:
        emit(json.dumps(res.to_dict(), ensure_ascii=False, indent=1) + "\n", output,
             tuple(inputs))
        log(f"wrote {output}")
    emit(res.render(fmt), None)


def _build_system(name: str, model: Optional[Path], train_file: Optional[Path]):
    from ..systems import ModelFileError, get_system, load_model

    try:
        if model is not None:
            return load_model(model, expect=name)
        sys_ = get_system(name)
    except ModelFileError as e:
        fail(str(e), EXIT_FINDINGS)
    except ValueError as e:
        fail(str(e))
    if sys_.requires_fit:
        where = str(train_file) if train_file else "the shipped train split"
        log(f"{name}: training on {where} (save a model with `quotestance train` to skip this)")
        try:
            sys_.fit(_load(train_file, "train"))
        except ValueError as e:
            fail(str(e), EXIT_FINDINGS)
    return sys_


def predict(
    input: Path = typer.Argument(..., help="JSONL of articles: `text` required; `id`, "
                                           "`targets` and other article fields optional. "
                                           "Or a folder of .jsonl shards (a sharded archive)."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="JSONL file of predicted articles (a folder for a folder "
                                     "INPUT: one output shard per input shard)."),
    system: str = typer.Option(..., "--system", "-s", help="A registered system "
                                                           "(`quotestance systems`)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m",
                                         help="A model file written by `quotestance train`."),
    train_file: Optional[Path] = typer.Option(
        None, "--train", help="Train on this file first (default: the shipped train split)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Worker processes (same output as one)."),
    engine: str = typer.Option("local", "--engine",
                               help="local, or dask: one task per shard of a folder INPUT."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask scheduler address (default: a local "
                                                 "cluster of --jobs workers)."),
) -> None:
    """Run a system over articles and write predictions in the corpus format.

    Streams line by line (memory stays flat on any input size); the output appears only when
    every line succeeded. --jobs and --engine dask give output identical to one process.
    """
    from ..distributed import EngineError, predict_file_parallel, predict_shards
    from ..jsonl import InputError
    from ..systems import PredictInputError, predict_file

    check_choice("--engine", engine, ("local", "dask"))
    if scheduler is not None and engine != "dask":
        fail("--scheduler needs --engine dask")
    if engine == "dask" and not input.is_dir():
        fail("--engine dask runs over a sharded archive: give a folder of .jsonl shards as "
             "INPUT (and a folder as --output)")
    if input.is_dir() and output.exists() and not output.is_dir():
        fail(f"{output}: INPUT is a folder of shards, so --output must be a folder")
    sys_ = _build_system(system, model, train_file)
    try:
        if input.is_dir():
            n = predict_shards(sys_, [input], output, engine=engine, jobs=jobs,
                               scheduler=scheduler)
        elif jobs > 1:
            n = predict_file_parallel(sys_, input, output, jobs=jobs)
        else:
            n = predict_file(sys_, input, output, progress=log)
    except (InputError, PredictInputError) as e:
        fail(str(e), EXIT_FINDINGS)
    except EngineError as e:
        fail(str(e))
    except ValueError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{output}: cannot write ({e.strerror or e})", EXIT_FINDINGS)
    log(f"wrote {n} article(s) to {output}")


def train(
    system: str = typer.Option(..., "--system", "-s", help="A registered system."),
    output: Path = typer.Option(..., "--output", "-o", help="Model file to write (.npz)."),
    train_file: Optional[Path] = typer.Option(
        None, "--train", help="Training articles (default: the shipped train split)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Setting NAME=VALUE (JSON "
                                                              "value), repeatable."),
) -> None:
    """Fit a system and save it as a model file (plain arrays + JSON; never pickle)."""
    from ..systems import get_system, save_model

    params = {}
    for p in param:
        k, sep, v = p.partition("=")
        if not sep:
            fail(f"--param {p!r}: expected NAME=VALUE")
        try:
            params[k] = json.loads(v)
        except ValueError:
            params[k] = v
    try:
        sys_ = get_system(system)
        bad = [k for k in params if k not in sys_.get_params()]
        if bad:
            fail(f"unknown setting(s) {bad} for {system}; settings: "
                 f"{', '.join(sys_.get_params())}")
        sys_.set_params(**params)
    except ValueError as e:
        fail(str(e))
    articles = _load(train_file, "train")
    log(f"{system}: training on {len(articles)} article(s)")
    try:
        sys_.fit(articles)
        save_model(sys_, output)
    except ValueError as e:
        fail(str(e), EXIT_FINDINGS)
    log(f"wrote {output}")


def systems() -> None:
    """List the registered systems (entry-point group `quotestance.systems`)."""
    from ..systems import available_systems, setting_of, system_class

    for name in available_systems():
        try:
            cls = system_class(name)
            doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
            print(f"{name}\t{setting_of(cls)}\t{doc}")
        except Exception as e:  # a broken third-party entry point must not hide the others
            print(f"{name}\t?\tcannot load: {e}")
