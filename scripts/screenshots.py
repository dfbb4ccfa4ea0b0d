"""Screenshots of the main pages at 1280 px and 390 px for docs/screenshots/ (issue 14).

Run against the demo (`make run` in another terminal, or any server with the demo data):

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Each page is captured at the top of the screen as the user first sees it (1280×900 and 390×844), in
Japanese, with Debian's Chromium (/usr/bin/chromium, or $KYOSO_CHROMIUM) driven by Playwright — the same
browser the page tests use. Logs in as the demo accounts (password `kyoso-demo` or $DEMO_PASSWORD).
"""

import argparse
import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
PUBLIC = [
    ("home", "/"),
    ("search", "/agreements/?q=オンライン申請"),
    ("agreement", "first-agreement"),
    ("agreement-kpis", "first-agreement#kpis"),
    ("municipality", "/municipalities/272299/"),
    ("opendata", "/opendata/"),
    ("outcome-procedure", "/municipalities/272299/outcomes/C12/"),
    ("outcome-comparison", "/outcomes/C12/?municipality=272299"),
    ("outcome-effect", "first-effect"),
]
OFFICER = [
    ("officer-dashboard", "/workspace/"),
    ("officer-agreements", "/workspace/agreements/"),
    ("officer-agreement", "first-workspace-agreement"),
    ("officer-review", "/workspace/review/"),
    ("officer-outcomes", "/workspace/outcomes/"),
]
PARTNER = [("partner-home", "/workspace/partner/")]


def log_in(page, username: str, password: str):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def resolve(page, path: str) -> str:
    if "#" in path and not path.startswith("/"):
        base, fragment = path.split("#", 1)
        return f"{resolve(page, base)}#{fragment}"
    """'first-agreement': the first agreement the search lists (a published one with KPIs if possible)."""
    if path == "first-agreement":
        page.goto("/agreements/?q=オンライン申請")
        hrefs = page.eval_on_selector_all(
            "main a[href^='/agreements/']", "links => links.map(a => a.getAttribute('href'))"
        )
        return next(href for href in hrefs if re.fullmatch(r"/agreements/[0-9]{6}-[0-9]{4}-[0-9]+/", href))
    if path == "first-effect":  # the before/after page of the first KPI computed from case records
        page.goto("/municipalities/272299/outcomes/C12/")
        hrefs = page.eval_on_selector_all(
            "main a[href^='/agreements/']", "links => links.map(a => a.getAttribute('href'))"
        )
        page.goto(next(href for href in hrefs if re.match(r"/agreements/[0-9]{6}-[0-9]{4}-[0-9]+/", href)))
        hrefs = page.eval_on_selector_all(
            "main a[href^='/outcomes/effects/']", "links => links.map(a => a.getAttribute('href'))"
        )
        return hrefs[0]
    if path == "first-workspace-agreement":
        page.goto("/workspace/agreements/")
        hrefs = page.eval_on_selector_all(
            "main a[href^='/workspace/agreements/']", "links => links.map(a => a.getAttribute('href'))"
        )
        return next(href for href in hrefs if re.fullmatch(r"/workspace/agreements/[0-9]{6}-[0-9]{4}-[0-9]+/", href))
    return path


def capture(browser, base: str, out: Path, pages, account=None, password=""):
    for size, viewport in SIZES.items():
        context = browser.new_context(base_url=base, locale="ja-JP", viewport=viewport, is_mobile=size == "390")
        page = context.new_page()
        if account:
            log_in(page, account, password)
        for name, path in pages:
            page.goto(resolve(page, path))
            page.wait_for_load_state("networkidle")
            target = out / f"{name}-{size}.png"
            page.screenshot(path=str(target))
            print(target)
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    password = os.environ.get("DEMO_PASSWORD", "kyoso-demo")
    executable = os.environ.get("KYOSO_CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--headless=new", "--no-sandbox"])
        capture(browser, args.base, args.out, PUBLIC)
        capture(browser, args.base, args.out, OFFICER, "demo-officer", password)
        capture(browser, args.base, args.out, PARTNER, "demo-partner", password)
        browser.close()


if __name__ == "__main__":
    main()
