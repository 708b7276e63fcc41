"""Parallel prediction, and running over a sharded JSONL archive on Dask (the ``dask`` extra).

Two ways to spread work, both with output identical to the one-process run:

- ``predict_file_parallel``: one file, cut into line-aligned chunks predicted by a pool of
  worker processes (``--jobs N``); the parts are joined in input order.
- ``predict_shards`` and ``validate_shards``: a sharded archive (a folder of ``.jsonl``
  files), one task per shard, on a local process pool or on Dask. ``predict`` writes one
  output shard per input shard, under the same relative name.

A worker rebuilds the system from a *spec*: its registered name and settings and, for a fitted
system, the bytes of its model file (plain arrays + JSON, ``systems.save_model``; never
pickle), so nothing but our own data crosses process or machine boundaries.

On a real cluster, start a scheduler and workers that have ``quotestance`` installed and pass
its address (``--scheduler tcp://host:8786``); every worker must see the shard paths (a shared
file system or object store mounted at the same path). See docs/performance.md.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

Mapper = Callable[[Callable, Sequence], list]
SystemSpec = tuple[str, dict[str, Any], bytes | None]


class EngineError(Exception):
    pass


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A Dask client: to ``scheduler`` when given, else a local cluster of ``workers``
    processes (one thread each)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("the Dask engine needs the optional extra: "
                          "pip install 'quotestance[dask]'") from None
    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        yield client


def dask_mapper(client: Any) -> Mapper:
    def mapper(func: Callable, tasks: Sequence) -> list:
        return client.gather(client.map(func, list(tasks), pure=False))
    return mapper


def usable_jobs(jobs: int) -> int:
    """``jobs`` capped at the cores there are (``--jobs 1000`` must not fork a thousand)."""
    return max(1, min(jobs, os.cpu_count() or 1))


@contextmanager
def mapper_for(engine: str = "local", jobs: int = 1, scheduler: str | None = None
               ) -> Iterator[Mapper]:
    """``mapper(func, tasks)`` -> results in task order: in this process (``jobs`` 1), a pool
    of ``jobs`` processes, or Dask (a local cluster of ``max(jobs, 2)`` workers, or
    ``scheduler``)."""
    if engine == "dask":
        with dask_client(scheduler, max(jobs, 2)) as client:
            yield dask_mapper(client)
    elif engine != "local":
        raise ValueError(f"The 'engine' parameter must be one of {{'local', 'dask'}}. "
                         f"Got {engine!r} instead.")
    elif usable_jobs(jobs) <= 1:
        yield lambda func, tasks: [func(t) for t in tasks]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(usable_jobs(jobs)) as ex:
            yield lambda func, tasks: list(ex.map(func, tasks))


def validate_shards(paths: Sequence[str | os.PathLike[str]], registry: frozenset[str] | None = None,
                    scheduler: str | None = None, workers: int = 2) -> Any:
    """Validate shards on Dask; the report equals ``validate_files(paths)``."""
    from .validate import _validate_parallel

    with dask_client(scheduler, workers) as client:
        return _validate_parallel(list(paths), registry, jobs=1, mapper=dask_mapper(client),
                                  chunks_per_job=1)


# -- systems in workers -------------------------------------------------------------------------

def system_spec(system: Any) -> SystemSpec:
    """What a worker needs to rebuild ``system`` exactly: name, settings, model-file bytes."""
    from .systems import save_model

    if not system.requires_fit:
        return system.name, system.get_params(), None
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.npz")
        save_model(system, path)
        with open(path, "rb") as f:
            return system.name, {}, f.read()


_BUILT: dict[str, Any] = {}


def build_system(spec: SystemSpec) -> Any:
    """The system of a spec (built once per process)."""
    import json

    from .systems import get_system, load_model

    name, params, blob = spec
    key = hashlib.sha256(blob or json.dumps([name, params], sort_keys=True).encode()).hexdigest()
    if key not in _BUILT:
        if blob is None:
            _BUILT[key] = get_system(name, **params)
        else:
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "model.npz")
                with open(path, "wb") as f:
                    f.write(blob)
                _BUILT[key] = load_model(path, expect=name)
    return _BUILT[key]


def _predict_task(task: tuple) -> tuple[int, str | None]:
    """Predict lines of ``src`` (a byte ``chunk``, or all) into the file ``dst``. Returns the
    article count and the first problem (``path:line: what``, absolute line) or None."""
    from .systems import PredictInputError, predict_stream

    spec, src, chunk, first_line, dst = task
    system = build_system(spec)
    with open(dst, "wb") as f:
        try:
            return predict_stream(system, src, f, chunk=chunk, first_line=first_line), None
        except PredictInputError as e:
            return 0, str(e)


# -- one file, many processes ------------------------------------------------------------------

def _first_lines(path: str | os.PathLike[str], chunks: list[tuple[int, int]]) -> list[int]:
    """1-based number of the first line of each chunk."""
    out, line, pos = [], 1, 0
    with open(path, "rb") as f:
        for start, _ in chunks:
            while pos < start:
                block = f.read(min(1 << 22, start - pos))
                line += block.count(b"\n")
                pos += len(block)
            out.append(line)
    return out


def predict_file_parallel(system: Any, input: str | os.PathLike[str],
                          output: str | os.PathLike[str], jobs: int = 2,
                          chunks_per_job: int = 4, mapper: Mapper | None = None) -> int:
    """``predict_file`` with ``jobs`` worker processes over line-aligned chunks of the input;
    the output (and any error) is identical to ``predict_file``'s."""
    from .jsonl import atomic_writer, line_chunks, open_input
    from .systems import PredictInputError, predict_file

    if mapper is None:
        jobs = usable_jobs(jobs)
    if str(input) == "-" or jobs <= 1 and mapper is None:
        return predict_file(system, input, output)
    open_input(input).close()  # a clear InputError for missing files and folders
    if os.path.getsize(input) == 0:
        return predict_file(system, input, output)
    chunks = line_chunks(input, jobs * chunks_per_job)
    firsts = _first_lines(input, chunks)
    spec = system_spec(system)
    with atomic_writer(output, refuse=[input]) as out, \
            tempfile.TemporaryDirectory(dir=Path(output).parent, prefix=".parts-") as d, \
            ExitStack() as stack:
        parts = [os.path.join(d, f"{i:05d}") for i in range(len(chunks))]
        tasks = [(spec, str(input), c, fl, p) for c, fl, p in zip(chunks, firsts, parts)]
        run = mapper or stack.enter_context(mapper_for("local", jobs))
        results = run(_predict_task, tasks)
        for _, err in results:
            if err is not None:
                raise PredictInputError(err)
        for p in parts:
            with open(p, "rb") as f:
                while block := f.read(1 << 22):
                    out.write(block)
    return sum(n for n, _ in results)


