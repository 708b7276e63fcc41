"""--jobs and the Dask engine give the same report as one process."""

from __future__ import annotations

import json

import pytest

from quotestance.jsonl import line_chunks
from quotestance.validate import validate_files

from .conftest import CORPUS, FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.jsonl"))


@pytest.fixture(scope="module")
def mixed_file(tmp_path_factory):
    """A multi-chunk file with errors spread over it, including a duplicate id across chunks."""
    arts = [json.loads(x) for f in sorted((CORPUS / "data" / "articles").glob("*.jsonl"))
            for x in f.read_text(encoding="utf-8").splitlines()]
    lines = []
    for i in range(400):
        a = dict(arts[i % len(arts)], id=f"p-{i}")
        lines.append(json.dumps(a, ensure_ascii=False))
    lines[17] = '{"broken"'
    lines[250] = lines[3]  # duplicate id far from its first use
    bad = json.loads(lines[333])
    bad["quotes"][0]["text"] += "!"
    lines[333] = json.dumps(bad, ensure_ascii=False)
    p = tmp_path_factory.mktemp("par") / "mixed.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_line_chunks_cover_the_file_at_line_starts(mixed_file):
    data = mixed_file.read_bytes()
    chunks = line_chunks(mixed_file, 7)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(data) and len(chunks) > 1
    for (a, b), (c, _) in zip(chunks, chunks[1:]):
        assert b == c and data[c - 1:c] == b"\n"


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_report_is_identical(mixed_file, jobs):
    one = validate_files([mixed_file, *INVALID])
    many = validate_files([mixed_file, *INVALID], jobs=jobs)
    assert many.incidents == one.incidents
    assert (many.articles, many.quotes, many.files) == (one.articles, one.quotes, one.files)
    assert {i.rule for i in one.incidents} >= {"json.invalid", "article.duplicate-id", "span.text"}


def test_cli_jobs_output_identical(run_cli, mixed_file):
    a = run_cli("validate", "--format", "json", mixed_file, *INVALID)
    b = run_cli("validate", "--format", "json", "--jobs", "2", mixed_file, *INVALID)
    assert a.exit_code == b.exit_code == 1 and a.stdout == b.stdout


@pytest.mark.slow
def test_dask_local_cluster_report_is_identical(mixed_file):
    pytest.importorskip("dask.distributed")
    from quotestance.distributed import validate_shards

    paths = [mixed_file, *INVALID]
    assert validate_shards(paths, workers=2).incidents == validate_files(paths).incidents
