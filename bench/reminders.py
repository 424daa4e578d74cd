"""The reminder scan (notify.reminders.scan_due_dates) over a workspace with N open work items.

    .venv/bin/python bench/reminders.py                    # SQLite, 1,000,000 open items
    .venv/bin/python bench/reminders.py --db postgres      # the same on a throwaway PostgreSQL server
    .venv/bin/python bench/reminders.py --open 10000       # a quick one, from the 10k-item snapshot
    .venv/bin/python bench/reminders.py --compare --json out.json

The data is built once into var/bench/reminders-<db>-open<N>-history<H>/ (gitignored) and every run
works on a fresh copy of it, because the first scan writes notifications. It starts from the
work-item snapshot of bench/run.py (`run.py --items N --reuse`; generated here if missing: about
half of its items are open), migrated, to which it adds copies of the workspace's open items (in
id order, same project, owner, state and due date, new numbers; without history rows) until exactly
N are open, and H notifications of the past year (half of them old reminders with a dedupe key): the
history that the scan's "already told?" lookup must not read through.

Each run, at the generator's clock (`now`: when the last item was created), prints:
  (a) the query plan of each window's candidate query (it must read the item_due index) and of the
      "already told?" lookup (it must read the (recipient, dedupe_key) index);
  (b) the first scan, which tells: the items each window found, the notifications and deliveries
      written, seconds and queries;
  (c) the same scan --runs more times (default 5), with nothing left to tell: what the worker does
      every 15 minutes; p50, min and max seconds, and queries;
  with --compare, the two reads the scan used before they went through the indexes, each timed once:
  the candidates in id order (500 at a time, ORDER BY id LIMIT 500) and "already told?" by key alone.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import run  # bench/run.py: the work-item snapshots, the PostgreSQL helpers
from load import cpu_of

ROOT = run.ROOT
SNAPSHOTS = run.SNAPSHOTS
BATCH = 20_000


# --- building the data (in a child process, on the snapshot being built) ------------------------


def prepare(open_items: int, history: int) -> dict[str, Any]:
    """Migrate, add open items until exactly `open_items` are open, write `history` notifications."""
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max

    from accounts.models import Membership, Workspace
    from notify.models import Notification
    from projects.models import Category, Project, WorkItem

    open_categories = [Category.TODO, Category.IN_PROGRESS]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.get(slug="bench")
    items = WorkItem.objects.filter(workspace=workspace)
    open_now = items.filter(category__in=open_categories).count()
    if open_now > open_items:
        sys.exit(f"the snapshot already has {open_now:,} open items, more than {open_items:,}")
    columns = [str(f.column) for f in WorkItem._meta.concrete_fields if f.column not in ("id", "number")]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    picked = ", ".join(f"w.{connection.ops.quote_name(c)}" for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        # Copies of the first open items, numbered after their project's last number.
        cursor.execute(
            f"INSERT INTO projects_workitem ({quoted}, number) "  # noqa: S608 (the model's own column names)
            f"SELECT {picked}, p.next_number - 1 + ROW_NUMBER() OVER (PARTITION BY w.project_id ORDER BY w.id) "
            "FROM (SELECT * FROM projects_workitem WHERE workspace_id = %s AND category IN (%s, %s) "
            "AND deleted_at IS NULL ORDER BY id LIMIT %s) w JOIN projects_project p ON p.id = w.project_id",
            [workspace.pk, *open_categories, open_items - open_now],
        )
        cursor.execute(
            "UPDATE projects_project SET next_number = 1 + (SELECT MAX(number) FROM projects_workitem i "
            "WHERE i.project_id = projects_project.id) WHERE workspace_id = %s",
            [workspace.pk],
        )
    added = open_items - open_now
    now = items.aggregate(last=Max("created_at"))["last"].replace(second=0, microsecond=0)

    rng = random.Random(7)
    people = list(Membership.objects.filter(workspace=workspace).values_list("user_id", flat=True))
    events = ["work_item.assigned", "comment.mentioned", "comment.added", "work_item.status_changed"]
    start = now - datetime.timedelta(days=365)
    written = 0
    while written < history:
        batch = []
        for n in range(written, min(written + BATCH, history)):
            reminder = n % 2 == 0
            batch.append(
                Notification(
                    workspace=workspace,
                    recipient_id=rng.choice(people),
                    event="work_item.overdue" if reminder else rng.choice(events),
                    target_type="work_item",
                    target_id=n + 1,
                    context={"object": f"APP1-{n + 1}"},
                    in_inbox=True,
                    dedupe_key=f"overdue:{n + 1}:2025-01-01" if reminder else None,  # due dates of no window
                    created_at=start + datetime.timedelta(seconds=n * 365 * 86400 // max(history, 1)),
                    read_at=now if rng.random() < 0.8 else None,
                )
            )
        with transaction.atomic():
            Notification.objects.bulk_create(batch)
        written += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after such a load
    return {
        "now": now.isoformat(),
        "items": items.count(),
        "open": items.filter(category__in=open_categories).count(),
        "added_open": added,
        "projects": Project.objects.filter(workspace=workspace).count(),
        "people": len(people),
        "notifications": Notification.objects.count(),
        "prepare_seconds": time.perf_counter() - started,
    }


def child_env(db_url: str, var: Path) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
        "CADENCE_VAR_DIR": str(var),
        "DATABASE_URL": db_url,
    }


def run_prepare(args: argparse.Namespace, db_url: str, var: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--prepare", "--open", str(args.open), "--history", str(args.history)]
    out = subprocess.run(command, cwd=ROOT, env=child_env(db_url, var), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def base_args(args: argparse.Namespace) -> argparse.Namespace:
    """run.py's settings for the work-item snapshot with `--open` items (about half of them open)."""
    items = args.open
    return argparse.Namespace(
        db=args.db, items=items, users=max(50, items // 200), rows=10_000, workspaces=1, projects=None, comments=None
    )


def snapshot_of(args: argparse.Namespace) -> Path:
    snapshot = SNAPSHOTS / f"reminders-{args.db}-open{args.open}-history{args.history}"
    if (snapshot / "ready.json").exists():
        return snapshot
    base = run.snapshot_of(base_args(args))
    partial = snapshot.with_name(snapshot.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"building {snapshot} (once) from {base}", flush=True)
    shutil.copytree(base / "var", partial / "var", ignore=shutil.ignore_patterns("*.sqlite3*"))
    if args.db == "sqlite":
        shutil.copy(base / "bench.sqlite3", partial / "bench.sqlite3")
        info = run_prepare(args, f"sqlite:///{partial / 'bench.sqlite3'}", partial / "var")
    else:
        with run.copied_cluster(base) as (url, pid_file):
            info = run_prepare(args, url, partial / "var")
            data = pid_file.parent
            run.pg_ctl(data, "-m", "fast", "-w", "stop")
            subprocess.run(["cp", "-a", str(data), str(partial / "data")], check=True)
    (partial / "ready.json").write_text(json.dumps(info, indent=2) + "\n")
    partial.rename(snapshot)
    return snapshot


# --- measuring (in this process, on a copy) ---------------------------------------------------


def compact(plan: str) -> str:
    """A plan with repeated lines once, counted: SQLite's MULTI-INDEX OR lists one search per term,
    PostgreSQL's BitmapOr one index scan per term (compared without their values and costs)."""
    lines: dict[str, int] = {}
    for line in plan.splitlines():
        detail = line.split(" ", 3)[-1] if line[:1].isdigit() else line  # SQLite: "id parent 0 DETAIL"
        detail = re.sub(r"  \(cost=[^)]*\)", "", detail)
        if "Cond:" in detail and "BitmapOr" not in detail:
            detail = re.sub(r"'[^']*'(::\w+)?|\b\d+\b", "?", detail)
        if len(detail) > 160:
            detail = detail[:160] + " …"
        if not detail.startswith("INDEX "):
            lines[detail] = lines.get(detail, 0) + 1
    return "\n".join(f"{line}  (x{n})" if n > 1 else line for line, n in lines.items())


class Counter:
    """Counts the queries run through the connection (an execute wrapper: no DEBUG needed)."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def measure(args: argparse.Namespace, info: dict[str, Any], db_pids: list[int]) -> dict[str, Any]:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.db import connection

    from accounts.models import Workspace
    from notify import reminders
    from notify.models import Delivery, Notification

    now = datetime.datetime.fromisoformat(info["now"])
    workspace = Workspace.objects.get(slug="bench")
    settings = reminders.reminder_settings(workspace.pk)
    today = now.astimezone(ZoneInfo(settings.time_zone)).date()
    out: dict[str, Any] = {"now": info["now"], "today": str(today), "time_zone": settings.time_zone, "windows": {}}
    print(f"\nnow {now:%Y-%m-%d %H:%M} UTC = {today} in {settings.time_zone}; {info['open']:,} open items")

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time() + cpu_of(db_pids)

    print("\n(a) plans")
    pairs_sample: set[tuple[int, str]] = set()
    for kind, first, last in reminders.windows(settings, today):
        ids = reminders.due_between(workspace.pk, first, last)
        plan = compact(ids.explain())
        read_from = time.perf_counter()
        rows = list(ids)
        read = time.perf_counter() - read_from
        out["windows"][kind] = {"first": str(first), "last": str(last), "candidates": len(rows), "ids_seconds": read}
        print(f"  {kind} {first}..{last}: {len(rows):,} candidates, ids read in {read * 1000:.1f} ms")
        print("    " + plan.replace("\n", "\n    "))
        if "item_due" not in plan:
            print(f"    NOT THROUGH item_due: the {kind} candidates")
        pairs_sample |= {(owner, f"{kind}:{pk}:{due}") for pk, owner, due in sorted(rows)[: reminders.CHUNK]}
    told_plan = compact(reminders.told_lookup(set(sorted(pairs_sample)[: reminders.CHUNK])).explain())
    print(f"  already told? ({reminders.CHUNK} (recipient, key) pairs)")
    print("    " + told_plan.replace("\n", "\n    "))
    out["plans"] = {"told": told_plan}

    counter = Counter()
    notifications, deliveries = Notification.objects.count(), Delivery.objects.count()
    print("\n(b) the first scan")
    with connection.execute_wrapper(counter):
        start = clock()
        result = reminders.scan_due_dates(now)
        end = clock()
    wall, cpu = end[0] - start[0], end[1] - start[1]
    written = Notification.objects.count() - notifications
    sent = Delivery.objects.count() - deliveries
    out["first_scan"] = {
        "found": result.found,
        "told": result.told,
        "notifications": written,
        "deliveries": sent,
        "seconds": wall,
        "cpu_seconds": cpu,
        "queries": counter.queries,
    }
    counts = ", ".join(f"{k} {v:,}" for k, v in result.found.items())
    print(f"  found {counts}; told {result.told:,}: {written:,} notifications, {sent:,} deliveries")
    print(f"  {wall:.1f} s ({cpu:.1f} CPU s), {counter.queries:,} queries")

    print(f"\n(c) the scan again, {args.runs} times: nobody left to tell")
    runs = []
    for _ in range(args.runs):
        counter = Counter()
        with connection.execute_wrapper(counter):
            start = clock()
            again = reminders.scan_due_dates(now)
            end = clock()
        wall, cpu = end[0] - start[0], end[1] - start[1]
        assert again.told == 0, again
        runs.append({"seconds": wall, "cpu_seconds": cpu, "queries": counter.queries})
    walls = [float(r["seconds"]) for r in runs]
    out["again"] = {
        "runs": runs,
        "p50_seconds": statistics.median(walls),
        "min_seconds": min(walls),
        "max_seconds": max(walls),
        "found": again.found,
    }
    print(
        f"  p50 {statistics.median(walls) * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max"
        f" {max(walls) * 1000:.0f}); {statistics.median([r['cpu_seconds'] for r in runs]) * 1000:.0f} CPU ms;"
        f" {runs[0]['queries']} queries; found the same {sum(again.found.values()):,} items"
    )

    if args.compare:
        out["before"] = compare(workspace.pk, settings, today, pairs_sample)
    return out


def compare(workspace_id: int, settings: Any, today: datetime.date, pairs: set[tuple[int, str]]) -> dict[str, Any]:
    """The two reads as they were: candidates 500 at a time in id order; "already told?" by key."""
    from core.registry import get_type
    from notify import reminders
    from notify.models import Notification
    from projects.models import WorkItem

    deadline = get_type("work_item").deadline
    assert deadline is not None

    print("\n(compare) the reads before they went through the indexes, once each")
    before: dict[str, Any] = {}
    for kind, first, last in reminders.windows(settings, today):
        query = (
            WorkItem.objects.filter(workspace_id=workspace_id, due_date__range=(first, last))
            .filter(deadline.open)
            .select_related("project", "owner", "workspace")
            .order_by("pk")
        )
        plan = compact(query.filter(pk__gt=0)[: reminders.CHUNK].explain())
        began, after, count = time.perf_counter(), 0, 0
        while chunk := list(query.filter(pk__gt=after)[: reminders.CHUNK]):
            count += len(chunk)
            after = chunk[-1].pk
        seconds = time.perf_counter() - began
        before[kind] = {"candidates": count, "seconds": seconds, "plan": plan}
        print(f"  {kind}: {count:,} candidates in {seconds:.2f} s")
        print("    " + plan.replace("\n", "\n    "))
    keys = [key for _, key in sorted(pairs)[: reminders.CHUNK]]
    by_key = Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    plan = compact(by_key.explain())
    began = time.perf_counter()
    list(by_key)
    seconds = time.perf_counter() - began
    pairs_now = set(sorted(pairs)[: reminders.CHUNK])
    began = time.perf_counter()
    list(reminders.told_lookup(pairs_now))
    now_seconds = time.perf_counter() - began
    before["told_by_key"] = {"keys": len(keys), "seconds": seconds, "plan": plan, "by_pair_seconds": now_seconds}
    print(
        f"  already told? by {len(keys)} keys: {seconds * 1000:.1f} ms"
        f" (by (recipient, key) pairs: {now_seconds * 1000:.1f} ms)"
    )
    print("    " + plan.replace("\n", "\n    "))
    return before


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return f"{model}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=1_000_000, help="open work items (default 1,000,000)")
    parser.add_argument("--history", type=int, help="earlier notifications (default: as many as open items)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5, help="scans after the first (default 5)")
    parser.add_argument("--compare", action="store_true", help="also time the reads as they were before the indexes")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the child that builds the data
    args = parser.parse_args()
    if args.history is None:
        args.history = args.open
    if args.prepare:
        print(json.dumps(prepare(args.open, args.history), default=str))
        return
    if args.db == "postgres" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("--db postgres keeps its own data directory: unset DATABASE_URL")

    started = machine()
    snapshot = snapshot_of(args)
    info = json.loads((snapshot / "ready.json").read_text())
    tmp = Path(tempfile.mkdtemp(prefix="cadence-bench-reminders-"))
    try:
        with run.database(args.db, tmp, snapshot) as (db_url, pid_file):
            os.environ.update(child_env(db_url, tmp / "var"))
            db_pids = [int(pid_file.read_text().split()[0])] if pid_file else []
            print(
                f"{args.db}: {info['items']:,} work items, {info['open']:,} open ({info['added_open']:,} of them"
                f" added to the generated ones), {info['projects']} projects, {info['people']:,} people,"
                f" {info['notifications']:,} earlier notifications; {started}"
            )
            figures = measure(args, info, db_pids)
            from django.db import connection

            connection.close()
        if args.json:
            summary = {"db": args.db, "machine": started, "data": info, **figures}
            args.json.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
