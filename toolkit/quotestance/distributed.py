"""Running over a sharded JSONL archive on Dask (the optional ``dask`` extra).

The same functions that the local ``--jobs`` path uses run as Dask tasks, one per shard
(file), so the output is identical to the single-process run. On a real cluster, start a
scheduler and workers that have ``quotestance`` installed and pass its address
(``--scheduler tcp://host:8786``); every worker must see the shard paths (a shared file system
or object store mounted at the same path).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


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
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        yield client


def dask_mapper(client: Any) -> Callable[[Callable, Sequence], list]:
    def mapper(func: Callable, tasks: Sequence) -> list:
        return client.gather(client.map(func, list(tasks), pure=False))
    return mapper


def validate_shards(paths: Sequence[str | os.PathLike[str]], registry: frozenset[str] | None = None,
                    scheduler: str | None = None, workers: int = 2) -> Any:
    """Validate shards on Dask; the report equals ``validate_files(paths)``."""
    from .validate import _validate_parallel

    with dask_client(scheduler, workers) as client:
        return _validate_parallel(list(paths), registry, jobs=1, mapper=dask_mapper(client),
                                  chunks_per_job=1)
