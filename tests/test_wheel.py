"""Wheel smoke test: a built wheel, installed in a clean venv, finds the corpus and schema.

An editable install can hide missing package data; this builds the wheel, installs it with only
the light dependencies the validator needs, and runs the CLI on the packaged corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp),
         str(ROOT)])
    (whl,) = tmp.glob("quotestance-*.whl")
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(whl)])
    run([str(py), "-m", "pip", "install", "-q", "typer", "orjson", "PyYAML", "jsonlines"])
    return env_dir


def test_installed_wheel_validates_its_packaged_corpus(wheel_env, tmp_path):
    py = wheel_env / "bin" / "python"
    where = run([str(py), "-c", "import quotestance.paths as p; print(p.data_root())"],
                cwd=tmp_path).stdout.strip()
    assert "site-packages" in where and Path(where, "corpus", "MANIFEST.sha256").is_file()
    cli = wheel_env / "bin" / "quotestance"
    env = {**os.environ, "PYTHONPATH": ""}
    r = subprocess.run([str(cli), "validate", str(Path(where) / "corpus")], cwd=tmp_path,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    s = run([str(cli), "stats", "--format", "json"], cwd=tmp_path, env=env).stdout
    assert json.loads(s)["all"]["articles"] >= 1
