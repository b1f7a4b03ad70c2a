"""The staff pages in a real browser: Debian's Chromium driven by Playwright, against a live uvicorn server."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import live_server, live_settings  # noqa: F401  (the same live server as tests/e2e)

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# A test run never changes a tracked file: its screenshots go to build/screenshots/, which git ignores. Only
# `make screenshots` (JIUDI_UPDATE_SCREENSHOTS=1) rewrites the committed ones in docs/screenshots/.
UPDATE_SCREENSHOTS = os.environ.get("JIUDI_UPDATE_SCREENSHOTS") == "1"
SHOTS = ROOT / ("docs" if UPDATE_SCREENSHOTS else "build") / "screenshots"
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium must be there: a missing browser is a failure, never a skip. Module-scoped: Playwright's sync API
    keeps an event loop running in this thread until it stops, which later synchronous pyHanko calls refuse."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


@cache
def _screenshots_are_ignored_by_git() -> bool:
    """True when SHOTS is ignored by git, or when there is no git checkout to dirty (a source archive)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return True
    probe = SHOTS / "probe-tablet.png"
    return subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", str(probe)]).returncode == 0


def shoot(page: Any, name: str) -> None:
    """SHOTS/{name}-tablet.png and -phone.png, palette-compressed to stay small."""
    from PIL import Image

    if not UPDATE_SCREENSHOTS:
        assert _screenshots_are_ignored_by_git(), f"{SHOTS} is not ignored by git: a test run must not dirty the tree"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("tablet", TABLET), ("phone", PHONE)):
        page.set_viewport_size(size)
        raw = page.screenshot(full_page=True)
        img = Image.open(io.BytesIO(raw)).convert("RGB")
        if img.height > 2600:  # keep the top of very long pages: what a reviewer needs to see
            img = img.crop((0, 0, img.width, 2600))
        img = img.quantize(colors=64)
        img.save(SHOTS / f"{name}-{label}.png", optimize=True)
        assert (SHOTS / f"{name}-{label}.png").stat().st_size < 250_000, name
    page.set_viewport_size(TABLET)
