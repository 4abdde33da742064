"""Open HTML files in headless Chromium: console errors, broken images, external requests,
horizontal overflow; optionally a full-page screenshot of each.

Drives Chromium through the DevTools protocol over a websocket (tornado, already installed as
a Jupyter dependency), so no extra package is needed. Used by the report tests; `.ci/run`
installs Debian's `chromium` when it is missing, so the check runs in CI.

Run by hand:  python tests/report/browser.py [--screenshots DIR] results/releases/<r>/report/*.html
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
#: The viewport every page is checked at (a laptop screen).
VIEWPORT = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}

#: Elements wider than the viewport (a table that should scroll inside its box, an image...).
OVERFLOW_JS = """
JSON.stringify({
  page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  height: document.documentElement.scrollHeight,
  wide: Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 && r.width > 0;
  }).slice(0, 5).map(e => e.tagName + '.' + e.className)
})
"""

IMAGES_JS = """
JSON.stringify(Array.from(document.images).map(i => ({
  src: i.src.slice(0, 60), complete: i.complete, width: i.naturalWidth
})))
"""


def chromium_path() -> str | None:
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def _external(url: str) -> bool:
    return not url.startswith(("file:", "data:", "about:", "chrome", "devtools:"))


async def _check(
    ws_url: str, pages: list[Path], timeout: float, screenshots: Path | None
) -> dict[str, dict]:
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(ws_url, max_message_size=256 * 1024 * 1024)
    next_id = 0
    events: list[dict] = []

    async def call(method: str, params: dict | None = None, session: str | None = None):
        nonlocal next_id
        next_id += 1
        message = {"id": next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        conn.write_message(json.dumps(message))
        while True:
            raw = await asyncio.wait_for(conn.read_message(), timeout)
            if raw is None:
                raise RuntimeError("DevTools connection closed")
            reply = json.loads(raw)
            if reply.get("id") == next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            events.append(reply)

    async def wait_event(name: str, session: str):
        deadline = time.monotonic() + timeout
        while True:
            for event in events:
                if event.get("method") == name and event.get("sessionId") == session:
                    events.remove(event)
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(name)
            raw = await asyncio.wait_for(conn.read_message(), remaining)
            if raw is None:
                raise RuntimeError("DevTools connection closed")
            events.append(json.loads(raw))

    results = {}
    for page in pages:
        target = await call("Target.createTarget", {"url": "about:blank"})
        session = (
            await call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            await call(f"{domain}.enable", session=session)
        await call("Emulation.setDeviceMetricsOverride", VIEWPORT, session=session)
        events.clear()
        await call("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        await wait_event("Page.loadEventFired", session)
        await asyncio.sleep(0.5)  # let late console messages arrive
        evaluated = await call(
            "Runtime.evaluate", {"expression": IMAGES_JS, "returnByValue": True}, session=session
        )
        images = json.loads(evaluated["result"]["value"])
        layout = await call(
            "Runtime.evaluate", {"expression": OVERFLOW_JS, "returnByValue": True}, session=session
        )
        layout = json.loads(layout["result"]["value"])
        if screenshots is not None:
            import base64

            shot = await call(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True},
                session=session,
            )
            screenshots.mkdir(parents=True, exist_ok=True)
            (screenshots / f"{page.stem}.png").write_bytes(base64.b64decode(shot["data"]))
        # Drain what is queued, then collect errors of this page.
        errors = []
        external = []
        for event in events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
            elif method == "Network.requestWillBeSent" and _external(params["request"]["url"]):
                external.append(params["request"]["url"][:120])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                errors.append(
                    params["entry"].get("text", "") + " " + params["entry"].get("url", "")
                )
        results[str(page)] = {
            "errors": errors,
            "images": len(images),
            "broken_images": [i["src"] for i in images if not (i["complete"] and i["width"] > 0)],
            "external_requests": external,
            "overflow": layout["wide"] if layout["page"] > layout["viewport"] else [],
            "height": layout["height"],
        }
        await call("Target.closeTarget", {"targetId": target["targetId"]})
    conn.close()
    return results


def check_pages(
    pages: list[Path], timeout: float = 60.0, screenshots: Path | None = None
) -> dict[str, dict]:
    """Load each page in one headless Chromium at :data:`VIEWPORT`.

    Per page: ``errors`` (console errors, exceptions), ``images``, ``broken_images``,
    ``external_requests`` (anything not file:/data:), ``overflow`` (elements sticking out of
    the viewport when the page scrolls sideways), ``height`` (px). ``screenshots``: a folder
    for a full-page PNG of each page.
    """
    binary = chromium_path()
    if binary is None:
        raise FileNotFoundError("chromium not found")
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    try:
        process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helpers in one process group, stopped together
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chromium did not start its DevTools endpoint")
                time.sleep(0.1)
            port, path = port_file.read_text().splitlines()[:2]
            return asyncio.run(_check(f"ws://127.0.0.1:{port}{path}", pages, timeout, screenshots))
        finally:
            _stop(process)
    finally:
        _remove_profile(profile)


def _stop(process: subprocess.Popen) -> None:
    """Stop Chromium, then any helper process it started (renderers, crash handler) that
    outlived it: they are in its process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _remove_profile(profile: str, attempts: int = 50) -> None:
    """Remove the profile folder; a helper still exiting may write to it for a moment (seen as
    "Directory not empty" on a busy machine), so try again for a few seconds."""
    for _ in range(attempts):
        try:
            shutil.rmtree(profile)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    shutil.rmtree(profile, ignore_errors=True)


def problems(result: dict) -> list:
    return (
        result["errors"]
        + result["broken_images"]
        + result["external_requests"]
        + result["overflow"]
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    folder = None
    if args[:1] == ["--screenshots"]:
        folder, args = Path(args[1]), args[2:]
    outcome = check_pages([Path(p) for p in args], screenshots=folder)
    print(json.dumps(outcome, indent=2))
    sys.exit(1 if any(problems(r) for r in outcome.values()) else 0)
