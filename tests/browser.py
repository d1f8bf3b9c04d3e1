"""Headless Chromium driven over the DevTools protocol, for the report tests.

Debian's ``chromium`` is started with ``--remote-debugging-pipe``: it reads protocol commands
on file descriptor 3 and writes replies and events on 4, each a JSON message ended by a NUL
byte. That needs nothing beyond the standard library (no websocket client, no Playwright, no
browser download). ``open_page`` loads a file, waits for its load event and returns what a
test asks about the page: console messages and errors, every request's URL, the images'
``naturalWidth``, and a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    console: list[dict] = field(default_factory=list)  # Runtime.consoleAPICalled
    exceptions: list[dict] = field(default_factory=list)  # Runtime.exceptionThrown
    log: list[dict] = field(default_factory=list)  # Log.entryAdded (CSP, failed loads)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    failed: list[dict] = field(default_factory=list)  # Network.loadingFailed
    images: list[dict] = field(default_factory=list)  # {alt, complete, naturalWidth}
    evaluated: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, error log entries, failed loads."""
        out = [
            " ".join(str(a.get("value", a.get("description", ""))) for a in c.get("args", []))
            for c in self.console
            if c.get("type") in ("error", "warning", "assert")
        ]
        out += [e.get("exceptionDetails", {}).get("text", "exception") for e in self.exceptions]
        out += [
            e["entry"].get("text", "")
            for e in self.log
            if e.get("entry", {}).get("level") in ("error", "warning")
        ]
        out += [f"failed to load: {f.get('errorText')}" for f in self.failed]
        return out


class DevTools:
    """One browser process and its protocol pipe."""

    def __init__(self, user_data_dir: Path, timeout: float = 60):
        binary = chromium_path()
        if binary is None:
            raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
        commands_read, self._commands = os.pipe()  # we write, the browser reads (fd 3)
        self._replies, replies_write = os.pipe()  # the browser writes (fd 4), we read

        def child_fds():  # runs in the child before exec: the pipe ends at fds 3 and 4
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
        )
        os.close(commands_read)
        os.close(replies_write)
        self.timeout = timeout
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, RuntimeError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.process.stderr:
            self.process.stderr.close()

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from chromium in time")
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed its protocol pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (events arriving meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event


IMAGES_JS = """JSON.stringify(Array.from(document.images).map(i => ({
    alt: i.alt, complete: i.complete, naturalWidth: i.naturalWidth,
    scheme: i.src.split(':')[0]})))"""


def open_page(
    page: Path,
    user_data_dir: Path,
    screenshot: Path | None = None,
    before_screenshot: str | None = None,
    element_shots: dict[str, Path] | None = None,
    evaluate: dict[str, str] | None = None,
    width: int = 1280,
    height: int = 1600,
) -> PageVisit:
    """Load ``page`` from disk in a fresh headless Chromium and report on it; ``evaluate``
    maps names to expressions whose JSON-able values land in ``PageVisit.evaluated``;
    ``screenshot`` gets the page from the top (at most 16000 px tall), ``element_shots`` maps
    CSS selectors to files for screenshots of single elements."""
    browser = DevTools(user_data_dir)
    visit = PageVisit()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", session)

        def value(expression: str):
            result = browser.send(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True, "awaitPromise": True},
                session=session,
            )
            return result.get("result", {}).get("value")

        visit.images = json.loads(value(IMAGES_JS))
        for name, expression in (evaluate or {}).items():
            visit.evaluated[name] = value(expression)
        if screenshot is not None:
            if before_screenshot:
                value(before_screenshot)
            size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000)}
            shot = browser.send(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True, "clip": clip | {"scale": 1}},
                session=session,
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        for selector, path in (element_shots or {}).items():
            box = json.loads(
                value(
                    f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                    ".getBoundingClientRect(); return JSON.stringify({x: r.left + scrollX, "
                    "y: r.top + scrollY, width: r.width, height: Math.min(r.height, 16000)}); })()"
                )
            )
            shot = browser.send(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True, "clip": box | {"scale": 1}},
                session=session,
            )
            path.write_bytes(base64.b64decode(shot["data"]))
    finally:
        browser.close()
    for event in browser.events:
        method = event.get("method", "")
        params = event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            visit.console.append(params)
        elif method == "Runtime.exceptionThrown":
            visit.exceptions.append(params)
        elif method == "Log.entryAdded":
            visit.log.append(params)
        elif method == "Network.requestWillBeSent":
            visit.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            visit.failed.append(params)
    return visit
