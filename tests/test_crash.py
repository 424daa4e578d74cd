"""SECURITY.md: kill -9 of the server during a bounded write load loses no acknowledged write and
no notification, and sends none twice.

A real `cadence serve` (granian, two worker processes) runs on a database of its own. Four threads
create work items through the REST API as alice, each assigned to bob; the whole server group is
killed with SIGKILL at a third and at two thirds of the target and restarted on the same database.
Every item answered 201 must then be stored with its title, with bob's notification and its email
in the outbox (written in the same transaction), and the worker must send bob exactly one email
per item. A request the kill cut off is not acknowledged: its item may or may not have been
committed, and is counted, not judged. The worker's own crash is notify/tests/test_worker_crash.py.
"""

import itertools
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

import httpx

from tests.processes import BIN, ROOT, cadence, environment, free_port, jobs_already_run

TARGET = 150  # acknowledged writes in all
THREADS = 4
KILL_AT = (TARGET // 3, 2 * TARGET // 3)
WORKSPACE, PROJECT = "crash", "CR"
ITEMS = f"/api/v1/workspaces/{WORKSPACE}/projects/{PROJECT}/items"


def seed() -> str:
    """Run inside the server's database: alice (owner) and bob (member) of a workspace with project
    CR, and an API token for alice. Returns {"token", "bob"} as JSON."""
    from accounts import services as accounts
    from projects import services

    alice = accounts.create_user(email="alice@example.test", username="alice", password="x" * 20, check_password=False)
    bob = accounts.create_user(email="bob@example.test", username="bob", password="x" * 20, check_password=False)
    workspace = accounts.create_workspace(alice, name="Crash", slug=WORKSPACE)
    owner = workspace.memberships.get(user=alice)
    accounts.add_member(owner, user=bob, role="member")
    services.create_project(owner, name="Crash", key=PROJECT)
    _, token = accounts.create_token(alice, name="crash")
    jobs_already_run()
    return json.dumps({"token": token, "bob": bob.pk})


def stored() -> str:
    """Run inside the server's database: every item of CR, bob's assignment notifications and their
    email deliveries, as JSON."""
    from notify.models import Delivery, Notification
    from projects.models import WorkItem

    items = WorkItem.all_objects.filter(project__workspace__slug=WORKSPACE, project__key=PROJECT)
    notifications = Notification.objects.filter(
        workspace__slug=WORKSPACE, recipient__username="bob", event="work_item.assigned", target_type="work_item"
    )
    deliveries = Delivery.objects.filter(channel="email", notification__in=notifications)
    return json.dumps(
        {
            "items": [
                [pk, f"{PROJECT}-{number}", title] for pk, number, title in items.values_list("pk", "number", "title")
            ],
            "notifications": list(notifications.values_list("pk", "target_id")),
            "deliveries": list(deliveries.values_list("notification_id", "key", "status")),
        }
    )


class Load:
    """Threads creating items with unique titles against whatever server `base` names now; a 201
    is an acknowledged write, anything else (an error, a refused or cut connection) is not."""

    def __init__(self, token: str, bob: int) -> None:
        self.token, self.bob = token, bob
        self.base = ""
        self.lock = threading.Lock()
        self.tried: set[str] = set()
        self.acknowledged: dict[str, str] = {}  # title -> key
        self.failures: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(THREADS)]

    def start(self, base: str) -> None:
        self.base = base
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in self.threads), "a load thread is stuck"

    def run(self, number: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(headers=headers, timeout=10) as client:
            for n in itertools.count():
                if self.stopping.is_set():
                    return
                title = f"Crash {number}-{n}"
                with self.lock:
                    self.tried.add(title)
                try:
                    response = client.post(self.base + ITEMS, json={"title": title, "owner_id": self.bob})
                except httpx.TransportError as error:
                    self._failed(type(error).__name__)
                    continue
                if response.status_code != 201:
                    self._failed(f"status {response.status_code}")
                    continue
                with self.lock:
                    self.acknowledged[title] = response.json()["key"]

    def _failed(self, reason: str) -> None:
        with self.lock:
            self.failures[reason] += 1
        time.sleep(0.05)  # the server is down or restarting: do not spin

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"{len(self.acknowledged)} of {count} acknowledged; {self.failures}"
            time.sleep(0.01)


def serve(env: dict[str, str], log: IO[str]) -> tuple[subprocess.Popen[bytes], str]:
    """`cadence serve` in a process group of its own (killed whole), once the API answers."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "cadence"), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(base + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)


def kill(process: subprocess.Popen[bytes], base: str) -> None:
    """SIGKILL to the server and its worker processes at once: no clean-up of any kind. Once no
    process is left to hold the listening socket, the port refuses connections."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(base + "/api/v1/openapi.json", timeout=1)
        except httpx.TransportError:
            return
        assert time.monotonic() < deadline, "a server process outlived the kill"
        time.sleep(0.05)


def test_a_server_killed_under_write_load_loses_no_acknowledged_write(tmp_path: Path, smtp_server: Any) -> None:
    env = environment(tmp_path, "kill")
    cadence(env, "migrate", "--noinput")
    seeded = json.loads(
        cadence(env, "shell", "-c", "from tests.test_crash import seed; print(seed())").splitlines()[-1]
    )
    load = Load(seeded["token"], seeded["bob"])

    with (tmp_path / "server.log").open("w") as log:
        process, base = serve(env, log)
        try:
            load.start(base)
            for count in KILL_AT:
                load.wait_for(count, timeout=30)
                kill(process, load.base)
                process, load.base = serve(env, log)
            load.wait_for(TARGET, timeout=30)
        finally:
            load.stop()
            process.terminate()
            process.wait(timeout=20)

    state = json.loads(
        cadence(env, "shell", "-c", "from tests.test_crash import stored; print(stored())").splitlines()[-1]
    )
    by_title = {title: key for _, key, title in state["items"]}
    assert len(by_title) == len(state["items"]), "an item was written twice"
    assert set(by_title) <= load.tried, "an item nobody asked for"
    lost = {title: key for title, key in load.acknowledged.items() if by_title.get(title) != key}
    assert lost == {}, f"{len(lost)} acknowledged writes lost"
    unacknowledged = len(by_title) - len(load.acknowledged)  # committed, but the answer died with the server

    # The outbox is written in the item's transaction: every stored item has bob's notification and
    # its email, once, whether or not its creator heard back.
    told = Counter(target for _, target in state["notifications"])
    keys = {pk: key for pk, key, _ in state["items"]}
    assert {keys.get(pk, pk): n for pk, n in told.items() if n != 1} == {}, "a notification written twice"
    assert [key for pk, key in keys.items() if pk not in told] == [], "items without their notification"
    queued = Counter(notification for notification, _, _ in state["deliveries"])
    assert set(queued) == {pk for pk, _ in state["notifications"]}, "notifications without their email"
    assert set(queued.values()) == {1}, "an email queued twice"

    emails = len(state["deliveries"])
    for _ in range(2):  # `--once` drains a bounded number of batches
        cadence({**env, "EMAIL_HOST": smtp_server.host, "EMAIL_PORT": str(smtp_server.port)}, "worker", "--once")
        if len(smtp_server.messages) >= emails:
            break
    received = smtp_server.messages
    assert {m["To"] for m in received} == {"bob@example.test"}
    assert sorted(m["X-Cadence-Delivery"] for m in received) == sorted(key for _, key, _ in state["deliveries"])
    assert len({m["Message-ID"] for m in received}) == len(received) == emails, "an email lost or sent twice"
    assert "Internal Server Error" not in (tmp_path / "server.log").read_text()

    print(
        f"{len(load.acknowledged)} acknowledged, {sum(load.failures.values())} failed ({dict(load.failures)}),"
        f" {unacknowledged} unacknowledged but stored, killed {len(KILL_AT)} times, {len(received)} emails"
    )
