"""Save full-page screenshots of every kind of page at phone and desktop widths.

Run with `make screenshots`; the PNGs land in docs/screenshots/. The demo is served as in
production (so the 404 is the site's own page) with its clock pinned to DEMO_NOW, so the
pictures only change when the site does, not with the day they are taken.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

# Run as a script, so tools/ is on the import path.
from demo_server import ROOT, demo_server
from playwright.sync_api import sync_playwright

OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
DEMO_NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
PAGES = {
    "home": "",
    "articles": "articles/?country=kazakhstan",
    "article": "articles/central-asia-japan-dialogue-summit/",
    "tag": "tags/jica/",
    "countries": "countries/",
    "country": "countries/kazakhstan/",
    "area": "areas/energy/",
    "search": "search/?q=hydropower",
    "coverage": "coverage/",
    "not-found": "no-such-page/",
}


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with demo_server(production=True, now=DEMO_NOW) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for device, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                response = page.goto(base_url + path)
                if response is None or response.status not in (200, 404):
                    print(f"skipped {name}: {path} answered {response and response.status}")
                    continue
                target = OUTPUT / f"{name}-{device}.png"
                page.screenshot(path=target, full_page=True)
                print(f"saved {target.relative_to(ROOT)}")
            if device == "phone":
                # The sections sit behind the Menu button on a phone; show them opened.
                page.goto(base_url)
                page.locator(".nav-menu summary").click()
                target = OUTPUT / "menu-phone.png"
                page.screenshot(path=target)
                print(f"saved {target.relative_to(ROOT)}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
