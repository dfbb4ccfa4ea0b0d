"""Page tests in a real browser: Debian's Chromium driven by Playwright, against Django's live server.

No browser is downloaded: Playwright launches /usr/bin/chromium (or $KYOSO_CHROMIUM). axe-core comes from
npm (tests/browser/node_modules, installed by `make test` / .ci/run). Without Chromium the tests skip,
saying why — except when KYOSO_REQUIRE_SERVICES is set (CI), where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium() -> str | None:
    path = os.environ.get("KYOSO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return path if path and Path(path).exists() else None


def _missing(reason: str):
    if os.environ.get("KYOSO_REQUIRE_SERVICES"):
        pytest.fail(f"KYOSO_REQUIRE_SERVICES is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        _missing("Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    # Playwright's sync API runs an event loop; Django refuses ORM calls inside one unless told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh page (its own cookies) in Japanese, with the live server's URL as base."""
    # bypass_csp: axe-core is injected as a script; the CSP itself is checked on the response headers
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:", "blob:")) else None,
    )
    page.outside_requests = outside
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    if not AXE.exists():
        _missing(f"axe-core is not installed: run npm ci in {HERE}")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        WCAG,
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact (test-artifacts/screenshots/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = "pass-for-tests"):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


# What a 390 px screen must not show: the page wider than the screen, anything whose edge is past the screen
# (cut off, or reachable only by scrolling a box sideways), a box that scrolls sideways, or a table squeezed
# until its cells wrap every one or two characters. Visually hidden text and the skip link are ignored.
_PHONE_PROBLEMS = """
(screen) => {
  // the screen's width as the test set it: a page that widens the layout viewport past it (a phone then
  // zooms the whole page out) grows window.innerWidth too, so that alone would not notice
  const width = screen || window.innerWidth, problems = [], outside = [];
  if (window.innerWidth > width + 1)
    problems.push(`the layout viewport is ${window.innerWidth}px, wider than the ${width}px screen`);
  const name = (el) => {
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    const cls = classes.map(c => '.' + c).join('');
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} «${text}»`;
  };
  const clipped = new Map();  // inside a box clipped to a pixel (the visually hidden pattern)?
  const inClipped = (el) => {
    if (!el || el === document.body) return false;
    if (clipped.has(el)) return clipped.get(el);
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    const result = ((box.width <= 1 || box.height <= 1) && style.overflow !== 'visible') || inClipped(el.parentElement);
    clipped.set(el, result);
    return result;
  };
  const hidden = (el) => el.closest('.visually-hidden, .skip-link, [hidden], option') || inClipped(el);
  const overflow = document.documentElement.scrollWidth - width;
  if (overflow > 0) problems.push(`the page is ${overflow}px wider than the screen`);
  for (const el of document.body.querySelectorAll('*')) {
    if (hidden(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // not rendered, or clipped to a pixel
    if ((box.right > width + 1 || box.left < -1) && !outside.some(o => o.contains(el))) {
      outside.push(el);  // its content is past the edge too: said once
      problems.push(`${name(el)} spans ${Math.round(box.left)}–${Math.round(box.right)}px of ${width}px`);
      continue;
    }
    const formControl = /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName);
    if (!formControl && /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
    if (el.tagName === 'TD' || el.tagName === 'TH') {
      const em = parseFloat(style.fontSize);
      const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (inner < 3 * em && lines.size > 1) {
        problems.push(`${name(el)} is squeezed to ${Math.round(inner)}px (${lines.size} lines)`);
      }
    }
  }
  return problems.slice(0, 15);
}
"""


def phone_problems(page) -> list[str]:
    """What does not fit the screen of the page as it is now (see assert_fits_phone)."""
    return page.evaluate(_PHONE_PROBLEMS, (page.viewport_size or {}).get("width"))


def assert_fits_phone(page):
    """The page as it is now fits its (390 px) screen: the document is no wider than the screen, no element
    sticks out past either edge or scrolls sideways (visually hidden text and the skip link aside), and no
    table cell is squeezed narrower than three characters with its text wrapped."""
    problems = phone_problems(page)
    assert problems == [], f"{page.url} does not fit a {page.viewport_size['width']} px screen:\n" + "\n".join(problems)
