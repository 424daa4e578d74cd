"""The test cast, shared by every app: two workspaces and one person for each kind of caller.

acme:  owner alice, admin bob, member carol, guest gina, removed rob, and extra member erin.
other: owner oscar and member olga (the outsiders).
"""

import copy
import re
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import translation
from pytest_django.fixtures import validate_django_db

from accounts import services as accounts
from accounts.models import ApiToken, Department, Invitation, Membership, Team, User, Workspace
from core import services as core
from core.models import Comment
from core.modules import cadence_apps
from core.permissions import Role

PASSWORD = "A-long-test-passphrase-1"
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The callers of every access test, in the order of the expected-status tuples.
ROLES = ("anon", "outsider", "outsider_owner", "removed", "guest", "member", "admin", "owner")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def attachments_dir(settings: Any, tmp_path: Any) -> Any:
    """Each test's files in its own directory, never in var/."""
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.ATTACHMENTS_DIR


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Any:
    """Services called by a test (not by a request) run in English, so that what they name from
    the catalogue (a template's workflow states) is the same whatever the catalogue holds."""
    with translation.override("en"):
        yield


@dataclass
class World:
    acme: Workspace
    other: Workspace
    users: dict[str, User]
    members: dict[str, Membership]
    tokens: dict[str, str]
    spare_tokens: dict[str, ApiToken]
    department: Department
    leaf_department: Department
    team: Team
    comment: Comment
    trashed: Department
    invitation: Invitation
    invitation_token: str
    other_department: Department
    other_team: Team
    other_comment: Comment
    other_invitation: Invitation
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role == "anon":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")

    def actor(self, role: str) -> Membership:
        return self.members[role]


def make_user(username: str, **kwargs: Any) -> User:
    return accounts.create_user(
        email=f"{username}@example.test",
        username=username,
        password=PASSWORD,
        display_name=username.title(),
        check_password=False,
        **kwargs,
    )


def invitation_token_from(text: Any) -> str:
    match = re.search(r"/invite/([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def build_world() -> World:
    people = {
        "owner": "alice",
        "admin": "bob",
        "member": "carol",
        "guest": "gina",
        "removed": "rob",
        "extra": "erin",
        "outsider_owner": "oscar",
        "outsider": "olga",
    }
    users = {role: make_user(name) for role, name in people.items()}
    acme = accounts.create_workspace(users["owner"], name="Acme", slug="acme")
    other = accounts.create_workspace(users["outsider_owner"], name="Other", slug="other")
    owner = Membership.objects.select_related("workspace", "user").get(workspace=acme, user=users["owner"])
    other_owner = Membership.objects.select_related("workspace", "user").get(
        workspace=other, user=users["outsider_owner"]
    )
    roles = {
        "admin": Role.ADMIN,
        "member": Role.MEMBER,
        "guest": Role.GUEST,
        "removed": Role.MEMBER,
        "extra": Role.MEMBER,
    }
    members = {"owner": owner, "outsider_owner": other_owner}
    for role, workspace_role in roles.items():
        members[role] = accounts.add_member(owner, user=users[role], role=workspace_role)
    members["outsider"] = accounts.add_member(other_owner, user=users["outsider"], role=Role.MEMBER)
    for m in members.values():
        m.refresh_from_db()
    accounts.remove_member(owner, members["removed"])

    department = accounts.create_department(owner, name="Product", head_id=users["member"].pk)
    leaf = accounts.create_department(owner, name="Mobile", parent_id=department.pk)
    trashed = accounts.create_department(owner, name="Old")
    accounts.delete_department(owner, trashed)
    team = accounts.create_team(owner, name="App", member_ids=[users["member"].pk])
    comment = core.add_comment(members["member"], target_type="department", target_id=department.pk, body="Hello")
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = accounts.invite(owner, email="newbie@example.test", role=Role.MEMBER)
    invitation_token = invitation_token_from(mail.outbox[-1].body)
    other_department = accounts.create_department(other_owner, name="Secret")
    other_team = accounts.create_team(other_owner, name="Secret team")
    other_comment = core.add_comment(other_owner, target_type="department", target_id=other_department.pk, body="x")
    other_invitation = accounts.invite(other_owner, email="someone@example.test", role=Role.MEMBER)

    tokens, spare = {}, {}
    for role in ROLES[1:]:
        tokens[role] = accounts.create_token(users[role], name="tests")[1]
        spare[role] = accounts.create_token(users[role], name="spare")[0]
    for m in members.values():
        m.refresh_from_db()
    world = World(
        acme=acme,
        other=other,
        users=users,
        members=members,
        tokens=tokens,
        spare_tokens=spare,
        department=department,
        leaf_department=leaf,
        team=team,
        comment=comment,
        trashed=trashed,
        invitation=invitation,
        invitation_token=invitation_token,
        other_department=other_department,
        other_team=other_team,
        other_comment=other_comment,
        other_invitation=other_invitation,
    )
    # Each app adds its own objects through the `extend(world)` of the test world it declares.
    for config in cadence_apps():
        module = config.part("test_world")
        if module is not None:
            module.extend(world)
    return world


# --- The world, built once per test process --------------------------------------------------------
#
# Building the world costs about 300 ms and 700 queries, and most tests use it. So each test process
# builds it once, inside an outer transaction that stays open; each test's own transaction (the `db`
# fixture's) is a savepoint inside it, rolled back after the test, so every test starts from the world
# as built. Tests that must not see the world (any test without it, and transactional tests, which
# cannot run inside a transaction) run after the outer transaction is rolled back: the collection puts
# the world's tests first, so that each process builds the world about once.


def _is_transactional(item: Any) -> bool:
    """The test runs in pytest-django's TransactionTestCase (the rule of `_django_db_helper`)."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def _uses_shared_world(item: Any) -> bool:
    return "world" in item.fixturenames and not _is_transactional(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[Any]) -> None:
    """The world's tests first, in their usual order, then every other test in its usual order."""
    items.sort(key=lambda item: not _uses_shared_world(item))


class SharedWorld:
    """The world of this test process, in an outer transaction left open between tests."""

    def __init__(self, blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.blocker = blocker
        self.tmp_path_factory = tmp_path_factory
        self.atomic: Any = None
        self.snapshot: World | None = None
        self.files: Path | None = None  # what building it wrote under ATTACHMENTS_DIR

    def open(self) -> None:
        if self.atomic is not None:
            return
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                self.snapshot, self.files = self._build()
            except BaseException:
                self.close()
                raise

    def _build(self) -> tuple[World, Path]:
        # As each test would have built it: English, fast hashing, no mail left behind.
        files = self.tmp_path_factory.mktemp("world-attachments")
        outbox = list(getattr(mail, "outbox", []))
        with (
            override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, ATTACHMENTS_DIR=files),
            translation.override("en"),
        ):
            built = build_world()
        if hasattr(mail, "outbox"):
            mail.outbox[:] = outbox
        return built, files

    def close(self) -> None:
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.snapshot = self.files = None

    def copy(self, attachments_dir: Path) -> World:
        """A copy of the world for one test: its own Python objects and its own copy of the files."""
        assert self.snapshot is not None and self.files is not None
        shutil.copytree(self.files, attachments_dir, dirs_exist_ok=True)
        return copy.deepcopy(self.snapshot)


_open_worlds: list[SharedWorld] = []  # this process's, once a test asked for the database


@pytest.fixture(scope="session")
def _shared_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedWorld]:
    shared = SharedWorld(django_db_blocker, tmp_path_factory)
    _open_worlds.append(shared)
    yield shared
    shared.close()
    _open_worlds.remove(shared)


