"""A bounded HTTP load client for the Cadence API (httpx, asyncio).

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --token-file var/bench-token.txt \\
        [--ops members,activity] [--concurrency 8] [--duration 20] [--requests 100000] [--json out.json]

The work-item operations (backlog … transition) read their project, item and state ids from the
targets file generate.py --items writes (default: bench-targets.json next to the token file); the
goals operations their ids from the one generate.py --objectives writes. The web pages (okr_tree,
okr_tree_department, objective) are read with the session in bench-session.txt next to the token file.

Each operation runs on its own: a warm-up (results dropped), then `--concurrency` connections send
requests back to back until `--duration` seconds or `--requests` requests, whichever comes first.
A request is an error if it raises or answers anything but 2xx.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ORG_OPS = [
    "members",
    "departments",
    "teams",
    "activity",
    "activity_page_deep",
    "history",
    "comments",
    "me",
    "create_comment",
]
ITEM_OPS = ["backlog", "board", "my_work", "item", "item_history", "create_item", "transition"]
REQUIREMENT_OPS = ["requirements_ranked", "requirements_manual", "requirement", "feedback_inbox"]
# The palette's and the pickers' search (core.search), over the work-item snapshot.
SEARCH_OPS = ["search_key", "search_word", "search_title", "search_people", "search_palette"]
GOAL_OPS = ["okr_tree", "okr_tree_department", "okr_tree_api", "objective", "key_result_check_ins"]
OPS = ORG_OPS + ITEM_OPS + REQUIREMENT_OPS + GOAL_OPS + SEARCH_OPS
Request = tuple[str, str, dict | None]  # method, path, JSON body


def cpu_of(pids: list[int]) -> float:
    """CPU seconds used so far by these processes, their live children and the children they reaped."""
    total = 0
    for pid in pids:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for p in [pid, *map(int, children)]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                total += sum(map(int, fields[11:15] if p == pid else fields[11:13]))  # [us]time, c[us]time
    return total / os.sysconf("SC_CLK_TCK")


def get(path: str) -> Callable[[], Request]:
    return lambda: ("GET", path, None)


def item_ops(base: str, targets: dict) -> dict[str, Callable[[], Request]]:
    """Work items: the target project's backlog page and board, My work (the token's user owns
    hundreds of open items), one busy item and its history, creating an item, and moving items
    To do ↔ In progress (each item of a rotating set in turn, so no two requests touch the same
    item at once; every second visit moves it back)."""
    project = f"{base}/projects/{targets['project']}"
    item = targets["history_item"]
    fixed = {
        "backlog": f"{project}/items?limit=100",
        "board": f"{project}/board",
        "my_work": f"{base}/my-work?limit=100",
        "item": f"{base}/items/{item['key']}",
        "item_history": f"{base}/objects/work_item/{item['id']}/history",
    }
    ops = {name: get(path) for name, path in fixed.items()}
    serial = itertools.count()
    ops["create_item"] = lambda: ("POST", f"{project}/items", {"title": f"Bench item {next(serial)}"})
    keys = targets["transition_items"]
    states = [targets["states"]["in_progress"], targets["states"]["todo"]]
    moves = itertools.count()

    def transition() -> Request:
        n = next(moves)
        target = states[(n // len(keys)) % 2]
        return "POST", f"{base}/items/{keys[n % len(keys)]}/transition", {"state_id": target}

    ops["transition"] = transition
    return ops


def search_ops(base: str, targets: dict) -> dict[str, Callable[[], Request]]:
    """The search endpoint as the pickers and the palette call it: a work item's key, a common
    two-character Chinese word of the titles (the newest 8 of ~100,000 matches), a rarer words
    (one verb and noun, then an item number), people by pinyin initials among 5,000, and the
    palette's search of every type at once."""
    search = f"{base}/search"
    return {
        "search_key": get(f"{search}?q={targets['history_item']['key']}&types=work_item"),
        "search_word": get(f"{search}?q=登录&types=work_item"),
        "search_title": get(f"{search}?q=修复 支付回调 (12&types=work_item"),
        "search_people": get(f"{search}?q=ly&types=member"),
        "search_palette": get(f"{search}?q=登录"),
    }


