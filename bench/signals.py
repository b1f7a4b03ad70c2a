"""Cross-case signals: precision and recall on a generated history with planted patterns, and the time of the check
per submission at 100,000 cases.

Run from the repository root: ``.venv/bin/python bench/signals.py`` (``--history 5000 --scale 100000 --timed 300``).
Everything runs on a temporary SQLite database made from the models (the same schema as the migrations).

1. A history of ``--history`` cases over a year, submitted one by one in time order through the service's own
   check (``confirm.applications.signals``: the indexed lookups, the pure rules, the refresh of older cases). The
   background has ordinary coincidences: families sharing a phone or an address, companies and lenders filing often,
   lawyers with many clients. Planted: professional lenders, fake parties sharing a phone or an address, citizen
   agents with many unrelated clients, one agent for both sides, an organisation's and a mediator's share jumping.
   A case counts as flagged by a signal when its flags at the end hold that code (every history case stays open, so
   the refresh reaches it); as planted when it belongs to a planted pattern of that signal. Precision = planted
   among flagged; recall = flagged among planted; recall at submission counts only the flags a case got when it was
   submitted (the first case of a pattern cannot have one).
2. The same generator fills ``--scale`` cases by bulk insert; then ``--timed`` new submissions are checked, each in
   a transaction rolled back, timing the cross-case check alone. The baseline, measured in the same run on the same
   database, is the query the submission already made before the cross-case signals (the organisation's count of
   the last 30 days, risk.high_frequency). The goal is 50 ms per submission.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel, col, select  # noqa: E402

import confirm.models  # noqa: E402, F401
from confirm.applications.signals import link_back, signals_for  # noqa: E402
from confirm.core.clock import CHINA  # noqa: E402
from confirm.law.signals import CODES, address_key, agent_key, merge_table  # noqa: E402
from confirm.law.tables import signal_table  # noqa: E402
from confirm.models import (  # noqa: E402
    Application,
    Court,
    Decision,
    Objection,
    Obligation,
    Organization,
    Party,
    PerformanceAnswer,
    User,
)

GOAL_MS = 50.0
END = date(2026, 11, 30)
DAYS = 360
SIGNALS = ("repeat_party", "shared_phone", "shared_address", "shared_agent", "agent_both_sides",
           "organization_share", "mediator_share", "quick_non_performance", "third_party_objection")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
TOWNS = ("中和街道", "乌杨街道", "清溪场镇", "平凯街道", "官庄街道", "隘口镇", "溶溪镇", "龙池镇", "石堤镇", "峨溶镇")


@dataclass
class Case:
    """One generated case: its rows, its day, and the signals it was planted for."""

    day: date
    organization: int
    mediator: str
    parties: list[dict[str, Any]]
    planted: set[str] = field(default_factory=set)
    id: str = ""
    # what happens to this case after its ruling, recorded right after it is submitted (its dates are the ruling's
    # and the answer's, after the case's day): ``quick`` / ``late`` — confirmed, the obligee reports non-performance
    # within days / months of the ruling; ``objected`` / ``party_objected`` — a 利害关系人 / a party objects
    after: str | None = None


class World:
    """The generator: background cases with ordinary coincidences, and the planted patterns."""

    def __init__(self, seed: int, organizations: int = 12, mediators_per_org: int = 3, serial: int = 0) -> None:
        self.rng = random.Random(seed)
        self.serial = serial  # where ID numbers start: worlds that must not share people start apart
        self.organizations = organizations
        self.mediators = {o: [f"调解员{o}-{m}" for m in range(mediators_per_org)] for o in range(1, organizations + 1)}
        self.companies = [self.company() for _ in range(1000)]
        self.frequent = self.companies[:3]  # a bank, a utility, a supplier: each in 1% of the cases, all year
        self.lawyers = [{"name": self.name(), "kind": "lawyer", "unit": f"重庆秀山第{i}律师事务所"} for i in range(40)]

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚")
                                                   for _ in range(self.rng.choice((1, 2))))

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + f"{self.rng.randrange(10**9):09d}"

    def address(self) -> str:
        return (f"重庆市秀山土家族苗族自治县{self.rng.choice(TOWNS)}{self.rng.randrange(1, 60)}村"
                f"{self.rng.randrange(1, 20)}组{self.rng.randrange(1, 300)}号")

    def person(self, **changes: Any) -> dict[str, Any]:
        n = self.next()
        return {"kind": "person", "name": self.name(), "id_number": f"500241{1950 + n % 50}0101{n:04d}"[-18:].zfill(18),
                "phone": self.phone(), "address": self.address(), "agent": None, **changes}

    def company(self) -> dict[str, Any]:
        n = self.next()
        return {"kind": "organization", "name": f"秀山县第{n}商贸有限公司", "credit_code": f"91500241MA{n:08d}",
                "phone": self.phone(), "address": self.address(), "agent": None}

    def day(self, start: int = 0, end: int = DAYS) -> date:
        return END - timedelta(days=DAYS - self.rng.randrange(start, end))

    def org_day(self) -> tuple[int, str]:
        org = self.rng.randrange(1, self.organizations + 1)
        return org, self.rng.choice(self.mediators[org])

    def background(self, count: int) -> list[Case]:
        """Ordinary cases, with the coincidences of real life."""
        cases: list[Case] = []
        people: list[dict[str, Any]] = []
        for _ in range(count):
            first = self.person()
            if people and self.rng.random() < 0.01:  # a family member in another case, on the family's phone
                first["phone"] = self.rng.choice(people)["phone"]
            if people and self.rng.random() < 0.01:  # neighbours or family at one address
                first["address"] = self.rng.choice(people)["address"]
            people.append(first)
            # half the cases have a company: three frequent filers, else one of a thousand
            draw = self.rng.random()
            second = dict(self.rng.choice(self.frequent)) if draw < 0.03 else \
                dict(self.rng.choice(self.companies)) if draw < 0.5 else self.person()
            if self.rng.random() < 0.2:
                first["agent"] = self.rng.choice(self.lawyers)
            org, mediator = self.org_day()
            cases.append(Case(self.day(), org, mediator, [first, second]))
        return cases

    def planted(self, scale: float) -> list[Case]:
        """The patterns the signals should find, ``scale`` times the counts for 5,000 cases."""
        out: list[Case] = []
        n = lambda k: max(1, round(k * scale))  # noqa: E731
        for _ in range(n(25)):  # professional lenders: one creditor, many borrowers, within 60 days
            lender, start = self.person(), self.rng.randrange(0, DAYS - 60)
            for _ in range(self.rng.randrange(4, 9)):
                out.append(Case(self.day(start, start + 60), *self.org_day(), [dict(lender), self.person()],
                                {"repeat_party"}))
        for _ in range(n(40)):  # fake parties of different cases, answered on one phone
            phone, start = self.phone(), self.rng.randrange(0, DAYS - 90)
            for _ in range(self.rng.randrange(2, 4)):
                out.append(Case(self.day(start, start + 90), *self.org_day(), [self.person(phone=phone), self.person()],
                                {"shared_phone"}))
        for _ in range(n(40)):  # different people at one address, typed differently
            address, start = self.address(), self.rng.randrange(0, DAYS - 90)
            for i in range(self.rng.randrange(2, 4)):
                typed = address if i == 0 else address.replace("号", " 号").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                out.append(Case(self.day(start, start + 90), *self.org_day(), [self.person(address=typed), self.person()],
                                {"shared_address"}))
        for _ in range(n(15)):  # a citizen agent with many unrelated clients
            agent, start = {"name": self.name(), "kind": "recommended", "unit": "某社区居委会"}, self.rng.randrange(0, DAYS - 120)
            for _ in range(self.rng.randrange(3, 6)):
                out.append(Case(self.day(start, start + 120), *self.org_day(), [self.person(agent=agent), self.person()],
                                {"shared_agent"}))
        for _ in range(n(40)):  # one agent for both sides
            agent = self.rng.choice(self.lawyers)
            out.append(Case(self.day(), *self.org_day(), [self.person(agent=agent), self.person(agent=agent)],
                            {"agent_both_sides"}))
        # a party whose confirmed case went unperformed soon after its ruling, and later files again (planted), beside
        # parties whose case went unperformed only months later, or was objected to by a party (not planted); one
        # later case each, 100-250 days on (two cases of one party stay below the repeat-party count)
        for after, signal, count in (("quick", "quick_non_performance", 30), ("late", None, 30),
                                     ("objected", "third_party_objection", 20), ("party_objected", None, 20)):
            for _ in range(n(count)):
                person, start = self.person(), self.rng.randrange(0, DAYS - 250)
                out.append(Case(self.day(start, start + 1), *self.org_day(), [dict(person), self.person()], after=after))
                later = self.day(start + 100, start + 250)
                out.append(Case(later, *self.org_day(), [dict(person), self.person()], {signal} if signal else set()))
        # an organisation's share jumps in the last 30 days; a mediator's in days 200-230
        jump_org = self.organizations + 1
        self.mediators[jump_org] = [f"调解员{jump_org}-0"]
        for _ in range(n(20)):
            out.append(Case(self.day(0, DAYS - 30), jump_org, self.mediators[jump_org][0], [self.person(), self.person()]))
        for _ in range(n(200)):
            out.append(Case(self.day(DAYS - 30, DAYS), jump_org, self.mediators[jump_org][0],
                            [self.person(), self.person()], {"organization_share", "mediator_share"}))
        mediator = self.mediators[1][0]
        for _ in range(n(150)):
            out.append(Case(self.day(200, 230), 1, mediator, [self.person(), self.person()],
                            {"mediator_share", "organization_share"}))
        return out  # a mediator's jump is their organisation's too, and the jumping organisation has one mediator

    def history(self, size: int) -> list[Case]:
        planted = self.planted(size / 5000)
        cases = self.background(max(0, size - len(planted))) + planted
        jump_from, jump_to = END - timedelta(days=DAYS - 200), END - timedelta(days=DAYS - 230)
        for case in cases:  # the mediator's jump is their organisation's: its other cases then are in it too
            if case.organization == 1 and jump_from <= case.day < jump_to:
                case.planted.add("organization_share")
        cases.sort(key=lambda c: (c.day, self.rng.random()))
        return cases


def database(path: Path) -> tuple[sa.Engine, int, int]:
    """A fresh database with one court, its organisations and a mediator's account: (engine, court, user)."""
    engine = sa.create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        court = Court(code="渝0241", name="重庆市秀山土家族苗族自治县人民法院")
        s.add(court)
        s.flush()
        court_id = int(court.id or 0)
        for i in range(1, 40):
            s.add(Organization(id=i, court_id=court_id, name=f"第{i}人民调解委员会", kind="people_mediation"))
        s.flush()
        user = User(username="m", name="m", role="mediator", court_id=court_id, organization_id=1, password_hash="x")
        s.add(user)
        s.commit()
        return engine, court_id, int(user.id or 0)


def moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=CHINA).astimezone(timezone.utc) + timedelta(
        minutes=rng.randrange(0, 480))


def rows(case: Case, court: int, user: int, submitted_at: datetime,
         status: str = "submitted") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    app = {"id": case.id, "status": status, "court_id": court, "organization_id": case.organization,
           "created_by": user, "dispute_type": "民间借贷纠纷", "mediation_concluded_on": case.day,
           "mediation_place": "调解室", "mediator_name": case.mediator, "agreement_text": "……", "agreement_amount": "10000.00",
           "submitted_at": submitted_at, "risk_flags": [], "created_at": submitted_at, "updated_at": submitted_at}
    parties = [{"application_id": case.id, "position": i, "kind": p["kind"], "name": p["name"],
                "id_number": p.get("id_number"), "credit_code": p.get("credit_code"), "phone": p["phone"],
                "address": p["address"], "agent": p["agent"], "address_key": address_key(p["address"]),
                "agent_key": agent_key(p["agent"]), "id_type": "resident_id", "representative_role": "legal_representative",
                "without_capacity": False} for i, p in enumerate(case.parties)]
    return app, parties


def submit(session: Session, case: Case, court: int, user: int, table: dict[str, Any], rng: random.Random) -> list[str]:
    """Store the case and run the service's cross-case check on it, as ``transitions.submit`` does."""
    app_row, party_rows = rows(case, court, user, moment(case.day, rng))
    session.execute(sa.insert(Application), [app_row])
    session.execute(sa.insert(Party), party_rows)
    app = session.get(Application, case.id)
    assert app is not None
    parties = list(session.exec(select(Party).where(Party.application_id == case.id).order_by(col(Party.position))))
    found = signals_for(session, app, parties, today=case.day, table=table)
    app.risk_flags = [s.as_record() for s in found]
    session.add(app)
    link_back(session, app, found)
    if case.after:
        after_the_ruling(session, case, court, user, parties, app_row["submitted_at"], rng)
    return [s.code for s in found]


