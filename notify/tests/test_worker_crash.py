"""SECURITY.md: kill -9 of the worker during a batch loses no notification and sends none twice.

The worker runs as a real process on a database of its own and sends to a real SMTP server; it is
killed three times mid-batch and restarted. Every email must arrive. What no sender can know after
a crash is whether the server took the last message before the kill: the delivery is then retried,
and carries the same Message-ID, so the mailbox keeps one copy. The test counts those copies too:
at most one per kill."""

import subprocess
import time
from pathlib import Path
from typing import Any

from tests.processes import BIN, ROOT, cadence, environment, jobs_already_run

COUNT = 150


def seed(count: int) -> None:
    """Run inside the worker's database: `count` items assigned by one person to another, each
    queueing one email."""
    from accounts import services as accounts
    from projects import services
    from projects.services import items

    alice = accounts.create_user(email="alice@example.test", username="alice", password="x" * 20, check_password=False)
    bob = accounts.create_user(email="bob@example.test", username="bob", password="x" * 20, check_password=False)
    workspace = accounts.create_workspace(alice, name="Crash", slug="crash")
    owner = workspace.memberships.get(user=alice)
    accounts.add_member(owner, user=bob, role="member")
    project = services.create_project(owner, name="Crash", key="CR")
    for number in range(count):
        items.create_item(owner, project, title=f"Item {number}", owner_id=bob.pk)
    jobs_already_run()


def _wait(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_worker_killed_mid_batch_and_restarted_delivers_every_email(tmp_path: Path, smtp_server: Any) -> None:
    env = environment(
        tmp_path,
        "crash",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        CADENCE_NOTIFY_LEASE_SECONDS="1",
    )
    cadence(env, "migrate", "--noinput")
    cadence(env, "shell", "-c", f"from notify.tests.test_worker_crash import seed; seed({COUNT})")
    worker = [str(BIN / "cadence"), "worker", "--interval", "0.1"]
    received = smtp_server.messages

    kills = 0
    for share in (0.25, 0.5, 0.75):
        process = subprocess.Popen(worker, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda share=share: len(received) >= COUNT * share, timeout=60)
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait()
        kills += 1

    process = subprocess.Popen(worker, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: len({m["Message-ID"] for m in received}) >= COUNT, timeout=60)
        time.sleep(2)  # past the lease: a delivery left "sending" by the last kill is sent by now
    finally:
        process.terminate()
        process.wait(timeout=20)

    ids = [m["Message-ID"] for m in received]
    assert len(set(ids)) == COUNT, "every notification arrived"
    assert {m["To"] for m in received} == {"bob@example.test"}
    copies = len(ids) - COUNT
    print(f"{COUNT} emails, {kills} kills, {copies} copies")
    assert copies <= kills, f"{copies} copies after {kills} kills"
    left = (
        cadence(
            env,
            "shell",
            "-c",
            "from notify.models import Delivery; print(Delivery.objects.exclude(status='sent').count(),"
            " Delivery.objects.count())",
        )
        .splitlines()[-1]
        .split()
    )
    assert left == ["0", str(COUNT)]