@pytest.fixture(autouse=True)
def _no_world_for_others(request: pytest.FixtureRequest) -> None:
    """A test without the world runs outside its transaction, database or not, as code runs in use."""
    if not _uses_shared_world(request.node):
        for shared in _open_worlds:
            shared.close()


@pytest.fixture
def _world_or_empty(request: pytest.FixtureRequest, _shared_world: SharedWorld) -> None:
    """Before a test's transaction opens: the shared world for a test that uses it, none for others."""
    if _uses_shared_world(request.node):
        _shared_world.open()
    else:
        _shared_world.close()


@pytest.fixture
def _django_db_helper(_world_or_empty: None, _django_db_helper: None) -> None:
    """pytest-django's test transaction, opened after `_world_or_empty` decided what it holds."""


@pytest.fixture
def world(db: Any, _shared_world: SharedWorld, settings: Any) -> World:
    if _shared_world.snapshot is None:  # a transactional test: its own world, built the old way
        return build_world()
    return _shared_world.copy(Path(settings.ATTACHMENTS_DIR))


@pytest.fixture
def fresh_world(world: World, _shared_world: SharedWorld, settings: Any) -> Callable[[], World]:
    """Another copy of the world as built, for a test that rolls back its changes and starts again."""
    assert _shared_world.snapshot is not None, "fresh_world needs the shared world (not a transactional test)"
    return lambda: _shared_world.copy(Path(settings.ATTACHMENTS_DIR))


class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        from email import message_from_bytes

        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
                server.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.host, self.port = s.getsockname()
        self.controller = Controller(Handler(), hostname=self.host, port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Any]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return self.messages


@pytest.fixture
def smtp_server() -> Any:
    with SmtpServer() as server:
        yield server


class HttpServer:
    """A real HTTP server on loopback that keeps every request and counts every connection.

    `respond` is (status, headers, body) for each request; set it to answer with errors or redirects.
    """

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self.respond: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "application/json"}, b'{"ok":true}')
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                server.connections += 1
                super().setup()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": self.rfile.read(length)}
                )
                status, headers, body = server.respond
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host, self.port = "127.0.0.1", int(self.httpd.server_address[1])
        self.url = f"http://{self.host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "HttpServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.requests) >= count, f"{len(self.requests)} of {count} requests arrived"
        return self.requests


@pytest.fixture
def http_server() -> Any:
    with HttpServer() as server:
        yield server
