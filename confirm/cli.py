"""The ``jiudi`` command (api.md "Command line")."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from confirm.core.config import Settings
from confirm.law.errors import DomainError
from confirm.models import OrgKind, Role


def _cmd_init(settings: Settings, _args: argparse.Namespace) -> int:
    from confirm.bootstrap import initialize

    runtime, result = initialize(settings)
    print(f"data directory: {settings.data_dir}")
    print(f"database: {runtime.engine.url.render_as_string(hide_password=True)}")
    if not result.created_demo:
        print("already initialised; nothing to do")
    return 0


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy handling, explicit: X-Forwarded-For is believed only from JIUDI_TRUSTED_PROXIES (uvicorn's own
    default believes it from 127.0.0.1, so behind a same-host proxy anyone could pick their address, and without one
    every visitor would share the proxy's)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from confirm.app import create_app, freeze_heap
    from confirm.bootstrap import initialize
    from confirm.web.processes import serve as serve_processes

    runtime, _ = initialize(settings)
    if settings.dev_mode:
        print("DEVELOPMENT MODE — generated keys, DEV seals, built-in timestamp authority; rulings have no legal effect")
    print(f"Jiudi listening on http://{args.host}:{args.port}  (public verify base: {settings.public_base_url})")
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": "info",
                               "timeout_graceful_shutdown": 5, **proxy_options(settings)}
    if args.workers <= 1:
        app = create_app(runtime=runtime)
        freeze_heap()
        uvicorn.run(app, **options)
        return 0
    # Several server processes (uvicorn's supervisor spawns them; each listens on a socket of its own:
    # confirm.web.processes) and exactly one issuance worker: this supervisor runs it as a thread, the server
    # processes are told not to run their own.
    # Two workers would be safe (jobs are leased) but the one worker keeps sealing on one core, out of the way.
    import os

    os.environ["JIUDI_ISSUANCE_IN_PROCESS"] = "0"
    os.environ[SERVER_PROCESSES_ENV] = str(args.workers)
    worker = _issuance_worker(runtime) if settings.issuance_in_process else None
    if worker is not None:
        worker.start()
    print(f"{args.workers} server processes; issuance worker "
          f"{'in the supervisor (pid ' + str(os.getpid()) + ')' if worker else 'not here (jiudi worker runs it)'}")
    try:
        serve_processes(uvicorn.Config("confirm.app:app_from_env", factory=True, workers=args.workers, **options))
    finally:
        if worker is not None:
            worker.stop()
    return 0


SERVER_PROCESSES_ENV = "JIUDI_SERVER_PROCESSES"  # set by serve --workers for its server processes


def _issuance_worker(runtime: Any) -> Any:
    """The issuance worker of this process (not yet started), woken at once on PostgreSQL by a decision committed
    in any instance."""
    from confirm.app import document_kinds
    from confirm.core.db import is_postgresql
    from confirm.core.events import NotificationListener
    from confirm.issuance.worker import IssuanceWorker

    worker = IssuanceWorker(runtime, document_kinds())
    if is_postgresql(runtime.engine):
        NotificationListener(runtime.settings.database_url, lambda _payload: worker.wake()).start()
    return worker


def _cmd_worker(settings: Settings, _args: argparse.Namespace) -> int:
    """The issuance worker as its own process: the only process that needs the seal keys."""
    import signal

    from confirm.core import migrate
    from confirm.core.runtime import Runtime

    runtime = Runtime(settings)
    migrate.upgrade(runtime.engine)
    worker = _issuance_worker(runtime)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    print(f"Jiudi issuance worker running (database {runtime.engine.url.render_as_string(hide_password=True)})")
    worker.run_forever()
    return 0


def _with_session(settings: Settings, action):  # type: ignore[no-untyped-def]
    from confirm.core import migrate
    from confirm.core.db import transaction
    from confirm.core.runtime import Runtime

    runtime = Runtime(settings)
    migrate.upgrade(runtime.engine)
    with transaction(runtime.engine) as session:
        result = action(session)
    return runtime, result


def _cmd_court_add(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.accounts import admin

    runtime, court = _with_session(settings, lambda s: admin.add_court(s, args.code, args.name, actor="cli"))
    if settings.dev_mode:
        runtime.seals.ensure_court(court.code, court.name)
        print(f"development seal certificate created for {court.name}")
    print(f"court added: {court.code} {court.name}")
    return 0


def _cmd_court_set(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.accounts import admin

    if all(v is None for v in (args.party_confirmation, args.revocation, args.name, args.late_applications,
                               args.print_full_id, args.case_numbers)):
        print("nothing to set: give --name, --party-confirmation, --revocation, --late-applications, "
              "--print-full-id and/or --case-numbers")
        return 2
    if args.name is not None:
        runtime, court = _with_session(settings, lambda s: admin.set_court_name(s, args.code, args.name, actor="cli"))
        if settings.dev_mode:  # the development seal must read as the documents do
            runtime.seals.ensure_court(court.code, court.name)
    if args.party_confirmation is not None:
        _, court = _with_session(settings, lambda s: admin.set_party_confirmation(
            s, args.code, args.party_confirmation, actor="cli"))
    if args.revocation is not None:
        _, court = _with_session(settings, lambda s: admin.set_revocation(s, args.code, args.revocation, actor="cli"))
    if args.late_applications is not None:
        _, court = _with_session(settings, lambda s: admin.set_late_applications(
            s, args.code, args.late_applications, actor="cli"))
    if args.print_full_id is not None:
        _, court = _with_session(settings, lambda s: admin.set_print_full_id(
            s, args.code, args.print_full_id == "yes", actor="cli"))
    if args.case_numbers is not None:
        _, court = _with_session(settings, lambda s: admin.set_case_number_source(
            s, args.code, args.case_numbers, actor="cli"))
    print(f"court {court.code} {court.name}: party confirmation {court.party_confirmation}, "
          f"revocation {court.revocation}, late applications {court.late_applications}, "
          f"print full ID numbers {'yes' if court.print_full_id else 'no'}, case numbers {court.case_number_source}")
    return 0


def _cmd_court_show(settings: Settings, args: argparse.Namespace) -> int:
    """A court's settings and the state of its case numbers, with a warning when its blocks run out."""
    from confirm.accounts import admin

    def show(session):  # type: ignore[no-untyped-def]
        court = admin.court_by_code(session, args.code)
        return [f"court {court.code} {court.name}", f"party confirmation: {court.party_confirmation}",
                f"revocation: {court.revocation}", f"late applications: {court.late_applications}",
                f"print full ID numbers: {'yes' if court.print_full_id else 'no'}",
                *admin.case_number_report(session, args.code, warn_below=settings.case_number_warn_below)]

    _, lines = _with_session(settings, show)
    print("\n".join(lines))
    return 0


