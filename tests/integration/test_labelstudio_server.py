"""Round trip through a real Label Studio server on loopback.

Start ``label-studio`` (installed in ``.venv-ls``, see docs/annotation-tools.md) with a fresh
data folder and a known API token, create a project with ``schema/labelstudio.xml``, import
tasks with pre-annotations, let an "annotator" accept each pre-annotation (an annotation whose
result is the prediction's, created through the REST API), export the full JSON export and
import it back with ``quotestance import labelstudio``: the records must equal the input.

Run it with::

    .venv/bin/pytest tests/integration/test_labelstudio_server.py -m slow -p no:cacheprovider

Set ``QS_RECORD_LS_FIXTURE=1`` to also refresh tests/fixtures/interchange/labelstudio_export.json
(the recorded export the fast tests replay in every CI run).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LS_BIN = Path(os.environ.get("QS_LABEL_STUDIO", ROOT / ".venv-ls" / "bin" / "label-studio"))
FIXTURES = ROOT / "tests" / "fixtures" / "interchange"
ARTIFACTS = ROOT / "test-artifacts" / "labelstudio"
TOKEN = "qs-test-token-0123456789"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LS_BIN.exists(), reason=f"Label Studio is not installed at {LS_BIN} "
                       "(python3 -m venv .venv-ls && .venv-ls/bin/pip install label-studio)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ,
               "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
               "LABEL_STUDIO_USERNAME": "annotator@example.org",
               "LABEL_STUDIO_PASSWORD": "quotestance-test",
               "LABEL_STUDIO_USER_TOKEN": TOKEN,
               "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
               # nothing leaves the machine: no error reporting, analytics or version check
               "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "COLLECT_ANALYTICS": "false",
               "LATEST_VERSION_CHECK": "false"}
        self.log = open(data_dir / "server.log", "wb")
        self.proc = subprocess.Popen(
            [str(LS_BIN), "start", "--no-browser", "--internal-host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(data_dir)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)

    def wait(self, timeout: float = 300) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        raise TimeoutError("label-studio did not answer /health in time")

    def api(self, method: str, path: str, body=None, raw: bool = False):
        req = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                data = r.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.code} {e.read()[:1000]!r}") from None
        return data if raw else json.loads(data or b"null")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("label-studio"))
    try:
        srv.wait()
        yield srv
    finally:
        srv.stop()


def _articles() -> list[dict]:
    return [json.loads(line) for f in ("articles.jsonl", "seed.jsonl")
            for line in (FIXTURES / f).read_text(encoding="utf-8").splitlines()]


def test_round_trip_through_label_studio(server, tmp_path, run_cli):
    from quotestance.interchange.labelstudio import labeling_config

    gold = _articles()
    src = tmp_path / "gold.jsonl"
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in gold), "utf-8")
    tasks_file = tmp_path / "tasks.json"
    r = run_cli("export", "labelstudio", src, "--predictions", src, "-o", tasks_file)
    assert r.exit_code == 0, r.output

    project = server.api("POST", "/api/projects",
                         {"title": "QuoteStance round trip", "label_config": labeling_config()})
    imported = server.api("POST", f"/api/projects/{project['id']}/import",
                          json.loads(tasks_file.read_text("utf-8")))
    assert imported["task_count"] == len(gold)
    assert imported["prediction_count"] == len(gold)

    listing = server.api("GET", f"/api/tasks?project={project['id']}&page_size=100")
    tasks = listing["tasks"] if isinstance(listing, dict) else listing
    assert len(tasks) == len(gold)
    for t in tasks:
        full = server.api("GET", f"/api/tasks/{t['id']}")
        pred = full["predictions"][0]
        server.api("POST", f"/api/tasks/{t['id']}/annotations",
                   {"result": pred["result"], "was_cancelled": False, "ground_truth": False,
                    "parent_prediction": pred["id"]})

    export = server.api("GET", f"/api/projects/{project['id']}/export?exportType=JSON"
                               "&download_all_tasks=true", raw=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "export.json").write_bytes(export)
    if os.environ.get("QS_RECORD_LS_FIXTURE"):
        (FIXTURES / "labelstudio_export.json").write_text(
            json.dumps(json.loads(export), ensure_ascii=False, indent=1) + "\n", "utf-8")
    export_file = tmp_path / "export.json"
    export_file.write_bytes(export)
    out = tmp_path / "back.jsonl"
    r = run_cli("import", "labelstudio", export_file, "-o", out)
    assert r.exit_code == 0, r.output
    back = {a["id"]: a for a in map(json.loads, out.read_text("utf-8").splitlines())}
    assert back == {a["id"]: a for a in gold}
