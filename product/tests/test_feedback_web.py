"""The feedback pages and API: the inbox (filters, bulk actions from the action bar, keyboard
markup, exports linked), one feedback item (links, status, edit with conflicts, delete), recording,
text that is never HTML, and query counts that do not grow with the page."""

import json
import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from core.pagination import paginate
from product.models import Feedback, FeedbackLink, Requirement
from product.queries import feedback as queries_feedback
from product.schemas.feedback import FeedbackOut
from product.services import feedback, requirements
from tests.shapes import as_the_schema_writes

INBOX = "/w/acme/feedback/"
API = "/api/v1/workspaces/acme/feedback"
EVIL = (
    '<script>alert("x")</script>\n[click](javascript:alert(1)) '
    '<a href="javascript:alert(2)">me</a> <img src=x onerror=alert(3)>'
)


def client_for(world: Any, role: str = "owner") -> Client:
    """Signed in, in English (the cast's default language is Chinese)."""
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def api_client(world: Any, role: str = "owner") -> Client:
    return world.client(role)


def make(world: Any, content: str = "Faster search", **fields: Any) -> Feedback:
    fields.setdefault("channel", "survey")
    return feedback.create_feedback(
        world.actor("owner"), product_id=world.extra["product"].pk, content=content, **fields
    )


def grow(world: Any, n: int) -> None:
    requirement = world.extra["second_requirement"]
    for i in range(n):
        item = make(
            world, f"Item {i}", customer_name=f"Customer {i}", customer_company="Co", customer_segment="enterprise"
        )
        feedback.link_requirement(world.actor("owner"), item, requirement)


def feedback_url(item: Feedback) -> str:
    return f"/w/acme/feedback/{item.pk}/"


# --- The inbox -----------------------------------------------------------------------------------


def test_inbox_lists_and_filters(world: Any) -> None:
    make(world, "Complaint about export", kind="complaint", customer_name="Li", customer_segment="education")
    client = client_for(world)
    response = client.get(INBOX, {"status": "any"})
    assert response.status_code == 200
    assert len(response.context["page"].items) == 3
    response = client.get(INBOX, {"kind": "complaint"})
    assert [f.content for f in response.context["page"].items] == ["Complaint about export"]
    response = client.get(INBOX, {"segment": "enterprise", "status": "any"})
    assert [f.pk for f in response.context["page"].items] == [world.extra["feedback"].pk]
    response = client.get(INBOX, {"requirement": world.extra["requirement"].key, "status": "any"})
    assert [f.pk for f in response.context["page"].items] == [world.extra["feedback"].pk]
    response = client.get(INBOX, {"text": "dark mode", "status": "new"})
    assert [f.pk for f in response.context["page"].items] == [world.extra["second_feedback"].pk]
    response = client.get(INBOX, {"tag": "login", "status": ""})
    assert [f.pk for f in response.context["page"].items] == [world.extra["feedback"].pk]


def test_unknown_filters_are_refused_by_name(world: Any) -> None:
    response = client_for(world).get(INBOX, {"status": "lost", "order_by": "password"})
    assert response.status_code == 422
    assert b"status: Choose one of" in response.content


def test_inbox_is_for_members(world: Any) -> None:
    assert client_for(world, "member").get(INBOX).status_code == 200
    assert client_for(world, "guest").get(INBOX).status_code == 403
    assert client_for(world, "outsider").get(INBOX).status_code == 404
    assert Client().get(INBOX).status_code == 302


def test_inbox_is_keyboard_friendly(world: Any) -> None:
    html = client_for(world).get(INBOX, {"status": "any"}).content.decode()
    assert "js/product-triage.js" in html
    assert "data-rows" in html and "data-row " in html
    item = world.extra["feedback"]
    assert f'id="check-{item.pk}"' in html and f'aria-label="Select feedback #{item.pk}"' in html
    for field in ("bulk-status", "bulk-tag", "bulk-requirement"):
        assert f'<label for="id_{field}"' in html or f'<label for="{field}"' in html
    assert 'name="action" value="set_status"' in html and 'name="action" value="delete"' in html
    assert "/w/acme/feedback/export/?format=csv" in html and "format=xlsx" in html


