"""How many of the agreement sentences of tests/law/obligation_sentences.py Jiudi reads without correction (the
mediator's form offers these drafts; issue 15). Prints each miss and the figure.

    .venv/bin/python scripts/obligation_recognition.py"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from confirm.law.obligations import ObligationDraft, recognise  # noqa: E402
from tests.law.obligation_sentences import HELD_OUT, SENTENCES, Expected  # noqa: E402


def as_expected(d: ObligationDraft) -> Expected:
    return (d.obligor, d.obligee, d.kind, None if d.amount is None else f"{d.amount:.2f}",
            None if d.due_on is None else d.due_on.isoformat(), d.description if d.kind == "act" else None)


def score(name: str, rows: list) -> None:
    right = 0
    for text, parties, on, expected in rows:
        got = [as_expected(d) for d in recognise(text, parties, agreement_date=on)]
        if got == expected:
            right += 1
        else:
            print(f"MISS {text}\n  expected {expected}\n  got      {got}")
    print(f"{name}: {right} of {len(rows)} sentences recognised without correction")


def main() -> int:
    score("the table (written with the recogniser)", SENTENCES)
    score("held out (written after it, never tuned for)", HELD_OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
