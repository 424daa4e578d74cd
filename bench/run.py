"""One full benchmark run: a fresh database, generate.py, the server, load.py for each operation.

    .venv/bin/python bench/run.py --rows 10000 [--users 5000] [--db sqlite|postgres] [--worker-class sync|gthread]
    .venv/bin/python bench/run.py --items 1000000 [--db sqlite|postgres] [--reuse]
    .venv/bin/python bench/run.py --objectives 2000 [--items 10000] [--db sqlite|postgres] [--reuse]

SQLite: a file in a temporary directory. PostgreSQL: DATABASE_URL if it is set (an empty database),
else a throwaway cluster from scripts/pg-test-cluster, stopped at the end. The server and the
cluster are stopped and the temporary directory removed whatever happens.

`--items N` adds projects and work items (users default to N / 200, at least 50, and the work-item
operations are measured); `--objectives N` goals and OKRs (the goals operations). `--reuse`
generates once into var/bench/<db>-…/ (the SQLite file, or a stopped PostgreSQL data directory) and
runs each time on a fresh copy of it.
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
from load import GOAL_OPS, ITEM_OPS, OPS, ORG_OPS, REQUIREMENT_OPS, cpu_of, format_table

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = ROOT / "scripts" / "pg-test-cluster"
PG_MARKER = ".cadence-pg-test-cluster"  # what pg-test-cluster stop looks for before removing a directory
SNAPSHOTS = ROOT / "var" / "bench"
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
def database(kind: str, tmp: Path, snapshot: Path | None = None) -> Iterator[tuple[str, Path | None]]:
    """The database URL, and the PostgreSQL server's pid file when we started the server. From a
    snapshot: a copy of it (and of its token and targets files, into tmp/var)."""
    if snapshot is not None:
        shutil.copytree(snapshot / "var", tmp / "var", ignore=shutil.ignore_patterns("*.sqlite3*"))
    if kind == "sqlite":
        if snapshot is not None:
            shutil.copy(snapshot / "bench.sqlite3", tmp / "bench.sqlite3")
        yield f"sqlite:///{tmp / 'bench.sqlite3'}", None
    elif snapshot is not None:
        with copied_cluster(snapshot) as (url, pid_file):
            yield url, pid_file
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


def pg_bindir() -> Path:
    """Where pg_ctl is, found as scripts/pg-test-cluster finds it."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    if found := shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda d: int(d.parent.name.split(".")[0]))
    if not dirs:
        sys.exit("no pg_ctl found (PG_BINDIR, PATH, /usr/lib/postgresql/*/bin)")
    return dirs[-1]


def pg_ctl(data: Path, *args: str) -> None:
    """pg_ctl as the owner of the data directory (the cluster runs as `postgres` when we are root)."""
    command = [str(pg_bindir() / "pg_ctl"), "-D", str(data), *args]
    owner = data.stat().st_uid
    if os.geteuid() == 0 and owner != 0:
        import pwd

        command = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command]
    subprocess.run(command, check=True, cwd="/", timeout=300, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def copied_cluster(snapshot: Path) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL server on a fresh copy of a stopped data directory; removed at the end."""
    cluster = Path(tempfile.mkdtemp(prefix="cadence-bench-pg-"))
    try:
        (cluster / PG_MARKER).touch()
        subprocess.run(["cp", "-a", str(snapshot / "data"), str(cluster / "data")], check=True)
        owner = (cluster / "data").stat()
        os.chown(cluster, owner.st_uid, owner.st_gid)
        cluster.chmod(0o700)
        port = free_port()
        log = str(cluster / "postgres.log")
        pg_ctl(cluster / "data", "-l", log, "-o", f"-p {port} -k {cluster}", "-w", "-t", "120", "start")
        yield f"postgresql://cadence@127.0.0.1:{port}/cadence", cluster / "data" / "postmaster.pid"
    finally:
        subprocess.run([PG_CLUSTER, "stop", cluster], check=False, timeout=120)


def generate(args: argparse.Namespace, db_url: str, var: Path) -> float:
    """Run generate.py into this database; its token and targets go to `var`. Returns the seconds taken."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
        "CADENCE_VAR_DIR": str(var),
        "DATABASE_URL": db_url,
    }
    command = [sys.executable, ROOT / "bench" / "generate.py", "--users", str(args.users)]
    command += ["--activity", str(args.rows), "--workspaces", str(args.workspaces)]
    command += ["--token-file", str(var / "bench-token.txt")]
    if args.comments is not None:
        command += ["--comments", str(args.comments)]
    if args.items:
        command += ["--items", str(args.items)]
    if args.projects:
        command += ["--projects", str(args.projects)]
    if args.requirements:
        command += ["--requirements", str(args.requirements), "--feedback", str(args.feedback)]
    if args.objectives:
        command += ["--objectives", str(args.objectives)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=4 * 3600)
    return time.perf_counter() - started


def snapshot_of(args: argparse.Namespace) -> Path:
    """var/bench/<db>-…: generated once, then copied for each run."""
    name = f"{args.db}-items{args.items}-users{args.users}-rows{args.rows}-ws{args.workspaces}"
    if args.projects:
        name += f"-projects{args.projects}"
    if args.comments is not None:
        name += f"-comments{args.comments}"
    if args.requirements:
        name += f"-req{args.requirements}-fb{args.feedback}"
    if args.objectives:
        name += f"-okr{args.objectives}"
    snapshot = SNAPSHOTS / name
    if (snapshot / "ready.json").exists():
        return snapshot
    partial = snapshot.with_name(snapshot.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"generating {snapshot} (once)", flush=True)
    if args.db == "sqlite":
        seconds = generate(args, f"sqlite:///{partial / 'bench.sqlite3'}", partial / "var")
    else:
        cluster = Path(tempfile.mkdtemp(prefix="cadence-bench-pg-"))
        try:
            start = [PG_CLUSTER, "start", cluster]
            url = subprocess.run(start, check=True, capture_output=True, text=True, timeout=120).stdout.strip()
            seconds = generate(args, url, partial / "var")
            pg_ctl(cluster / "data", "-m", "fast", "-w", "stop")
            subprocess.run(["cp", "-a", str(cluster / "data"), str(partial / "data")], check=True)
        finally:
            subprocess.run([PG_CLUSTER, "stop", cluster], check=False, timeout=120)
    (partial / "ready.json").write_text(json.dumps({"generation_seconds": seconds}) + "\n")
    partial.rename(snapshot)
    return snapshot


