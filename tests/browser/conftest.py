"""Real-browser tests: Playwright for Python driving Debian's Chromium (no browser download).

Chromium comes from `apt-get install chromium` (CI installs it); without it these tests
skip locally and fail under REQUIRE_SERVICES=1. Screenshots go to test-artifacts/browser/.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # optional locally: the browser tests then skip (fail under REQUIRE_SERVICES=1)
    sync_playwright = None

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        require_service("Chromium is not installed (apt-get install chromium)")
    if sync_playwright is None:
        require_service("playwright is not installed")
    # Playwright runs an event loop in this thread; the ORM calls the tests make are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A browser page that records console errors and failed requests, and screenshots."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "response",
            lambda r: r.status >= 500 and self.errors.append(f"{r.status} {r.url}"),
        )

    def shot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_errors(self):
        assert self.errors == [], f"browser errors: {self.errors}"


def _page(browser, request, options):
    context = browser.new_context(**options)
    page = Page(context.new_page(), request.node.name)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, request):
    yield from _page(browser, request, PHONE)


@pytest.fixture
def desktop_page(browser, request):
    yield from _page(browser, request, DESKTOP)
