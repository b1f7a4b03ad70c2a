"""Counting a judge's effort per case in the browser: key presses from the queue to a sealed ruling (keyboard
alone) and clicks (mouse alone). Used by tests/pages/test_review_page.py; the figures go in the issue's note."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Effort:
    tabs: int = 0
    keys: int = 0  # every other key press (Enter, Space, arrows, shortcuts), typed text not counted
    clicks: int = 0
    steps: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)  # where each Tab press landed

    def __str__(self) -> str:
        return f"{self.tabs} Tab + {self.keys} other keys; {self.clicks} clicks ({' → '.join(self.steps)})"


def focused_matches(page: Any, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector))


def tab_to(page: Any, selector: str, effort: Effort, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus, counting the presses."""
    for _ in range(limit):
        if focused_matches(page, selector):
            effort.steps.append(selector)
            return
        page.keyboard.press("Tab")
        effort.tabs += 1
        effort.path.append(page.evaluate("(() => { const e = document.activeElement; return e ? e.tagName + '#' + (e.id || e.name || e.textContent.trim().slice(0, 8)) : '-'; })()"))
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def press(page: Any, key: str, effort: Effort) -> None:
    page.keyboard.press(key)
    effort.keys += 1


def click(page: Any, selector: str, effort: Effort, clicks: int = 1) -> None:
    """Click with the mouse (``clicks``: what the control takes, e.g. 2 to open a list and pick from it)."""
    page.click(selector)
    effort.clicks += clicks