def requirement_ops(base: str, targets: dict) -> dict[str, Callable[[], Request]]:
    """The ranked backlog's first page (by score, the default, and by manual rank), the detail of
    the requirement with the most linked feedback, and the feedback triage inbox's first page."""
    return {
        "requirements_ranked": get(f"{base}/requirements?limit=100"),
        "requirements_manual": get(f"{base}/requirements?sort=rank&limit=100"),
        "requirement": get(f"{base}/requirements/{targets['requirement']}"),
        "feedback_inbox": get(f"{base}/feedback?status=linked&limit=100"),
    }


def goal_ops(ws: str, base: str, targets: dict) -> dict[str, Callable[[], Request]]:
    """The alignment tree of the active cycle as a web page (all of it, and one department's) and
    through the API, the web page of the objective with the most key results and check-ins (their
    charts included), and the API list of one of its key results' check-ins."""
    web = f"/w/{ws}/goals"
    return {
        "okr_tree": get(f"{web}/"),
        "okr_tree_department": get(f"{web}/?department={targets['goals_department']}"),
        "okr_tree_api": get(f"{base}/goals/tree"),
        "objective": get(f"{web}/objectives/{targets['goals_objective']}/"),
        "key_result_check_ins": get(f"{base}/goals/key-results/{targets['goals_key_result']}/check-ins?limit=100"),
    }


async def prepare(
    client: httpx.AsyncClient, ws: str, deep_pages: int, wanted: list[str], targets: dict | None
) -> dict[str, Callable[[], Request]]:
    """What each operation sends; finds the oldest (hottest) department and a deep feed cursor."""
    base = f"/api/v1/workspaces/{ws}"
    ops: dict[str, Callable[[], Request]] = {}
    if set(wanted) & set(ITEM_OPS):
        if targets is None:
            raise SystemExit("work-item operations need the targets file of generate.py --items")
        ops |= item_ops(base, targets)
    if set(wanted) & set(SEARCH_OPS):
        if targets is None:
            raise SystemExit("search operations need the targets file of generate.py --items")
        ops |= search_ops(base, targets)
    if set(wanted) & set(REQUIREMENT_OPS):
        if targets is None or "requirement" not in targets:
            raise SystemExit("requirement operations need the targets file of generate.py --requirements")
        ops |= requirement_ops(base, targets)
    if set(wanted) & set(GOAL_OPS):
        if targets is None or "goals_objective" not in targets:
            raise SystemExit("goals operations need the targets file of generate.py --objectives")
        ops |= goal_ops(ws, base, targets)
    if not set(wanted) & set(ORG_OPS):
        return ops
    r = await client.get(f"{base}/departments", params={"sort": "created", "limit": 1})
    r.raise_for_status()
    department = r.json()["items"][0]["id"]
    cursor = None
    for _ in range(deep_pages):
        r = await client.get(f"{base}/activity", params={"limit": 100, **({"cursor": cursor} if cursor else {})})
        r.raise_for_status()
        cursor = r.json()["next_cursor"] or cursor
    obj = f"{base}/objects/department/{department}"
    serial = itertools.count()
    fixed = {
        "members": f"{base}/members?limit=100",
        "departments": f"{base}/departments?limit=100",
        "teams": f"{base}/teams?limit=100",
        "activity": f"{base}/activity?limit=100",
        "activity_page_deep": f"{base}/activity?limit=100&cursor={cursor or ''}",
        "history": f"{obj}/history?limit=50",
        "comments": f"{obj}/comments?limit=50",
        "me": "/api/v1/me",
    }
    ops |= {name: get(path) for name, path in fixed.items()}
    ops["create_comment"] = lambda: ("POST", f"{obj}/comments", {"body": f"Bench comment {next(serial)}, cc @user1"})
    return ops


