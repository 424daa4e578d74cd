import datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts import services as accounts
from core import markdown, services
from core.errors import PermissionDenied, ValidationFailed
from core.models import Activity, Comment, Mention, TrashItem
from core.pagination import paginate

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)">',
    "<iframe src=//evil.test></iframe>",
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
]


class ElementAudit(HTMLParser):
    """Collects the elements and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize("payload", XSS)
def test_markdown_never_renders_scripts_or_dangerous_urls(payload: str) -> None:
    audit = ElementAudit()
    audit.feed(markdown.render(payload))
    assert audit.tags <= markdown.ALLOWED_TAGS
    for name, value in audit.attributes:
        assert not name.startswith("on")
        if name in {"href", "src"}:
            assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"} or ":" not in value, value


def test_markdown_keeps_ordinary_formatting() -> None:
    html = markdown.render("**评审** [docs](https://example.test) `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>评审</strong>" in html
    assert 'href="https://example.test"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<table>" in html and "<code>code</code>" in html


def test_mentions_reach_only_people_of_the_workspace(world: Any) -> None:
    comment = services.add_comment(
        world.actor("member"),
        target_type="department",
        target_id=world.department.pk,
        body="@alice please review, and @olga (outsider) too",
    )
    assert list(Mention.objects.filter(comment=comment).values_list("user__username", flat=True)) == ["alice"]


def test_commenting_makes_the_author_a_watcher(world: Any) -> None:
    services.add_comment(world.actor("admin"), target_type="team", target_id=world.team.pk, body="Hi")
    client = world.client("admin")
    watchers = client.get(f"/api/v1/workspaces/acme/objects/team/{world.team.pk}/watchers").json()["items"]
    assert [w["user"]["username"] for w in watchers] == ["bob"]


def test_only_the_author_edits_a_comment(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.edit_comment(world.actor("owner"), world.comment, version=world.comment.version, body="hijack")
    edited = services.edit_comment(world.actor("member"), world.comment, version=world.comment.version, body="**new**")
    assert edited.body_html == "<p><strong>new</strong></p>\n"


def test_empty_comment_is_refused_naming_the_field(world: Any) -> None:
    with pytest.raises(ValidationFailed) as e:
        services.add_comment(world.actor("member"), target_type="department", target_id=world.department.pk, body="  ")
    assert "body" in e.value.errors


def test_activity_rows_cannot_be_edited_or_deleted(world: Any) -> None:
    row = Activity.objects.first()
    assert row is not None
    row.verb = "forged"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    # And no API operation writes to it: the description has no activity write.
    schema = Client().get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        if "activity" in path or "history" in path:
            assert set(item) == {"get"}


def test_history_shows_every_change_of_an_object(world: Any) -> None:
    owner = world.actor("owner")
    accounts.update_department(owner, world.department, version=world.department.version, name="P2")
    services.add_comment(owner, target_type="department", target_id=world.department.pk, body="note")
    response = world.client("member").get(f"/api/v1/workspaces/acme/objects/department/{world.department.pk}/history")
    verbs = [row["verb"] for row in response.json()["items"]]
    assert verbs == ["commented", "updated", "commented", "created"]


def test_trash_restore_and_purge(world: Any, settings: Any) -> None:
    owner = world.actor("owner")
    accounts.delete_team(owner, world.team)
    assert not world.acme.teams.filter(pk=world.team.pk).exists()
    item = TrashItem.objects.get(target_type="team", target_id=world.team.pk)
    services.restore(owner, item)
    assert world.acme.teams.filter(pk=world.team.pk).exists()
    assert not TrashItem.objects.filter(target_type="team").exists()

    # The department trashed in the cast is purged once the retention period has passed.
    later = timezone.now() + datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1)
    assert services.purge_trash(now=later) == 1
    assert not type(world.trashed).all_objects.filter(pk=world.trashed.pk).exists()
    assert Activity.objects.filter(verb="purged", target_id=world.trashed.pk).exists()


def test_comment_restore_by_author(world: Any) -> None:
    member = world.actor("member")
    services.delete_comment(member, world.comment)
    assert not Comment.objects.filter(pk=world.comment.pk).exists()
    response = world.client("member").post(f"/api/v1/workspaces/acme/trash/comment/{world.comment.pk}/restore")
    assert response.status_code == 200
    assert Comment.objects.filter(pk=world.comment.pk).exists()


def test_worker_runs_due_jobs_once(world: Any, settings: Any) -> None:
    TrashItem.objects.update(deleted_at=timezone.now() - datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1))
    call_command("worker", "--once")
    assert not TrashItem.objects.exists()
    from core.jobs import run_due_jobs

    assert run_due_jobs() == []  # not due again within the interval


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.integers(min_value=0, max_value=30),
    limit=st.integers(min_value=1, max_value=7),
    order=st.sampled_from(["-id", "id", "name", "-name", "created_at"]),
)
def test_keyset_pages_return_every_row_once_in_order(
    django_db_blocker: Any, sizes: int, limit: int, order: str
) -> None:
    from django.db import transaction

    from accounts.models import Workspace

    with django_db_blocker.unblock(), transaction.atomic():
        ws = Workspace.objects.create(name="P", slug="p")
        names = [f"n{i % 4}" for i in range(sizes)]  # duplicates: the id breaks ties
        for name in names:
            ws.departments.create(name=name)
        qs = ws.departments.all()
        expected = list(qs.order_by(order, ("-" if order.startswith("-") else "") + "id").values_list("pk", flat=True))
        seen: list[int] = []
        cursor = None
        while True:
            page = paginate(qs, cursor=cursor, limit=limit, order=order)
            seen.extend(d.pk for d in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == expected
        transaction.set_rollback(True)


def test_bad_cursor_and_limit_name_the_field(world: Any) -> None:
    client = world.client("member")
    response = client.get("/api/v1/workspaces/acme/activity?cursor=bm90LWpzb24")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cursor"
    response = client.get("/api/v1/workspaces/acme/activity?limit=1000")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "limit"


def test_errors_speak_the_users_language(world: Any) -> None:
    client = world.client("member")  # carol's language is Chinese by default
    response = client.post("/api/v1/workspaces/acme/objects/department/1/comments", {}, content_type="application/json")
    assert response.status_code == 422
    message = response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["field"] == "body"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


LIST_ENDPOINTS = [
    "/api/v1/workspaces/acme/activity",
    "/api/v1/workspaces/acme/members",
    "/api/v1/workspaces/acme/departments",
    "/api/v1/workspaces/acme/teams",
    "/api/v1/workspaces/acme/trash",
    "/api/v1/workspaces/acme/invitations",
]


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_query_count_does_not_grow_with_the_page(world: Any, url: str, django_assert_max_num_queries: Any) -> None:
    owner = world.actor("owner")
    client = world.client("owner")
    client.get(url + "?limit=200")  # warm up: the token's last-use stamp
    with django_assert_max_num_queries(6):
        small = client.get(url + "?limit=2")
    for i in range(30):
        accounts.create_department(owner, name=f"D{i}")
        accounts.create_team(owner, name=f"T{i}", member_ids=[world.users["member"].pk])
        services.add_comment(owner, target_type="department", target_id=world.department.pk, body=f"c{i}")
        accounts.invite(owner, email=f"p{i}@example.test", role="member")
        accounts.add_member(
            owner,
            user=accounts.create_user(email=f"u{i}@example.test", username=f"u{i}", password="x", check_password=False),
        )
    for i in range(10):
        accounts.delete_department(owner, world.acme.departments.get(name=f"D{i}"))
    with django_assert_max_num_queries(6):
        large = client.get(url + "?limit=200")
    assert small.status_code == large.status_code == 200
    assert len(large.json()["items"]) > len(small.json()["items"])
