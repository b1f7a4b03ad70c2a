"""The staff pages in a real browser: Debian's Chromium driven by Playwright, against a live uvicorn server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import live_server, live_settings  # noqa: F401  (the same live server as tests/e2e)

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
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


def shoot(page: Any, name: str) -> None:
    """docs/screenshots/{name}-tablet.png and -phone.png, palette-compressed to stay small."""
    from PIL import Image

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