def after_the_ruling(session: Session, case: Case, court: int, user: int, parties: list[Party], submitted_at: datetime,
                     rng: random.Random) -> None:
    """The ruling of ``case`` and what followed it (``case.after``), as the service records them."""
    decided = submitted_at + timedelta(days=1)
    session.add(Decision(application_id=case.id, outcome="confirmed", judge_id=user, clerk_id=user, decided_at=decided))
    if case.after in ("quick", "late"):
        obligation = Obligation(application_id=case.id, position=0, obligor=1, obligee=0, kind="money", amount_fen=10**6,
                                obligor_party_id=parties[1].id, obligee_party_id=parties[0].id, state="not_performed")
        session.add(obligation)
        session.flush()
        days = rng.randrange(5, 26) if case.after == "quick" else rng.randrange(60, 90)
        session.add(PerformanceAnswer(application_id=case.id, obligation_id=obligation.id, state="not_performed",
                                      party_id=parties[0].id, answered_at=decided + timedelta(days=days)))
    else:
        interested = case.after == "objected"
        session.add(Objection(application_id=case.id, serial=1, court_id=court,
                              objector_kind="interested_person" if interested else "party",
                              party_id=None if interested else parties[0].id,
                              objector_name="案外人" if interested else parties[0].name, starts_on=case.day,
                              filed_on=case.day + timedelta(days=20), request="……",
                              case_number=f"（2026）渝0241民特监{case.id}号", registered_by=user))


