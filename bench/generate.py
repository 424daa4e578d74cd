"""Fill a database with a synthetic workspace for benchmarks.

    .venv/bin/python bench/generate.py --users 5000 --activity 1000000 [--comments K] [--workspaces W]
    .venv/bin/python bench/generate.py --users 5000 --items 1000000 [--projects 500] [--targets-file F]
    .venv/bin/python bench/generate.py --users 5000 --objectives 2000 [--items 10000]

The database is the one the settings choose (DATABASE_URL, else the SQLite file under var/); it is
migrated first and must not hold a workspace `bench` yet. Everyone's password is PASSWORD. The
activity log (and the work items) are written with executemany (SQLite) or COPY (PostgreSQL), in
transactions of 20,000 rows. With `--items`, workspace `bench` also gets projects and work items
(bench/generate_items.py), with `--objectives` goals and OKRs (bench/generate_goals.py), and the
ids the load client needs go to the targets file. A signed-in session of user0 for the web pages
goes to bench-session.txt next to the token file.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")

import django

django.setup()

import generate_goals  # noqa: E402
import generate_items  # noqa: E402
import generate_requirements  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Department, Membership, Team, TeamMember, User, Workspace  # noqa: E402
from accounts.services import create_token, set_name_pinyin  # noqa: E402
from core import markdown  # noqa: E402
from core.models import Activity, Comment  # noqa: E402
from core.permissions import Role  # noqa: E402

PASSWORD = "bench-password-2025"
BATCH = 5000
ACTIVITY_BATCH = 50_000
DEPARTMENTS = ["Engineering", "Product", "Design", "Sales", "Marketing", "Support", "Finance", "Operations"]
DEPARTMENTS += ["研发", "产品", "设计", "市场", "客户成功", "财务", "法务", "人力资源"]
TEAMS = ["Platform", "Mobile", "Web", "Data", "Growth", "Billing", "Search", "Infra", "支付", "增长", "数据", "搜索"]
TITLES = ["Engineer", "Senior engineer", "Product manager", "Designer", "QA", "工程师", "产品经理", "设计师", ""]
COMMENTS = [
    "Looks good to me.",
    "Can we **move** the review to Thursday? cc @user1",
    "同意，下周一开始执行。",
    "See the notes:\n\n- budget approved\n- hiring two engineers\n- `Q3` roadmap frozen",
    "请 @user2 确认一下人员安排。",
]
YEAR = datetime.timedelta(days=365)
written = [0]  # rows written so far


def role_for(i: int, users: int) -> str:
    if i == 0:
        return Role.OWNER
    if i <= max(2, users // 200):
        return Role.ADMIN
    return Role.GUEST if i % 20 == 19 else Role.MEMBER


def skewed(rng: random.Random, items: list) -> object:
    """Low indexes are hot: item 0 gets about len**-1/3 of the picks (realistic hot objects)."""
    return items[int(len(items) * rng.random() ** 3)]


def step(name: str, started: float, rows: int) -> None:
    took = time.perf_counter() - started
    written[0] += rows
    print(f"{name:<14} {rows:>10,} rows {took:8.2f} s {rows / max(took, 1e-9):>12,.0f} rows/s", flush=True)


def bulk(model: type, objs: list) -> list:
    with transaction.atomic():
        return model.objects.bulk_create(objs, batch_size=BATCH)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华悦鹏飞婷雪琳浩宇"


def person_name(i: int) -> str:
    """Half the people have Chinese names (found by pinyin: 林悦 by "ly"), spread over common
    surnames and given names; the other half "User i"."""
    if i % 2:
        return f"User {i}"
    return SURNAMES[i // 2 % len(SURNAMES)] + GIVEN[i // 7 % len(GIVEN)] + GIVEN[i // 3 % len(GIVEN)]


def make_users(n: int) -> list[int]:
    started = time.perf_counter()
    password = make_password(PASSWORD)  # one argon2 hash, shared by every user
    users = [
        User(
            username=f"user{i}",
            email=f"user{i}@bench.test",
            password=password,
            display_name=person_name(i),
            language="en" if i % 3 == 0 else "zh-hans",
        )
        for i in range(n)
    ]
    for user in users:
        set_name_pinyin(user)  # as create_user stores it
    ids = [u.pk for u in bulk(User, users)]
    step("users", started, n)
    return ids


def make_departments(ws: Workspace, count: int, user_ids: list[int], rng: random.Random) -> list[Department]:
    """A three-level tree: ~1/21 roots, four children each, the rest under those children."""
    roots = max(1, count // 21)
    mids = min(count - roots, roots * 4)
    made: list[Department] = []
    parents: list[Department] = []
    for level, size in enumerate([roots, mids, count - roots - mids]):
        objs = [
            Department(
                workspace=ws,
                name=f"{DEPARTMENTS[(len(made) + k) % len(DEPARTMENTS)]} {len(made) + k + 1}",
                parent=parents[k % len(parents)] if level else None,
                head_id=rng.choice(user_ids),
                description=f"Level {level} department.",
            )
            for k in range(size)
        ]
        if objs:
            parents = bulk(Department, objs)
            made += parents
    return made


def make_workspace(slug: str, user_ids: list[int], rng: random.Random) -> dict[str, list]:
    """Workspace, memberships, departments and teams; returns the activity targets by type."""
    started = time.perf_counter()
    ws = Workspace.objects.create(name=f"Bench {slug}", slug=slug)
    n = len(user_ids)
    departments = make_departments(ws, max(3, n // 20), user_ids, rng)
    members = bulk(
        Membership,
        [
            Membership(
                workspace=ws,
                user_id=uid,
                role=role_for(i, n),
                department=departments[i % len(departments)],
                title=TITLES[i % len(TITLES)],
            )
            for i, uid in enumerate(user_ids)
        ],
    )
    teams = bulk(
        Team,
        [
            Team(
                workspace=ws,
                name=f"{TEAMS[k % len(TEAMS)]} {k + 1}",
                kind="work_group" if k % 5 == 4 else "team",
                lead_id=rng.choice(user_ids),
            )
            for k in range(max(1, n // 10))
        ],
    )
    team_members = [
        TeamMember(team=team, user_id=uid) for team in teams for uid in rng.sample(user_ids, min(n, rng.randint(4, 12)))
    ]
    bulk(TeamMember, team_members)
    step(f"ws {slug}", started, 1 + len(departments) + len(members) + len(teams) + len(team_members))
    labels = {uid: person_name(i) for i, uid in enumerate(user_ids)}
    return {
        "workspace": [(ws, ws.name)],
        "department": [(d, d.name) for d in departments],
        "team": [(t, t.name) for t in teams],
        "member": [(m, labels[m.user_id]) for m in members],
    }


def make_comments(
    targets: list[dict[str, list]], count: int, user_ids: list[int], rng: random.Random
) -> dict[int, list[int]]:
    """Comments on departments, hot departments first; returns comment ids per workspace."""
    started = time.perf_counter()
    html = {body: markdown.render(body) for body in COMMENTS}
    start = timezone.now() - YEAR
    objs = []
    for i in range(count):
        ws_targets = targets[i % len(targets)]
        department, _ = skewed(rng, ws_targets["department"])
        body = COMMENTS[i % len(COMMENTS)]
        when = start + YEAR * (i / max(count, 1))
        objs.append(
            Comment(
                workspace=ws_targets["workspace"][0][0],
                target_type="department",
                target_id=department.pk,
                author_id=rng.choice(user_ids),
                body=body,
                body_html=html[body],
                created_at=when,
                updated_at=when,
            )
        )
    by_workspace: dict[int, list[int]] = {t["workspace"][0][0].pk: [] for t in targets}
    for c in bulk(Comment, objs):
        by_workspace[c.workspace_id].append(c.pk)
    step("comments", started, count)
    return by_workspace


def change_for(rng: random.Random, kind: str, obj: object, user_ids: list[int], comment_ids: list[int]) -> tuple:
    """A (verb, changes) pair of the shape the services record for this kind of object."""
    r = rng.random()
    if kind == "department":
        if r < 0.05:
            return "created", {"name": [None, obj.name], "parent": [None, obj.parent_id], "head": [None, obj.head_id]}
        if r < 0.35:
            return "commented", {"comment": [None, rng.choice(comment_ids) if comment_ids else None]}
        if r < 0.6:
            return "updated", {"head": [rng.choice(user_ids), obj.head_id]}
        if r < 0.97:
            return "updated", {"name": [f"{obj.name} (old)", obj.name], "description": ["", obj.description]}
        return ("deleted", {}) if r < 0.985 else ("restored", {})
    if kind == "team":
        if r < 0.05:
            return "created", {"name": [None, obj.name], "kind": [None, obj.kind], "lead": [None, obj.lead_id]}
        if r < 0.6:
            return "updated", {"members": [sorted(rng.sample(user_ids, 3)), sorted(rng.sample(user_ids, 4))]}
        return "updated", {"lead": [rng.choice(user_ids), obj.lead_id]}
    if kind == "member":
        if r < 0.3:
            return "joined", {"role": [None, obj.role]}
        if r < 0.6:
            return "updated", {"role": ["member", obj.role]}
        return "updated", {"department": [None, obj.department_id], "title": ["", obj.title]}
    return "updated", {"description": ["", f"Workspace notes, revision {rng.randint(1, 99)}"]}


def activity_rows(
    targets: list[dict[str, list]], count: int, user_ids: list[int], comments: dict, rng: random.Random, postgres: bool
) -> Iterator[generate_items.Event]:
    """(created_at, "activity", row) in id order, created_at increasing over the last year."""
    kinds, weights = ["department", "team", "member", "workspace"], [40, 30, 25, 5]
    start = timezone.now().replace(tzinfo=None) - YEAR
    tick = YEAR / max(count, 1)
    suffix = "+00" if postgres else ""
    for i in range(count):
        ws_targets = targets[i % len(targets)]
        kind = rng.choices(kinds, weights)[0]
        workspace_id = ws_targets["workspace"][0][0].pk
        obj, label = skewed(rng, ws_targets[kind])
        verb, changes = change_for(rng, kind, obj, user_ids, comments[workspace_id])
        when = start + tick * (i + rng.random() * 0.9)
        row = (workspace_id, skewed(rng, user_ids), verb, kind, obj.pk, label, json.dumps(changes), str(when) + suffix)
        yield when, "activity", row


def make_activity(targets: list[dict[str, list]], count: int, user_ids: list[int], comments: dict, rng) -> None:
    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    columns = "workspace_id, actor_id, verb, target_type, target_id, target_label, changes, created_at"
    table = Activity._meta.db_table
    rows = activity_rows(targets, count, user_ids, comments, rng, postgres)
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for _, _, row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
            for first in range(0, count, ACTIVITY_BATCH):
                cursor.executemany(sql, [next(rows)[2] for _ in range(min(ACTIVITY_BATCH, count - first))])
    step("activity", started, count)


def make_items(
    targets: list[dict[str, list]], args: argparse.Namespace, user_ids: list[int], comments: dict, rng: random.Random
) -> dict[str, Any]:
    """Projects and work items in workspace `bench`, their history merged with the activity log."""
    started = time.perf_counter()
    generate_items.check_columns()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # this connection only: a bulk load, re-doable from scratch
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
    now = timezone.now().replace(tzinfo=None)
    ws = targets[0]["workspace"][0][0]
    guests = {uid for i, uid in enumerate(user_ids) if role_for(i, len(user_ids)) == Role.GUEST}
    projects = args.projects or max(1, round(args.items / 2000))
    plans = generate_items.make_projects(ws, user_ids, guests, args.items, projects, rng, now)
    step("projects", started, len(plans))
    suffix = "+00" if connection.vendor == "postgresql" else ""
    items = generate_items.Items(ws, plans, user_ids[0], rng, now, suffix)
    activity = activity_rows(targets, args.activity, user_ids, comments, rng, connection.vendor == "postgresql")
    generate_items.write_all(plans, items, activity, step)
    closing = time.perf_counter()
    generate_items.close_sprints(plans, now)
    step("sprint reports", closing, sum(len(p.closed) for p in plans))
    return generate_items.targets(plans, items, ws.slug)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--activity", type=int, default=10_000, help="activity rows in all (spread over workspaces)")
    parser.add_argument("--comments", type=int, help="comments on departments (default: users / 2)")
    parser.add_argument("--workspaces", type=int, default=1, help="bench, bench-2, ... (each has every user)")
    parser.add_argument("--items", type=int, default=0, help="work items in workspace bench (default: none)")
    parser.add_argument("--projects", type=int, help="projects for the items (default: items / 2000)")
    parser.add_argument("--requirements", type=int, default=0, help="requirements in workspace bench")
    parser.add_argument("--feedback", type=int, default=0, help="with --requirements: linked feedback items")
    parser.add_argument("--objectives", type=int, default=0, help="objectives of the active cycle in workspace bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--token-file", type=Path, default=settings.VAR_DIR / "bench-token.txt")
    parser.add_argument("--targets-file", type=Path, help="ids for load.py (default: bench-targets.json by the token)")
    args = parser.parse_args()
    if args.users < 1 or args.workspaces < 1 or args.activity < 0 or args.items < 0:
        parser.error("--users and --workspaces must be at least 1, --activity and --items at least 0")
    if args.items and args.users < 20:
        parser.error("--items needs at least 20 users")

    started = time.perf_counter()
    rng = random.Random(args.seed)
    db = connection.settings_dict
    print(f"database: {connection.vendor} {db['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    step("migrate", started, 0)
    if Workspace.objects.filter(slug="bench").exists():
        sys.exit("workspace 'bench' exists already: generate into a fresh database")

    user_ids = make_users(args.users)
    slugs = ["bench"] + [f"bench-{k}" for k in range(2, args.workspaces + 1)]
    targets = [make_workspace(slug, user_ids, rng) for slug in slugs]
    comment_count = args.users // 2 if args.comments is None else args.comments
    comments = make_comments(targets, comment_count, user_ids, rng)
    item_targets = None
    if args.items:
        item_targets = make_items(targets, args, user_ids, comments, rng)
    else:
        make_activity(targets, args.activity, user_ids, comments, rng)
    if args.requirements:
        workspace = Workspace.objects.get(slug="bench")
        found = generate_requirements.make_requirements(
            workspace, args.requirements, args.feedback, user_ids, rng, step
        )
        item_targets = (item_targets or {}) | found
    if args.objectives:
        workspace = Workspace.objects.get(slug="bench")
        found = generate_goals.make_goals(workspace, args.objectives, user_ids, rng, step)
        item_targets = (item_targets or {}) | found

    if connection.vendor == "postgresql":
        analyzed = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a load this size
        step("vacuum", analyzed, 0)

    _, token = create_token(User.objects.get(username="user0"), name="bench")
    args.token_file.parent.mkdir(parents=True, exist_ok=True)
    args.token_file.write_text(token + "\n")
    # A signed-in browser session of user0 for the web pages (load.py sends it as the session cookie).
    browser = Client()
    browser.force_login(User.objects.get(username="user0"))
    session_file = args.token_file.with_name("bench-session.txt")
    session_file.write_text(browser.cookies[settings.SESSION_COOKIE_NAME].value + "\n")
    if item_targets is not None:
        targets_file = args.targets_file or args.token_file.with_name("bench-targets.json")
        targets_file.write_text(json.dumps(item_targets, indent=1) + "\n")
        scalars = {k: v for k, v in item_targets.items() if isinstance(v, int | str)}
        print(f"targets in {targets_file}: {scalars}")
    total = time.perf_counter() - started
    print(f"done: {written[0]:,} rows in {total:.1f} s ({written[0] / total:,.0f} rows/s); password: {PASSWORD}")
    print(f"token for user0@bench.test (also in {args.token_file}):\n{token}")


if __name__ == "__main__":
    main()
