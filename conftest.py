"""The test cast, shared by every app: two workspaces and one person for each kind of caller.

acme:  owner alice, admin bob, member carol, guest gina, removed rob, and extra member erin.
other: owner oscar and member olga (the outsiders).
"""

import importlib
import re
import socket
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client, TestCase
from django.utils import translation

from accounts import services as accounts
from accounts.models import ApiToken, Department, Invitation, Membership, Team, User, Workspace
from core import services as core
from core.models import Comment
from core.permissions import Role

PASSWORD = "A-long-test-passphrase-1"
# The callers of every access test, in the order of the expected-status tuples.
ROLES = ("anon", "outsider", "outsider_owner", "removed", "guest", "member", "admin", "owner")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    # Each app may add its own objects: `<app>/tests/world.py` defines `extend(world)`.
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.world")
        except ModuleNotFoundError:
            continue
        module.extend(world)
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


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
