"""A tiny headless-Chromium driver over the DevTools protocol on a pipe (no extra packages).

Chromium started with ``--remote-debugging-pipe`` reads NUL-terminated JSON commands on file
descriptor 3 and writes replies and events on descriptor 4. ``Browser.open(path)`` loads a
page and records every script exception, console error, CSP violation and JavaScript dialog
(``alert``) it causes; ``evaluate`` runs an expression in the page; ``screenshot`` saves a PNG.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    env = os.environ.get("QS_CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in CANDIDATES:
        p = shutil.which(name)
        if p:
            return p
    return None


@dataclass
class PageLog:
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return ([f"exception: {x}" for x in self.exceptions]
                + [f"console: {x}" for x in self.console_errors]
                + [f"dialog: {x}" for x in self.dialogs])


class Browser:
    def __init__(self, binary: str, width: int = 1280, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="qs-chromium-")
        r_in, self._w = os.pipe()   # we write commands -> chromium reads fd 3
        self._r, w_out = os.pipe()  # chromium writes fd 4 -> we read
        args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--mute-audio", "--hide-scrollbars", f"--window-size={width},{height}",
                f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]

        def fds() -> None:
            os.dup2(r_in, 3)
            os.dup2(w_out, 4)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_in)
        os.close(w_out)
        self._buf = b""
        self._id = 0
        self._events: list[dict[str, Any]] = []
        self.width, self.height = width, height
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=True)

    # -- protocol
    def _send(self, msg: dict[str, Any]) -> None:
        os.write(self._w, json.dumps(msg).encode() + b"\0")

    def _recv(self, timeout: float) -> dict[str, Any]:
        import select

        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, params: dict[str, Any] | None = None, session: bool = False,
             timeout: float = 30) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self._send(msg)
        while True:
            m = self._recv(timeout)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self._events.append(m)
            self._on_event(m)

    def _on_event(self, m: dict[str, Any]) -> None:
        if m.get("method") == "Page.javascriptDialogOpening":
            # answer at once, or the page stays blocked
            self._id += 1
            self._send({"id": self._id, "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False}, "sessionId": self.session})

    def _drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            try:
                m = self._recv(left)
            except TimeoutError:
                return
            self._events.append(m)
            self._on_event(m)

    # -- pages
    def open(self, path: Path | str, settle: float = 0.5) -> PageLog:
        self._events.clear()
        url = path if isinstance(path, str) else path.resolve().as_uri()
        self.call("Page.navigate", {"url": url}, session=True)
        end = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            if time.monotonic() > end:
                raise TimeoutError(f"{url}: no load event")
            m = self._recv(end - time.monotonic())
            self._events.append(m)
            self._on_event(m)
        self._drain(settle)
        return self._log()

    def _log(self) -> PageLog:
        log = PageLog()
        for e in self._events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                log.exceptions.append(d.get("exception", {}).get("description") or d.get("text"))
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                log.console_errors.append(" ".join(str(a.get("value", a.get("description")))
                                                   for a in p.get("args", [])))
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                log.console_errors.append(p["entry"].get("text", ""))
            elif method == "Page.javascriptDialogOpening":
                log.dialogs.append(f"{p.get('type')}: {p.get('message')}")
            elif method == "Network.requestWillBeSent":
                log.requests.append(p.get("request", {}).get("url", ""))
        return log

    def evaluate(self, expression: str) -> Any:
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                      session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate failed: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    def visible(self, selector: str) -> bool:
        """True when an element matching ``selector`` is displayed with a non-empty box."""
        return bool(self.evaluate(
            "(() => { const e = document.querySelector(" + json.dumps(selector) + ");"
            " if (!e) return false; const r = e.getBoundingClientRect();"
            " const s = getComputedStyle(e);"
            " return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' &&"
            " s.display !== 'none'; })()"))

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            h = int(self.evaluate("document.documentElement.scrollHeight") or self.height)
            params["clip"] = {"x": 0, "y": 0, "width": self.width,
                              "height": min(h, 8000), "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", params, session=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)