def _cmd_court_blocks(settings: Settings, args: argparse.Namespace) -> int:
    """Enter a block of numbers the court reserved for Jiudi (号段), then show where the court's numbers stand."""
    from confirm.accounts import admin

    _with_session(settings, lambda s: admin.add_case_number_block(s, args.code, args.year, args.first, args.last,
                                                                   actor="cli"))
    print(f"block added: {args.code} {args.year} 民特 {args.first}-{args.last}")
    return _cmd_court_show(settings, args)


def _cmd_court_counter_start(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.accounts import admin

    _with_session(settings, lambda s: admin.set_counter_start(s, args.code, args.year, args.start, actor="cli"))
    print(f"counter: the next 民特 number Jiudi gives for {args.code} in {args.year} is {args.start}")
    return 0


def _cmd_follow_up_plan(settings: Settings, _args: argparse.Namespace) -> int:
    """Plan the reminders and questions of cases served before the follow-up existed (idempotent)."""
    from confirm.follow_up.schedule import plan_served

    runtime, _ = _with_session(settings, lambda _s: None)
    with runtime.unit_of_work() as session:
        queued = plan_served(runtime, session, actor="cli")
    print(f"follow-up jobs queued: {queued}")
    return 0


def _cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    """The development outbox: what Jiudi would have sent, newest first (development mode only)."""
    from confirm.messages.outbox import message_json, outbox

    if not settings.dev_mode:
        raise DomainError("cli.outbox_dev_only", "开发测试环境才有发件箱（生产环境的消息经短信、邮件发出）", 2)
    _, rows = _with_session(settings, lambda s: [message_json(m) for m in outbox(s, limit=args.limit)])
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    for m in [] if args.json else rows:
        print(f"#{m['id']} {m['created_at']} {m['channel']} → {m['to']} [{m['kind']}, {m['status']}]\n  {m['text']}")
    return 0


def _cmd_institution_key(settings: Settings, args: argparse.Namespace) -> int:
    """Keys for bulk verifiers (a bank): add prints the key once; list; revoke refuses it from then on."""
    from confirm.verification import keys

    if args.sub == "add":
        _, (row, key) = _with_session(settings, lambda s: keys.create_key(s, args.name, args.per_minute, actor="cli"))
        print(f"institution key #{row.id} for {row.name}, {row.per_minute} look-ups a minute (shown once, only its "
              f"hash is kept):\n{key}\nsend it as the {keys.HEADER} header")
    elif args.sub == "revoke":
        _with_session(settings, lambda s: keys.revoke_key(s, args.id, actor="cli"))
        print(f"institution key #{args.id} revoked: refused from now on")
    else:
        _, rows = _with_session(settings, keys.list_keys)
        for r in rows:
            state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
            print(f"#{r.id} {r.key_prefix}… {r.name} {r.per_minute}/min {state}")
    return 0


def _cmd_org_add(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.accounts import admin

    _, org = _with_session(settings, lambda s: admin.add_organization(s, args.court, args.name, args.kind, actor="cli"))
    print(f"organisation added: {org.name} ({args.kind}) under {args.court}")
    return 0


def _cmd_user_add(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.accounts import admin

    if not args.password_stdin:
        raise DomainError("cli.password_stdin", "请用 --password-stdin 从标准输入提供密码", 2)
    password = sys.stdin.readline().rstrip("\r\n")
    _, user = _with_session(settings, lambda s: admin.add_user(
        s, args.username, role=args.role, court_code=args.court, password=password, organization=args.org,
        name=args.name, actor="cli"))
    print(f"user added: {user.username} ({user.role})")
    return 0


def _cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.verification.offline import verify_file

    report, code = verify_file(settings, Path(args.file), [Path(p) for p in args.trust_root])
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("真实有效 (genuine)" if report.get("genuine") else "不能确认为真实文书 (NOT genuine)")
        for key in ("court", "case_number", "signer", "signed_at", "timestamp_at"):
            if report.get(key):
                print(f"  {key}: {report[key]}")
        for p in report.get("problems", []):
            print(f"  ✖ {p['code']}: {p['message']}")
        if report.get("verdict_from") == "signature":  # --trust-root: the seal decided; the registry is a remark
            registry = report.get("registry")
            print("  依据所给信任根判断电子签章 (verdict from the signature under the given trust roots)")
            if isinstance(registry, dict):
                print(f"  本系统登记 (registry): {registry.get('status')}")
            for p in report.get("registry_problems", []):
                print(f"  ℹ 本系统登记 (registry) {p['code']}: {p['message']}")
    return code


def _cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    """``jiudi audit checkpoint`` signs the chain's head; ``jiudi audit verify`` checks chain and checkpoints."""
    from confirm.core import audit, migrate
    from confirm.core.db import transaction
    from confirm.core.runtime import Runtime

    runtime = Runtime(settings)
    migrate.upgrade(runtime.engine)
    with transaction(runtime.engine) as session:
        if args.sub == "checkpoint":
            cp = audit.checkpoint(session, runtime.audit_key)
            print(f"checkpoint at record {cp.last_record_id}" if cp else "no new records since the last checkpoint")
            return 0
        problems = audit.verify_log(session, runtime.audit_key.public_key(), runtime.audit_keys)
        legacy = audit.legacy_records(session, runtime.audit_keys.mac_key)
    for problem in problems:
        print(f"✖ {problem}")
    if legacy:
        print(f"records 1–{legacy} predate the keyed chain: they are protected by the signed checkpoints only")
    print("audit log intact" if not problems else f"audit log damaged: {len(problems)} problem(s)")
    return 0 if not problems else 1


def _cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.core.backup import backup

    manifest = backup(settings, Path(args.dest))
    print(f"backup written to {args.dest}: {manifest}")
    return 0


def _cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from confirm.core.backup import restore

    manifest = restore(settings, Path(args.src))
    print(f"restored from {args.src} (made {manifest['made_at']})")
    return 0


def _cmd_store_import(settings: Settings, _args: argparse.Namespace) -> int:
    """Copy the documents of the data directory's store into the database store (after switching to it)."""
    from confirm.core.runtime import Runtime
    from confirm.core.storage import DatabaseStore, DirectoryStore, import_directory

    runtime = Runtime(settings)
    try:
        if not isinstance(runtime.store, DatabaseStore):
            print("the document store is the directory (JIUDI_DOCUMENT_STORE); nothing to import", file=sys.stderr)
            return 2
        added = import_directory(DirectoryStore(settings.store_dir), runtime.store)
        print(f"{added} document(s) copied into the database store; {runtime.store.count()} stored there")
        return 0
    finally:
        runtime.engine.dispose()


def _cmd_store_check(settings: Settings, _args: argparse.Namespace) -> int:
    """Read every stored document and check it hashes to its name (exit 1 if one does not)."""
    from confirm.core.runtime import Runtime
    from confirm.core.storage import CorruptDocument

    runtime = Runtime(settings)
    checked, corrupt = 0, []
    try:
        for sha256 in runtime.store.names():
            try:
                for _chunk in runtime.store.chunks(sha256):
                    pass
            except CorruptDocument:
                corrupt.append(sha256)
            checked += 1
    finally:
        runtime.engine.dispose()
    for sha256 in corrupt:
        print(f"corrupt: {sha256}", file=sys.stderr)
    print(f"{runtime.store.kind} store: {checked} document(s) checked, {len(corrupt)} corrupt")
    return 1 if corrupt else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiudi", description="就地 — judicial confirmation with sealed rulings")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the database, development keys and demo court (idempotent)")
    sub.add_parser("worker", help="run the issuance worker as its own process (serve with JIUDI_ISSUANCE_IN_PROCESS=0)")
    serve = sub.add_parser("serve", help="run the service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="server processes (default 1); with more, exactly one issuance worker runs, in the "
                       "supervisor")

    court = sub.add_parser("court", help="courts").add_subparsers(dest="sub", required=True)
    court_add = court.add_parser("add", help="add a court (and its development seal)")
    court_add.add_argument("--code", required=True)
    court_add.add_argument("--name", required=True)

    court_set = court.add_parser("set", help="a court's settings")
    court_set.add_argument("--code", required=True)
    court_set.add_argument("--name", help="the court's full name as its documents and seal print it, beginning with "
                           "the province (e.g. 重庆市秀山土家族苗族自治县人民法院)")
    court_set.add_argument("--party-confirmation", choices=["required", "optional"],
                           help="whether confirming needs every party's own confirmation (default required)")
    court_set.add_argument("--revocation", choices=["deciding_judge", "any_judge"],
                           help="who may decide an objection (and so revoke a ruling): the judge who decided (default) or any judge of the court")
    court_set.add_argument("--late-applications", choices=["flag", "block"],
                           help="an application after the 30-day window (CPL 205): accepted with a risk flag for the "
                           "judge to decide on good cause under CPL 86 (default flag) or refused at intake (block)")
    court_set.add_argument("--print-full-id", choices=["yes", "no"],
                           help="whether rulings print identity document numbers in full (default yes) or masked "
                           "(first 6 and last 4 characters of an 18-digit number)")
    court_set.add_argument("--case-numbers", choices=["counter", "blocks", "http"],
                           help="where the court's 民特 case numbers come from: Jiudi's own counter (default; only when "
                           "no other case of the court takes a 民特 number), blocks the court reserved for Jiudi "
                           "(court blocks add), or the court's case system (JIUDI_CASE_ALLOCATOR_URL)")
    court_show = court.add_parser("show", help="a court's settings and where its case numbers stand")
    court_show.add_argument("--code", required=True)
    court_blocks = court.add_parser("blocks", help="blocks of case numbers the court reserved for Jiudi (号段)")
    blocks_add = court_blocks.add_subparsers(dest="blocks_sub", required=True).add_parser(
        "add", help="enter a range of the year's 民特 series that the court reserved for Jiudi")
    blocks_add.add_argument("--code", required=True)
    blocks_add.add_argument("--year", type=int, required=True, help="收案年度")
    blocks_add.add_argument("--first", type=int, required=True)
    blocks_add.add_argument("--last", type=int, required=True)
    counter_start = court.add_parser("counter-start", help="the first 民特 number Jiudi's own counter gives in a year")
    counter_start.add_argument("--code", required=True)
    counter_start.add_argument("--year", type=int, required=True)
    counter_start.add_argument("--start", type=int, required=True)

    follow_up = sub.add_parser("follow-up", help="the obligations' reminders and questions after the ruling")
    follow_up.add_subparsers(dest="sub", required=True).add_parser(
        "plan", help="plan them for cases served before this release (idempotent)")
    outbox_cmd = sub.add_parser("outbox", help="the development outbox: messages Jiudi would have sent")
    outbox_cmd.add_argument("--limit", type=int, default=20)
    outbox_cmd.add_argument("--json", action="store_true")

    org = sub.add_parser("org", help="mediation organisations").add_subparsers(dest="sub", required=True)
    org_add = org.add_parser("add", help="add a mediation organisation")
    org_add.add_argument("--court", required=True)
    org_add.add_argument("--name", required=True)
    org_add.add_argument("--kind", required=True, choices=[k.value for k in OrgKind])

    ikey = sub.add_parser("institution-key", help="keys of bulk verifiers (a bank) with their own look-up limit"
                          ).add_subparsers(dest="sub", required=True)
    ikey_add = ikey.add_parser("add", help="make a key (printed once)")
    ikey_add.add_argument("--name", required=True, help="the institution, e.g. 某某银行秀山支行")
    ikey_add.add_argument("--per-minute", type=int, default=6000, help="its verification look-ups a minute")
    ikey.add_parser("list", help="the keys, active and revoked")
    ikey.add_parser("revoke", help="refuse a key from now on").add_argument("--id", type=int, required=True)

    user = sub.add_parser("user", help="users").add_subparsers(dest="sub", required=True)
    user_add = user.add_parser("add", help="add a user")
    user_add.add_argument("username")
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--court", required=True)
    user_add.add_argument("--org")
    user_add.add_argument("--name")
    user_add.add_argument("--password-stdin", action="store_true")

    audit_cmd = sub.add_parser("audit", help="the MAC-chained audit log").add_subparsers(dest="sub", required=True)
    audit_cmd.add_parser("verify", help="check the keyed chain, the head and the signed checkpoints (exit 1 if damaged)")
    audit_cmd.add_parser("checkpoint", help="sign the current head of the chain with the audit key")

    backup_cmd = sub.add_parser("backup", help="copy the database, document store and keys into an empty directory")
    backup_cmd.add_argument("dest")
    restore_cmd = sub.add_parser("restore", help="put a backup back (replaces the database)")
    restore_cmd.add_argument("src")
    store_cmd = sub.add_parser("store", help="the document store").add_subparsers(dest="sub", required=True)
    store_cmd.add_parser("import", help="copy the data directory's documents into the database store")
    store_cmd.add_parser("check", help="read every stored document and check its SHA-256 (exit 1 if one is corrupt)")

    verify = sub.add_parser("verify", help="check a sealed ruling PDF offline")
    verify.add_argument("file")
    verify.add_argument("--trust-root", action="append", default=[], metavar="CERT.pem")
    verify.add_argument("--json", action="store_true")
    return parser


COMMANDS = {
    ("init", None): _cmd_init, ("serve", None): _cmd_serve, ("worker", None): _cmd_worker, ("court", "add"): _cmd_court_add,
    ("court", "set"): _cmd_court_set, ("court", "show"): _cmd_court_show, ("court", "blocks"): _cmd_court_blocks,
    ("court", "counter-start"): _cmd_court_counter_start, ("outbox", None): _cmd_outbox,
    ("follow-up", "plan"): _cmd_follow_up_plan,
    ("institution-key", "add"): _cmd_institution_key, ("institution-key", "list"): _cmd_institution_key,
    ("institution-key", "revoke"): _cmd_institution_key,
    ("org", "add"): _cmd_org_add, ("user", "add"): _cmd_user_add, ("verify", None): _cmd_verify,
    ("backup", None): _cmd_backup, ("restore", None): _cmd_restore,
    ("store", "import"): _cmd_store_import, ("store", "check"): _cmd_store_check,
    ("audit", "verify"): _cmd_audit, ("audit", "checkpoint"): _cmd_audit,
}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # a wrong JIUDI_* variable: say which, and start nothing
        print(f"错误 [config.invalid]: 配置有误：{exc}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[(args.command, getattr(args, "sub", None))](settings, args)
    except DomainError as exc:
        print(f"错误 [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2 if args.command == "verify" else 1


if __name__ == "__main__":
    sys.exit(main())
