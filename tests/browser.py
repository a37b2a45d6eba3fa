"""Shared plumbing for the browser tests: Debian's chromium driven by Playwright (no browser
download), zh-CN locale, the two widths people use, axe-core from npm (`make test` installs it)
and screenshots kept under var/screenshots/ for a person to look at."""

import functools
import os
import shutil
from pathlib import Path

from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=zh-CN",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing at {AXE}: run `make js-deps` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def serious_axe_violations(page) -> list[tuple[str, str, list[str]]]:
    """axe-core's serious and critical findings on the page as shown: (rule, impact, first targets).
    Evaluated through the DevTools protocol, so the page's CSP stays as strict as in production."""
    page.evaluate(_axe_source())
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""
    )
    return [tuple(v) for v in found]


def save_screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#main button[type=submit]")
    page.wait_for_load_state()