# -- a sharded archive ---------------------------------------------------------------------------

def shard_pairs(inputs: Sequence[str | os.PathLike[str]], output_dir: str | os.PathLike[str]
                ) -> list[tuple[Path, Path]]:
    """(input shard, output shard) pairs: the ``.jsonl`` files of each input folder (by path
    relative to it) or the input files (by name), mirrored under ``output_dir``. Raises
    ``InputError`` when an output would overwrite an input or lie inside an input folder,
    ``ValueError`` when two inputs would share an output."""
    pairs: list[tuple[Path, Path]] = []
    out = Path(output_dir)
    for i in map(Path, inputs):
        if i.is_dir():
            pairs += [(f, out / f.relative_to(i)) for f in sorted(i.rglob("*.jsonl"))]
        else:
            pairs.append((i, out / i.name))
    for i in map(Path, inputs):
        if i.is_dir() and out.resolve().is_relative_to(i.resolve()):
            from .jsonl import InputError

            raise InputError(f"{out}: refusing to write inside the input folder {i} (its "
                             "shards would be read as input next time); choose another folder")
    seen: dict[Path, Path] = {}
    for src, dst in pairs:
        if dst in seen:
            raise ValueError(f"{src} and {seen[dst]} would both be written to {dst}")
        seen[dst] = src
        if src.resolve() == dst.resolve():
            from .jsonl import InputError

            raise InputError(f"{dst}: refusing to overwrite an input file; choose another "
                             "output folder")
    return pairs


def predict_shards(system: Any, inputs: Sequence[str | os.PathLike[str]],
                   output_dir: str | os.PathLike[str], *, engine: str = "local", jobs: int = 1,
                   scheduler: str | None = None) -> int:
    """Predict every shard of a sharded archive into ``output_dir`` (one output shard per
    input shard), one task per shard: in this process, on ``jobs`` processes, or on Dask.

    The shards appear only when every one succeeded (each is written to a temporary name,
    then all are renamed); the first problem in shard order raises ``PredictInputError``,
    exactly as a one-process run over the shards in order would."""
    from .jsonl import open_input
    from .systems import PredictInputError

    pairs = shard_pairs(inputs, output_dir)
    if not pairs:
        raise ValueError(f"no .jsonl shards in {', '.join(map(str, inputs))}")
    for src, _ in pairs:
        open_input(src).close()
    spec = system_spec(system)
    temps = []
    for _, dst in pairs:
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
        os.close(fd)
        temps.append(tmp)
    try:
        tasks = [(spec, str(src), None, 1, tmp) for (src, _), tmp in zip(pairs, temps)]
        with mapper_for(engine, jobs, scheduler) as run:
            results = run(_predict_task, tasks)
        for _, err in results:
            if err is not None:
                raise PredictInputError(err)
        for (_, dst), tmp in zip(pairs, temps):
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, dst)
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return sum(n for n, _ in results)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["EngineError", "dask_client", "dask_mapper", "usable_jobs", "mapper_for",
           "validate_shards",
           "system_spec", "build_system", "predict_file_parallel", "shard_pairs",
           "predict_shards"]