def test_text_is_never_html(world: Any) -> None:
    item = make(world, EVIL, tags=["<b>tag</b>"], customer_name="<i>Mallory</i>")
    client = client_for(world)
    for url in (INBOX, feedback_url(item)):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert not re.search(r'href="\s*javascript:', html)
        assert "<img src=x" not in html and "<i>Mallory" not in html and "<b>tag" not in html
        assert "&lt;script&gt;" in html
    detail = client.get(feedback_url(item)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>" in detail  # line breaks kept


# --- Bulk actions from the page ------------------------------------------------------------------


def test_bulk_from_the_action_bar(world: Any) -> None:
    client = client_for(world)
    ids = [world.extra["second_feedback"].pk, make(world).pk]
    response = client.post(INBOX + "bulk/", {"ids": ids, "action": "set_status", "status": "triaged", "tag": "x"})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert set(Feedback.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"triaged"}
    response = client.post(
        INBOX + "bulk/", {"ids": ids, "action": "link", "requirement": "REQ-2", "next": INBOX + "?status=triaged"}
    )
    assert response["Location"] == INBOX + "?status=triaged"
    assert FeedbackLink.objects.filter(feedback_id__in=ids, requirement=world.extra["second_requirement"]).count() == 2
    response = client.post(INBOX + "bulk/", {"ids": ids, "action": "add_tag", "tag": "q3"}, follow=True)
    assert "2 items were tagged." in response.content.decode()
    response = client.post(INBOX + "bulk/", {"ids": ids, "action": "delete"}, follow=True)
    assert "2 items were moved to the trash." in response.content.decode()
    assert Requirement.objects.get(pk=world.extra["second_requirement"].pk).feedback_count == 0


def test_bulk_errors_change_nothing(world: Any) -> None:
    client = client_for(world)
    ids = [world.extra["second_feedback"].pk, world.extra["other_feedback"].pk]
    response = client.post(INBOX + "bulk/", {"ids": ids, "action": "delete"}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert Feedback.objects.filter(pk=ids[0]).exists()
    response = client.post(INBOX + "bulk/", {"action": "delete"}, follow=True)
    assert "Check at least one feedback item." in response.content.decode()
    assert client_for(world, "guest").post(INBOX + "bulk/", {"ids": ids[:1], "action": "delete"}).status_code == 403
    assert Feedback.objects.filter(pk=ids[0]).exists()


# --- One feedback item ---------------------------------------------------------------------------


def test_detail_shows_customer_content_and_links(world: Any) -> None:
    item = world.extra["feedback"]
    html = client_for(world).get(feedback_url(item)).content.decode()
    assert "Wang Fang" in html and "Lotus Tech" in html and "Enterprise" in html
    assert "Please let us sign in with WeCom.<br>Our whole team uses it." in html
    assert "REQ-1" in html and "Sign in with WeCom" in html and "New" in html
    assert client_for(world, "outsider").get(feedback_url(world.extra["other_feedback"])).status_code == 404
    assert client_for(world).get(feedback_url(world.extra["other_feedback"])).status_code == 404


def test_link_status_unlink_and_delete_from_the_page(world: Any) -> None:
    client, item = client_for(world), world.extra["second_feedback"]
    url = feedback_url(item)
    response = client.post(url + "links/", {"requirement": "REQ-404"})
    assert response.status_code == 422 and "Choose a requirement of this workspace" in response.content.decode()
    response = client.post(url + "links/", {"requirement": "req-2"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "linked"
    response = client.post(url + "status/", {"target": "answered", "version": item.version})
    assert response.status_code == 302
    response = client.post(url + "status/", {"target": "closed", "version": 1})
    assert response.status_code == 409 and "Someone else changed this feedback" in response.content.decode()
    response = client.post(url + "status/", {"target": "triaged", "version": item.version + 1})
    assert response.status_code == 422 and "can move to: Closed" in response.content.decode()
    response = client.post(url + "links/2/remove/")
    assert response.status_code == 302
    assert not FeedbackLink.objects.filter(feedback=item).exists()
    response = client.post(url + "delete/")
    assert response.status_code == 302 and not Feedback.objects.filter(pk=item.pk).exists()


def test_edit_with_a_stale_version_shows_the_conflict(world: Any) -> None:
    client, item = client_for(world), world.extra["second_feedback"]
    form = {
        "product_id": world.extra["product"].pk,
        "channel": "in_app",
        "kind": "complaint",
        "content": "Dark mode now!",
        "tags": "ui, 夜间",
        "version": item.version,
    }
    assert client.post(feedback_url(item), form).status_code == 302
    item.refresh_from_db()
    assert item.kind == "complaint" and item.tags == ["ui", "夜间"] and item.submitted_by_id == world.users["member"].pk
    response = client.post(feedback_url(item), {**form, "content": "Mine, stale", "version": 1})
    assert response.status_code == 409 and "Someone else changed this" in response.content.decode()
    assert Feedback.objects.get(pk=item.pk).content == "Dark mode now!"


def test_record_feedback_from_the_page(world: Any) -> None:
    client = client_for(world, "member")
    assert client.get("/w/acme/feedback/new/").status_code == 200
    response = client.post(
        "/w/acme/feedback/new/",
        {
            "product_id": world.extra["product"].pk,
            "channel": "interview",
            "kind": "evaluation",
            "content": "Works well",
            "customer_name": "Zhao",
            "customer_email": "bad",
        },
    )
    assert response.status_code == 422 and "Enter a valid email address." in response.content.decode()
    response = client.post(
        "/w/acme/feedback/new/",
        {
            "product_id": world.extra["product"].pk,
            "channel": "interview",
            "kind": "evaluation",
            "content": "Works well",
        },
    )
    created = Feedback.objects.latest("id")
    assert response["Location"] == feedback_url(created)
    assert created.submitted_by_id == world.users["member"].pk
    assert client_for(world, "guest").get("/w/acme/feedback/new/").status_code == 403


# --- The API -------------------------------------------------------------------------------------


def test_api_round_trip(world: Any) -> None:
    client = api_client(world)
    body = {
        "product_id": world.extra["product"].pk,
        "content": "Bulk edit please",
        "channel": "support",
        "customer_email": "wang.fang@lotus.example",
        "tags": ["bulk"],
    }
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["customer"]["id"] == world.extra["customer"].pk and created["submitted_by"] is None
    url = f"{API}/{created['id']}"
    response = client.post(url + "/links/1")
    assert response.status_code == 200 and response.json()["status"] == "linked"
    assert response.json()["requirements"] == [
        {"number": 1, "key": "REQ-1", "title": "Sign in with WeCom", "status": "new"}
    ]
    # Two feedback items of Wang Fang on REQ-1: one customer.
    assert Requirement.objects.get(pk=world.extra["requirement"].pk).customer_count == 1
    response = client.patch(url, {"version": 1, "status": "answered"}, content_type="application/json")
    assert response.status_code == 409
    version = Feedback.objects.get(pk=created["id"]).version
    response = client.patch(url, {"version": version, "status": "answered"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["answered_at"]
    response = client.delete(url + "/links/1")
    assert response.status_code == 200 and response.json()["requirements"] == []
    response = client.get(API, {"channel": "support", "requirement": "REQ-1"})
    assert response.json()["items"] == []
    response = client.get(API, {"status": "answered"})
    assert [i["id"] for i in response.json()["items"]] == [created["id"]]


def test_the_fast_inbox_writes_what_the_feedback_schema_writes(world: Any) -> None:
    """The API's inbox is written by hand from plain rows: across pages it must be what FeedbackOut
    writes from the models, to the order of the keys and the spelling of the dates, for feedback
    with every field set (linked requirements in their order, one in the trash left out) and
    feedback with the optional ones empty."""
    owner = world.actor("owner")
    full = make(
        world,
        "Export everything",
        kind="complaint",
        sentiment="negative",
        tags=["export", "csv"],
        customer_name="Li Lei",
        customer_email="li.lei@example.test",
        customer_company="Acme",
        customer_segment="education",
        as_myself=True,
    )
    gone = requirements.create_requirement(owner, world.extra["product"], title="Soon in the trash")
    for requirement in (world.extra["second_requirement"], world.extra["requirement"], gone):
        feedback.link_requirement(owner, full, requirement)
    requirements.delete_requirement(owner, gone)
    full = Feedback.objects.get(pk=full.pk)
    feedback.set_status(owner, full, status="answered", version=full.version)
    empty = make(world, "Just a thought", as_myself=False)
    client = api_client(world)
    written: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = paginate(queries_feedback.feedback_for(owner, {}), cursor=cursor, limit=2)
        response = client.get(f"{API}?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        expected = [("items", as_the_schema_writes(FeedbackOut, page.items)), ("next_cursor", page.next_cursor)]
        assert json.loads(response.content, object_pairs_hook=list) == expected
        written.extend(dict(row) for row in expected[0][1])
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(written) == 4  # with the cast's two
    rows = {row["id"]: row for row in written}
    full_row, empty_row = rows[full.pk], rows[empty.pk]
    assert [name for name, value in full_row.items() if value is None or value == "" or value == []] == []
    assert [dict(r)["key"] for r in full_row["requirements"]] == ["REQ-1", "REQ-2"]
    assert dict(full_row["submitted_by"])["id"] == world.users["owner"].pk and full_row["answered_at"].endswith("Z")
    optional = [name for name, value in empty_row.items() if value is None or value == "" or value == []]
    assert sorted(optional) == ["answered_at", "customer", "requirements", "sentiment", "submitted_by", "tags"]


def test_api_refuses_bad_input_by_field(world: Any) -> None:
    client = api_client(world)
    response = client.post(
        API + "/bulk", {"ids": list(range(1, 202)), "action": "delete"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "ids"
    response = client.get(API, {"sort": "password"})
    assert response.status_code == 200  # unknown query parameters are not filters: ignored by the schema
    response = client.get(API, {"status": "lost"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    response = client.post(
        API,
        {"product_id": world.extra["product"].pk, "content": "", "channel": "survey"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "content"


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [INBOX + "?status=any", INBOX + "?status=linked&segment=enterprise", API, API + "?requirement=REQ-2"]
)
def test_list_queries_do_not_grow(world: Any, url: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world) if url.startswith("/w/") else api_client(world)
    grow(world, 3)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    grow(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
        assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    if url.startswith("/api"):
        assert len(response.json()["items"]) >= 30
    else:
        assert len(response.context["page"].items) >= 30