@contextlib.contextmanager
def server(args: argparse.Namespace, env: dict[str, str], token: str, log: Path) -> Iterator[tuple[str, int]]:
    """The server on a free loopback port; yields its URL and pid once it answers an authenticated request."""
    port = free_port()
    if args.server == "granian":
        command = [Path(sys.executable).parent / "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--workers", str(args.workers), "--blocking-threads", "1"]
        command += ["--no-ws", "cadence.wsgi:application"]
    else:
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
                sys.exit(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"the server did not answer within 60 s:\n{log.read_text()[-3000:]}")
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
    parser.add_argument("--rows", type=int, default=10_000, help="activity rows (besides the items' history)")
    parser.add_argument("--items", type=int, default=0, help="work items (default: none, the organisation only)")
    parser.add_argument("--projects", type=int, help="with --items: default items / 2000")
    parser.add_argument("--requirements", type=int, default=0, help="requirements (measures the product operations)")
    parser.add_argument("--feedback", type=int, default=0, help="with --requirements: linked feedback items")
    parser.add_argument("--objectives", type=int, default=0, help="objectives of the active cycle (goals ops)")
    parser.add_argument("--users", type=int, help="default: 5000, or items / 200 (at least 50) with --items")
    parser.add_argument("--comments", type=int, help="default: users / 2")
    parser.add_argument("--workspaces", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    # granian, one process per core, is what `cadence serve` runs; gunicorn is kept for comparison.
    parser.add_argument("--server", choices=["granian", "gunicorn"], default="granian")
    parser.add_argument("--workers", type=int, default=CORES)
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--ops", help=f"from {', '.join(OPS)} (default: the organisation's, or the items' with --items)"
    )
    parser.add_argument("--reuse", action="store_true", help="generate once into var/bench/, run on a copy")
    parser.add_argument("--generate-only", action="store_true", help="with --reuse: make the snapshot, run nothing")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--json", type=Path, help="write settings, generation time and results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (SQLite database, logs)")
    args = parser.parse_args()
    if args.users is None:
        args.users = max(50, args.items // 200) if args.items else 5000
    if args.ops is None:
        args.ops = ",".join(
            GOAL_OPS
            if args.objectives
            else REQUIREMENT_OPS
            if args.requirements
            else ITEM_OPS
            if args.items
            else ORG_OPS
        )
    if args.generate_only and not args.reuse:
        parser.error("--generate-only needs --reuse")
    if args.reuse and args.db == "postgres" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("--reuse keeps its own PostgreSQL data directory: unset DATABASE_URL")

    snapshot = snapshot_of(args) if args.reuse else None
    if args.generate_only:
        print(f"snapshot: {snapshot}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
    try:
        with database(args.db, tmp, snapshot) as (db_url, db_pid_file):
            env = os.environ | {
                "DJANGO_SETTINGS_MODULE": "cadence.settings",
                "CADENCE_VAR_DIR": str(tmp / "var"),
                "DATABASE_URL": db_url,
            }
            token_file = tmp / "var" / "bench-token.txt"
            if snapshot is None:
                generation = generate(args, db_url, tmp / "var")
            else:
                generation = json.loads((snapshot / "ready.json").read_text())["generation_seconds"]

            token = token_file.read_text().strip()
            db_pids = [int(db_pid_file.read_text().split()[0])] if db_pid_file else []
            before = cpu_seconds(db_pids)
            with server(args, env, token, tmp / "server.log") as (url, pid):
                load = [sys.executable, ROOT / "bench" / "load.py", "--url", url, "--token-file", str(token_file)]
                load += [arg for p in [pid, *db_pids] for arg in ("--pid", str(p))]
                load += ["--ops", args.ops, "--concurrency", str(args.concurrency)]
                load += ["--duration", str(args.duration), "--warmup", str(args.warmup)]
                load += ["--json", str(tmp / "load.json")]
                budget = len(args.ops.split(",")) * (args.duration + args.warmup + 70) + 60
                subprocess.run(load, cwd=ROOT, env=env, check=True, timeout=budget, stdout=subprocess.DEVNULL)
            results = json.loads((tmp / "load.json").read_text())["results"]
            busy, ours = (b - a for a, b in zip(before, cpu_seconds(db_pids), strict=True))

        if args.server == "granian":
            served = f"granian {args.workers} workers"
        else:
            threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
            served = f"gunicorn {args.workers} {args.worker_class} workers{threads}"
        items = f"{args.items:,} work items, " if args.items else ""
        if args.requirements:
            items += f"{args.requirements:,} requirements with {args.feedback:,} linked feedback, "
        if args.objectives:
            items += f"{args.objectives:,} objectives in the active cycle, "
        print(
            f"\n{args.db}, {items}{args.rows:,} activity rows, {args.users:,} users;"
            f" generated in {generation:.1f} s{' (once, reused)' if snapshot else ''};"
            f" {served}; {args.concurrency} connections,"
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
