"""Lighthouse scores (mobile profile) for the home page and an article, served as in production.

Run with `make lighthouse`. Prints one line per page and category; exits non-zero when a
score is below the target, so a regression is visible.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

# Run as a script, so tools/ is on the import path.
from demo_server import ROOT, demo_server

LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
PAGES = {"home": "", "article": "articles/central-asia-japan-dialogue-summit/"}


def audit(url: str) -> dict[str, int]:
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu "
            "--disable-background-networking --no-first-run",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    below_target = 0
    with demo_server(production=True) as base_url:
        for page, path in PAGES.items():
            scores = audit(base_url + path)
            print(f"{page:8} " + "  ".join(f"{name} {score}" for name, score in scores.items()))
            below_target += sum(score < TARGET for score in scores.values())
    if below_target:
        print(f"{below_target} score(s) below {TARGET}")
    return 1 if below_target else 0


if __name__ == "__main__":
    sys.exit(main())
