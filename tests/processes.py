"""Cadence run as separate processes on a database of their own, for tests that start servers
and workers and kill them."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_database(tmp_path: Path, prefix: str = "proc") -> str:
    """A database for the processes alone: a SQLite file, or a new database on the test PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / (prefix + '.sqlite3')}"
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def environment(tmp_path: Path, prefix: str = "proc", **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "CADENCE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": fresh_database(tmp_path, prefix),
        "PYTHONPATH": str(ROOT),  # so that a process can run code of the test modules
        **extra,
    }
    env.pop("PYTEST_VERSION", None)
    return env


def cadence(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "cadence"), *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def jobs_already_run() -> None:
    """Inside a process's database: every periodic job counts as just run, so that a worker a test
    starts only drains the outbox (a weekly check-in falling due at that hour would add an email)."""
    from django.utils import timezone

    from core import jobs
    from core.models import ScheduledRun

    now = timezone.now()
    ScheduledRun.objects.bulk_create([ScheduledRun(name=name, last_started_at=now) for name in jobs._jobs])
