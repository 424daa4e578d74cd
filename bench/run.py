"""One full benchmark run: a fresh database, generate.py, gunicorn, load.py for each operation.

    .venv/bin/python bench/run.py --rows 10000 [--users 5000] [--db sqlite|postgres] [--worker-class sync|gthread]

SQLite: a file in a temporary directory. PostgreSQL: DATABASE_URL if it is set (an empty database),
else a throwaway cluster from scripts/pg-test-cluster, stopped at the end. The server and the
cluster are stopped and the temporary directory removed whatever happens.
"""

import argparse
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from load import OPS, cpu_of, format_table

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = ROOT / "scripts" / "pg-test-cluster"
CORES = os.cpu_count() or 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(db_pids: list[int]) -> tuple[float, float]:
    """CPU time used by the whole machine, and by ours: finished children (the server once stopped) and
    the PostgreSQL server we started."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = children.ru_utime + children.ru_stime + cpu_of(db_pids)
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK"), ours


@contextlib.contextmanager
def database(kind: str, tmp: Path) -> Iterator[tuple[str, Path | None]]:
    """The database URL, and the PostgreSQL server's pid file when we started the server."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite3'}", None
    elif os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield os.environ["DATABASE_URL"], None
    else:
        if not PG_CLUSTER.exists():
            sys.exit(f"--db postgres: set DATABASE_URL (no {PG_CLUSTER})")
        cluster = Path(tempfile.mkdtemp(prefix="cadence-bench-pg-"))  # under /tmp: the postgres user can reach it
        try:
            start = [PG_CLUSTER, "start", cluster]
            url = subprocess.run(start, check=True, capture_output=True, text=True, timeout=120).stdout.strip()
            yield url, cluster / "data" / "postmaster.pid"
        finally:
            subprocess.run([PG_CLUSTER, "stop", cluster], check=False, timeout=120)


@contextlib.contextmanager
def server(args: argparse.Namespace, env: dict[str, str], token: str, log: Path) -> Iterator[tuple[str, int]]:
    """gunicorn on a free loopback port; yields its URL and pid once it answers an authenticated request."""
    port = free_port()
    command = [Path(sys.executable).parent / "gunicorn", "cadence.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--worker-class", args.worker_class, "--timeout", "60"]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                sys.exit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="activity rows")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--comments", type=int, help="default: users / 2")
    parser.add_argument("--workspaces", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--workers", type=int, default=2 * CORES + 1)
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument("--ops", default=",".join(OPS))
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--json", type=Path, help="write settings, generation time and results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (SQLite database, logs)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
    try:
        with database(args.db, tmp) as (db_url, db_pid_file):
            env = os.environ | {
                "DJANGO_SETTINGS_MODULE": "cadence.settings",
                "CADENCE_VAR_DIR": str(tmp / "var"),
                "DATABASE_URL": db_url,
            }
            token_file = tmp / "var" / "bench-token.txt"
            generate = [sys.executable, ROOT / "bench" / "generate.py", "--users", str(args.users)]
            generate += ["--activity", str(args.rows), "--workspaces", str(args.workspaces)]
            generate += ["--token-file", str(token_file)]
            if args.comments is not None:
                generate += ["--comments", str(args.comments)]
            started = time.perf_counter()
            subprocess.run(generate, cwd=ROOT, env=env, check=True, timeout=3600)
            generation = time.perf_counter() - started

            token = token_file.read_text().strip()
            db_pids = [int(db_pid_file.read_text().split()[0])] if db_pid_file else []
            before = cpu_seconds(db_pids)
            with server(args, env, token, tmp / "gunicorn.log") as (url, pid):
                load = [sys.executable, ROOT / "bench" / "load.py", "--url", url, "--token-file", str(token_file)]
                load += [arg for p in [pid, *db_pids] for arg in ("--pid", str(p))]
                load += ["--ops", args.ops, "--concurrency", str(args.concurrency)]
                load += ["--duration", str(args.duration), "--warmup", str(args.warmup)]
                load += ["--json", str(tmp / "load.json")]
                budget = len(args.ops.split(",")) * (args.duration + args.warmup + 70) + 60
                subprocess.run(load, cwd=ROOT, env=env, check=True, timeout=budget, stdout=subprocess.DEVNULL)
            results = json.loads((tmp / "load.json").read_text())["results"]
            busy, ours = (b - a for a, b in zip(before, cpu_seconds(db_pids), strict=True))

        threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
        print(
            f"\n{args.db}, {args.rows:,} activity rows, {args.users:,} users; generated in {generation:.1f} s;"
            f" gunicorn {args.workers} {args.worker_class} workers{threads}; {args.concurrency} connections,"
            f" {args.duration:g} s per operation; server, database and client used {ours:.0f} CPU s,"
            f" other processes {busy - ours:.0f} CPU s (of {CORES} cores; others skew the figures)\n"
            + format_table(results)
        )
        if args.json:
            summary = {k: v for k, v in vars(args).items() if k not in {"json"}}
            cpu = {"server_database_client": ours, "others": busy - ours}
            summary |= {"generation_seconds": generation, "cpu_seconds": cpu, "results": results}
            args.json.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