def quality(history: int, seed: int, table: dict[str, Any]) -> list[tuple[str, int, int, int, float, float, float]]:
    world = World(seed)
    cases = world.history(history)
    for i, case in enumerate(cases):
        case.id = f"h{i:031d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine, court, user = database(Path(tmp) / "history.db")
        at_submission: dict[str, set[str]] = {}
        with Session(engine) as s:
            for case in cases:
                at_submission[case.id] = set(submit(s, case, court, user, table, world.rng))
                s.flush()
            s.commit()
            final = {a.id: {f["code"] for f in a.risk_flags} for a in s.exec(select(Application))}
        engine.dispose()
    results = []
    for name in SIGNALS:
        code = CODES[name]
        flagged = {c.id for c in cases if code in final[c.id]}
        truth = {c.id for c in cases if name in c.planted}
        hit = len(flagged & truth)
        own = len({c.id for c in cases if code in at_submission[c.id]} & truth)
        results.append((code, len(truth), len(flagged), hit, hit / len(flagged) if flagged else float("nan"),
                        hit / len(truth) if truth else float("nan"), own / len(truth) if truth else float("nan")))
    print(f"history: {len(cases)} cases over {DAYS} days, seed {seed}")
    return results


def bulk(engine: sa.Engine, cases: list[Case], court: int, user: int, rng: random.Random) -> None:
    with engine.begin() as conn:
        for start in range(0, len(cases), 5000):
            chunk = cases[start:start + 5000]
            apps, parties = [], []
            for case in chunk:  # a case is decided within about 30 days: older ones are no longer open
                status = "submitted" if (END - case.day).days < 30 else "served"
                a, p = rows(case, court, user, moment(case.day, rng), status)
                apps.append(a)
                parties.extend(p)
            conn.execute(sa.insert(Application), apps)
            conn.execute(sa.insert(Party), parties)


