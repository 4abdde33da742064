"""Open an HTML file in headless Chromium and report console errors and images not loaded.

Drives Chromium through the DevTools protocol over a websocket (tornado, already installed as
a Jupyter dependency), so no extra package is needed. Used by the report tests; skipped when
Chromium is absent (CI machines are fresh: `apt-get install chromium` to run the check).

Run by hand:  python tests/report/browser.py results/releases/<release>/report/*.html
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

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


async def _check(ws_url: str, pages: list[Path], timeout: float) -> dict[str, dict]:
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
        for domain in ("Page", "Runtime", "Log"):
            await call(f"{domain}.enable", session=session)
        events.clear()
        await call("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        await wait_event("Page.loadEventFired", session)
        await asyncio.sleep(0.5)  # let late console messages arrive
        evaluated = await call(
            "Runtime.evaluate", {"expression": IMAGES_JS, "returnByValue": True}, session=session
        )
        images = json.loads(evaluated["result"]["value"])
        # Drain what is queued, then collect errors of this page.
        errors = []
        for event in events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                errors.append(
                    params["entry"].get("text", "") + " " + params["entry"].get("url", "")
                )
        results[str(page)] = {
            "errors": errors,
            "images": len(images),
            "broken_images": [i["src"] for i in images if not (i["complete"] and i["width"] > 0)],
        }
        await call("Target.closeTarget", {"targetId": target["targetId"]})
    conn.close()
    return results


def check_pages(pages: list[Path], timeout: float = 60.0) -> dict[str, dict]:
    """Load each page in one headless Chromium; per page: errors, images, broken_images."""
    binary = chromium_path()
    if binary is None:
        raise FileNotFoundError("chromium not found")
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
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
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chromium did not start its DevTools endpoint")
                time.sleep(0.1)
            port, path = port_file.read_text().splitlines()[:2]
            return asyncio.run(_check(f"ws://127.0.0.1:{port}{path}", pages, timeout))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    outcome = check_pages([Path(p) for p in sys.argv[1:]])
    print(json.dumps(outcome, indent=2))
    sys.exit(1 if any(r["errors"] or r["broken_images"] for r in outcome.values()) else 0)
