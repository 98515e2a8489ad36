"""Every page a role is offered, in a real browser, on a phone and on a desktop.

The demo data is seeded once for the module (``seed_demo``, ``compute_metrics``,
``create_demo_users``) and served by one live server. For every demo account (and the
anonymous resident) the test logs in, collects the links of the header menu and of the
landing page (same origin, GET; no logout, exports or downloads) and opens each one at
390×844 and at 1366×900. A page fails on:

- a console error, an uncaught exception or a Content-Security-Policy violation;
- a 4xx/5xx answer to a link the menu offered (or to anything the page loads);
- on the phone: horizontal overflow of the document, a table wider than the screen (tables
  show as cards), a menu taller than two lines (it folds behind a button), or a control
  (button, field, menu entry) less than 44 px tall;
- a literal "None" or "null" in the page text;
- a pre-filled date/time input that the browser dropped (``value`` attribute set,
  ``.value`` empty: the pre-fill was in a format the input type does not accept).

Every problem of a role is collected and reported at once. A phone screenshot of each
role's landing page is kept under test-artifacts/browser/.
"""

import io
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

# The data is seeded (committed) once by the module fixture; each test's own writes (the
# logins' sessions) roll back with the test.
# Under xdist each worker that runs tests of this module seeds the demo once for them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ANONYMOUS = "anonymous"
# Every account `create_demo_users` makes (the README's table); the test below checks
# that none is missing, so a new demo role is checked as soon as it exists.
ACCOUNTS = [
    "demo_admin", "demo_city", "demo_district", "demo_street", "demo_community", "demo_grid",
    "demo_gt_district", "demo_firm", "demo_gt_street", "demo_gt_community", "demo_gt_grid",
]
README = Path(__file__).resolve().parents[2] / "README.md"
SKIPPED_PATHS = re.compile(r"/(logout|export|download)|\.(xlsx|csv|pdf|zip)$|/template", re.I)
LITERAL_NONE = re.compile(r"(?<![A-Za-z_])(None|null)(?![A-Za-z_])")
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""
DROPPED_DATES = """
() => Array.from(document.querySelectorAll(
  'input[type=date], input[type=datetime-local], input[type=time], input[type=month]'))
  .filter((i) => i.getAttribute('value') && !i.value)
  .map((i) => i.name + '=' + i.getAttribute('value'))
"""
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"
WIDE_TABLES = """
() => Array.from(document.querySelectorAll('main table'))
  .filter((t) => t.scrollWidth > window.innerWidth || t.scrollWidth > t.clientWidth + 1)
  .map((t) => (t.querySelector('th') || t).textContent.trim().slice(0, 20)
       + ': ' + t.scrollWidth + 'px')
"""
HEADER_HEIGHT = """() => {
  const header = document.querySelector('header.site-header, header#header, header');
  return header ? header.getBoundingClientRect().height : 0;
}"""
TOUCH_TARGET_PX = 44
SMALL_TARGETS = """
(minimum) => Array.from(document.querySelectorAll(
  'header a, header button, main button, main a.button, main summary, main select, main textarea,'
  + ' main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + ' .pagination a, footer button, footer select'))
  .filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height + 0.5 < minimum;
  })
  .map((e) => e.tagName.toLowerCase() + '“' + (e.textContent || e.name || '').trim().slice(0, 12)
       + '” ' + Math.round(e.getBoundingClientRect().height) + 'px')
"""


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo data behind one live server, for the whole module; flushed afterwards."""
    with django_db_blocker.unblock(), override_settings(
        # The hasher the tests' autouse fixture sets (the module is seeded before it runs).
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                            "LOCATION": f"every-page-{os.getpid()}"}},
    ):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        call_command("compute_metrics", stdout=out)
        with override_settings(DEBUG=True):  # the command refuses to run otherwise
            call_command("create_demo_users", stdout=out)
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def test_every_demo_account_is_checked(demo_site):
    usernames = {user.username for user in get_user_model().objects.filter(
        username__startswith="demo_") if user.has_usable_password()}
    assert usernames == set(ACCOUNTS)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_make_run_prints_every_account_aligned_and_as_the_readme_lists_them(demo_site):
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("create_demo_users", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  ")]
    printed = [line.split()[0] for line in lines[1:]]
    listed = re.findall(r"^\| `(demo_\w+)` \|", README.read_text(encoding="utf-8"), re.M)
    assert printed == listed == ACCOUNTS
    # Every column lines up in a terminal, Chinese names included: the last column starts
    # at the same place on every line.
    starts = {_display_width(line) - _display_width(re.split(r"  +", line.strip())[-1])
              for line in lines}
    assert len(starts) == 1, lines


class Visit:
    """One browser context (a viewport) of one role, recording every problem it meets."""

    def __init__(self, browser, base: str, options: dict, label: str):
        self.base = base
        self.label = label
        self.context = browser.new_context(**options)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.current = "?"
        self.page.on("console", lambda m: m.type == "error" and self._problem(
            f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self._problem(f"exception: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self._problem(
            f"{r.status} {r.url}"))

    def _problem(self, text: str):
        self.problems.append(f"[{self.label}] {self.current}: {text}")

    def log_in(self, username: str):
        self.current = "/accounts/login/"
        self.page.goto(self.base + "/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", settings.DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert "/accounts/login/" not in self.page.url, (
            f"{username} could not log in: {self.page.inner_text('main')}")

    def links(self) -> list[str]:
        """Same-origin GET links of the header menu and of the main part of the page."""
        hrefs = self.page.eval_on_selector_all(
            "header a[href], main a[href]", "(as) => as.map((a) => a.getAttribute('href'))")
        found = []
        for href in hrefs:
            url = urljoin(self.page.url, href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != self.base or SKIPPED_PATHS.search(parts.path):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in found:
                found.append(path)
        return found

    def check(self, path: str, *, phone: bool):
        self.current = path
        response = self.page.goto(self.base + path)
        if response is None or response.status >= 400:
            return  # the response listener has recorded the status
        self.page.wait_for_load_state("load")
        text = self.page.inner_text("body")
        for match in LITERAL_NONE.finditer(text):
            start = max(match.start() - 30, 0)
            self._problem(f"literal {match.group(0)!r} in “{text[start:match.end() + 30]}”")
        dropped = self.page.evaluate(DROPPED_DATES)
        if dropped:
            self._problem(f"date/time pre-fill dropped by the browser: {dropped}")
        if phone:
            width, viewport = self.page.evaluate(OVERFLOW)
            if width > viewport:
                self._problem(f"{width}px wide on a {viewport}px phone")
            wide = self.page.evaluate(WIDE_TABLES)
            if wide:
                self._problem(f"tables wider than the phone: {wide}")
            header = self.page.evaluate(HEADER_HEIGHT)
            if header > 2 * TOUCH_TARGET_PX + 24:
                self._problem(f"the menu takes {header:.0f}px of the phone's height")
            # Django's own admin keeps its own (responsive) stylesheet.
            small = [] if path.startswith("/admin/") else self.page.evaluate(
                SMALL_TARGETS, TOUCH_TARGET_PX)
            if small:
                self._problem(f"touch targets under {TOUCH_TARGET_PX}px: {small[:6]}")

    def close(self):
        self.context.close()


@pytest.mark.parametrize("account", [ANONYMOUS, *ACCOUNTS])
def test_every_page_of_the_role_works_on_phone_and_desktop(demo_site, browser, account):
    phone = Visit(browser, demo_site, PHONE, f"{account} phone")
    desktop = Visit(browser, demo_site, DESKTOP, f"{account} desktop")
    try:
        if account != ANONYMOUS:
            phone.log_in(account)
            desktop.log_in(account)
        else:
            phone.page.goto(demo_site + "/")
        landing = urlsplit(phone.page.url).path
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.check(landing, phone=True)
        phone.page.screenshot(path=str(ARTIFACTS / f"every-page-{account}-landing-phone.png"),
                              full_page=True)
        paths = phone.links()
        assert paths, f"{account}: the landing page {landing} offers no link"
        for path in paths:
            phone.check(path, phone=True)
            desktop.check(path, phone=False)
        problems = phone.problems + desktop.problems
    finally:
        phone.close()
        desktop.close()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)



def test_log_form_fills_the_building_list_after_a_compound_is_chosen(demo_site, browser):
    visit = Visit(browser, demo_site, PHONE, "demo_community phone")
    try:
        visit.log_in("demo_community")
        visit.check("/staff/complaints/new/", phone=True)
        page = visit.page
        assert page.eval_on_selector_all(
            "select[name=building] option", "(os) => os.filter((o) => o.value).length") == 0
        choice = page.eval_on_selector(
            "select[name=compound]",
            "(s) => { const o = Array.from(s.options).find((o) => o.value); return o.value; }")
        with page.expect_response(lambda r: "/staff/buildings.json" in r.url):
            page.select_option("select[name=compound]", choice)
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('select[name=building] option'))"
            ".some((o) => o.value)")
        problems = visit.problems
    finally:
        visit.close()
    assert problems == []


def test_the_staff_menu_folds_behind_a_button_on_a_phone(demo_site, browser):
    visit = Visit(browser, demo_site, PHONE, "demo_admin phone")
    try:
        visit.log_in("demo_admin")
        page = visit.page
        assert not page.is_visible("header nav a[href='/dashboard/']")
        page.click("header .menu-toggle")
        assert page.is_visible("header nav a[href='/dashboard/']")
        assert page.get_attribute("header .menu-toggle", "aria-expanded") == "true"
        problems = visit.problems
    finally:
        visit.close()
    assert problems == []