def timing(scale: int, timed: int, seed: int, table: dict[str, Any]) -> None:
    world = World(seed + 1)
    cases = world.history(scale)
    for i, case in enumerate(cases):
        case.id = f"s{i:031d}"
    probes = World(seed + 2, serial=10**7).history(max(timed * 2, 1000))
    world.rng.shuffle(probes)
    probes = probes[:timed]
    with tempfile.TemporaryDirectory() as tmp:
        engine, court, user = database(Path(tmp) / "scale.db")
        started = time.perf_counter()
        bulk(engine, cases, court, user, world.rng)
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"scale: {len(cases)} cases bulk-inserted in {time.perf_counter() - started:.1f} s")
        check_ms: list[float] = []
        base_ms: list[float] = []
        fired: defaultdict[str, int] = defaultdict(int)
        for i, probe in enumerate(probes):
            probe.id = f"p{i:031d}"
            probe.day = END
            with Session(engine) as s:
                app_row, party_rows = rows(probe, court, user, moment(END, world.rng))
                s.execute(sa.insert(Application), [app_row])
                s.execute(sa.insert(Party), party_rows)
                app = s.get(Application, probe.id)
                assert app is not None
                parties = list(s.exec(select(Party).where(Party.application_id == probe.id)))
                t0 = time.perf_counter()
                since = datetime.now(timezone.utc) - timedelta(days=30)  # the query submit made before (baseline)
                s.exec(select(sa.func.count()).select_from(Application).where(
                    col(Application.organization_id) == app.organization_id, col(Application.submitted_at) >= since)).one()
                t1 = time.perf_counter()
                found = signals_for(s, app, parties, today=END, table=table)
                link_back(s, app, found)
                s.flush()
                t2 = time.perf_counter()
                s.rollback()
            base_ms.append((t1 - t0) * 1000)
            check_ms.append((t2 - t1) * 1000)
            for f in found:
                fired[f.code] += 1
        engine.dispose()
    check_ms.sort()
    base_ms.sort()
    p99 = check_ms[min(len(check_ms) - 1, int(len(check_ms) * 0.99))]
    median, base = statistics.median(check_ms), statistics.median(base_ms)
    print(f"check per submission at {len(cases)} cases ({len(probes)} submissions): median {median:.2f} ms, "
          f"p99 {p99:.2f} ms; goal {GOAL_MS:.0f} ms: median at {median / GOAL_MS:.2f}× the goal, p99 at "
          f"{p99 / GOAL_MS:.2f}×")
    print(f"baseline (the organisation's 30-day count the submission already made): median {base:.2f} ms; "
          f"the cross-case check is {median / base:.1f}× the baseline")
    print("flags among the timed submissions: " + ", ".join(f"{k} {v}" for k, v in sorted(fired.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=5000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--timed", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    table = merge_table(signal_table(), None)
    if args.history:
        results = quality(args.history, args.seed, table)
        print("| signal | planted cases | flagged cases | planted and flagged | precision | recall | recall at submission |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for code, truth, flagged, hit, precision, recall, own in results:
            print(f"| `{code}` | {truth} | {flagged} | {hit} | {precision:.2f} | {recall:.2f} | {own:.2f} |")
    if args.scale:
        timing(args.scale, args.timed, args.seed, table)


if __name__ == "__main__":
    main()