async def hammer(
    client: httpx.AsyncClient,
    make: Callable[[], Request],
    concurrency: int,
    seconds: float,
    limit: int,
    web_headers: dict[str, str] | None = None,
) -> dict:
    """Send requests from `concurrency` tasks for `seconds` or `limit` requests in all; web pages
    (/w/…) with `web_headers` (the session cookie)."""
    latencies: list[float] = []
    errors: list[str] = []
    left = [limit]
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while left[0] > 0 and time.perf_counter() < deadline:
            left[0] -= 1
            method, path, body = make()
            started = time.perf_counter()
            try:
                headers = web_headers if path.startswith("/w/") else None
                r = await client.request(method, path, json=body, headers=headers)
                if not r.is_success:
                    errors.append(f"{r.status_code} {r.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else 0.0

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p90": pct(90),
        "p99": pct(99),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def format_table(results: list[dict]) -> str:
    head = f"{'operation':<22}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'errors':>8}"
    lines = [head + ("  server CPU ms/req" if results and "cpu_ms" in results[0] else "")]
    for r in results:
        lines.append(
            f"{r['op']:<22}{r['requests']:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p90']:>9.1f}{r['p99']:>9.1f}"
            f"{r['errors']:>8}" + (f"{r['cpu_ms']:>20.1f}" if "cpu_ms" in r else "")
        )
    lines += [f"  {r['op']}: first error: {r['first_error']}" for r in results if r["first_error"]]
    return "\n".join(lines)


async def run(args: argparse.Namespace, token: str, targets: dict | None) -> list[dict]:
    session_file = args.token_file.with_name("bench-session.txt")
    web = {"Cookie": f"sessionid={session_file.read_text().strip()}"} if session_file.exists() else None
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=args.url, headers=headers, limits=limits, timeout=30) as client:
        ops = await prepare(client, args.workspace, args.deep_pages, args.ops, targets)
        results = []
        for name in args.ops:
            await hammer(client, ops[name], args.concurrency, args.warmup, args.requests, web)
            cpu = cpu_of(args.pid)
            measured = await hammer(client, ops[name], args.concurrency, args.duration, args.requests, web)
            result = {"op": name, **measured}
            if args.pid:
                result["cpu_ms"] = (cpu_of(args.pid) - cpu) * 1000 / max(result["requests"], 1)
            print("measured", format_table([result]).splitlines()[1], file=sys.stderr, flush=True)
            results.append(result)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", help="API token (default: read --token-file)")
    parser.add_argument("--token-file", type=Path, default=Path("var/bench-token.txt"))
    parser.add_argument("--targets-file", type=Path, help="default: bench-targets.json next to the token file")
    parser.add_argument("--workspace", default="bench")
    parser.add_argument(
        "--ops", help=f"comma-separated, from: {', '.join(OPS)} (default: all; the last {len(ITEM_OPS)} need targets)"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20, help="seconds measured per operation")
    parser.add_argument("--requests", type=int, default=100_000, help="at most this many requests per operation")
    parser.add_argument("--warmup", type=float, default=1.5, help="seconds of unmeasured requests first")
    parser.add_argument("--deep-pages", type=int, default=5, help="activity_page_deep: pages of 100 to skip")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="server process (with its children) whose CPU to count"
    )
    args = parser.parse_args()
    targets_file = args.targets_file or args.token_file.with_name("bench-targets.json")
    targets = json.loads(targets_file.read_text()) if targets_file.exists() else None
    args.ops = [op.strip() for op in (args.ops or ",".join(OPS if targets else ORG_OPS)).split(",") if op.strip()]
    if unknown := set(args.ops) - set(OPS):
        parser.error(f"unknown operations: {', '.join(sorted(unknown))}")
    if not (1 <= args.concurrency <= 256 and 0 < args.duration <= 600 and 0 <= args.warmup <= 60):
        parser.error("--concurrency 1..256, --duration up to 600 s, --warmup up to 60 s")
    token = args.token or args.token_file.read_text().strip()

    results = asyncio.run(run(args, token, targets))
    print(format_table(results))
    if args.json:
        settings = {k: getattr(args, k) for k in ("url", "workspace", "concurrency", "duration", "requests")}
        args.json.write_text(json.dumps({"settings": settings, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
