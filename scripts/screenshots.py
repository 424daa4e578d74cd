"""Screenshots of the demo for docs/screenshots/ and the README: home, a list, the board, a requirement
and an objective, at 1,440 px and 390 px, in Chinese (the demo's language) and the light theme.

    .venv/bin/python scripts/screenshots.py

It builds the demo in a throwaway SQLite database, serves it on a free local port and drives Debian's
Chromium (CADENCE_CHROMIUM) through it; nothing of var/ is touched."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = {
    "home": "/w/demo/",
    "items": "/w/demo/projects/APP/items/",
    "board": "/w/demo/projects/APP/board/",
    "requirement": "/w/demo/requirements/1/",
    "objective": "/w/demo/goals/objectives/1/",
}
WIDTHS = {"wide": (1440, 900), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer at {url}")


def main() -> None:
    cadence = str(ROOT / ".venv" / "bin" / "cadence")
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3", "SITE_URL": f"http://127.0.0.1:{port}"}
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["demo"]):
            subprocess.run([cadence, *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603
            [cadence, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"], env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/login/")
            shoot(base)
        finally:
            server.terminate()
            server.wait()


def shoot(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"]
        )
        for width, (w, h) in WIDTHS.items():
            context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": w, "height": h})
            page = context.new_page()
            page.goto("/login/")
            page.fill("input[name=email]", "demo@cadence.local")
            page.fill("input[name=password]", "cadence-demo")
            with page.expect_navigation():
                page.click("main button[type=submit]")
            for name, path in PAGES.items():
                page.goto(path)
                page.screenshot(path=str(OUT / f"{name}-{width}.png"))
                print(f"docs/screenshots/{name}-{width}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
