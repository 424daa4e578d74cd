"""The notifications API: one's own inbox only, filters, read state, preferences, webhooks whose
secret never comes back, deliveries, reminder settings, errors by field, constant query counts."""

from typing import Any

import pytest
from django.utils import translation

from accounts.models import User
from cadence.api import api
from conftest import ROLES
from notify import queries
from notify.events import emit, get_event
from notify.models import Delivery, Notification, Preferences, ReminderSettings, WebhookEndpoint
from notify.tests.access import CASES, PUBLIC_URL
from tests.matrix import call, no_writes

API = "/api/v1/workspaces/acme"
JSON = "application/json"


def _post(client: Any, path: str, body: Any = "") -> Any:
    """A JSON POST; without a body, an empty one."""
    return client.post(API + path, body, content_type=JSON)


def _put(client: Any, path: str, body: Any) -> Any:
    return client.put(API + path, body, content_type=JSON)


def _patch(client: Any, path: str, body: Any) -> Any:
    return client.patch(API + path, body, content_type=JSON)


def _fields(response: Any) -> list[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return [e["field"] for e in response.json()["errors"]]


def _assign(world: Any, role: str = "owner") -> Notification:
    """`role` assigns WEB-1 (carol's) again: carol is told."""
    [told] = emit("work_item.assigned", actor=world.members[role], target=world.extra["item"])
    return told


def _inbox(world: Any, role: str, query: str = "") -> dict[str, Any]:
    response = world.client(role).get(f"{API}/notifications{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


# --- Inbox -----------------------------------------------------------------------------------


def test_the_inbox_holds_the_callers_own_notifications_only(world: Any) -> None:
    told = _assign(world)
    carol, bob = world.users["member"], world.users["admin"]
    page = _inbox(world, "member", "?limit=200")
    ids = {n["id"] for n in page["items"]}
    assert told.pk in ids
    assert ids == set(Notification.objects.filter(recipient=carol, workspace=world.acme).values_list("pk", flat=True))
    assert told.pk not in {n["id"] for n in _inbox(world, "admin", "?limit=200")["items"]}
    assert Notification.objects.filter(recipient=bob).exists()

    entry = next(n for n in page["items"] if n["id"] == told.pk)
    with translation.override(carol.language):
        title, label = get_event("work_item.assigned").render(told.context), str(get_event("work_item.assigned").label)
    assert entry == {
        "id": told.pk,
        "event": "work_item.assigned",
        "event_label": label,
        "title": title,
        "actor": {"id": world.users["owner"].pk, "username": "alice", "display_name": "Alice"},
        "target_type": "work_item",
        "target_id": world.extra["item"].pk,
        "url": told.url,
        "created_at": entry["created_at"],
        "read": False,
    }
    assert "Alice" in title and "WEB-1" in title


def test_titles_are_written_in_the_readers_language(world: Any) -> None:
    told = _assign(world)
    for language in ("en", "zh-hans"):
        User.objects.filter(pk=world.users["member"].pk).update(language=language)
        entry = next(n for n in _inbox(world, "member")["items"] if n["id"] == told.pk)
        with translation.override(language):
            assert entry["title"] == get_event("work_item.assigned").render(told.context)
            assert entry["event_label"] == str(get_event("work_item.assigned").label)


def test_someone_elses_notification_is_not_found(world: Any) -> None:
    told = _assign(world)  # carol's
    for role in ("admin", "owner", "guest"):
        for action in ("read", "unread"):
            response = _post(world.client(role), f"/notifications/{told.pk}/{action}")
            assert response.status_code == 404, (role, action)
    told.refresh_from_db()
    assert told.read_at is None


def test_filters_by_event_and_unread(world: Any) -> None:
    first, second = _assign(world), _assign(world, "admin")
    checkin = world.extra["notifications"]["member"]
    assigned = _inbox(world, "member", "?event=work_item.assigned")["items"]
    assert {n["id"] for n in assigned} >= {first.pk, second.pk}
    assert {n["event"] for n in assigned} == {"work_item.assigned"}
    assert [n["id"] for n in _inbox(world, "member", "?event=checkin.weekly")["items"]] == [checkin.pk]

    assert _post(world.client("member"), f"/notifications/{first.pk}/read").status_code == 200
    unread = _inbox(world, "member", "?unread=true")["items"]
    assert first.pk not in {n["id"] for n in unread} and second.pk in {n["id"] for n in unread}
    assert all(not n["read"] for n in unread)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_unknown_event_is_refused_by_name_in_the_callers_language(world: Any, language: str) -> None:
    User.objects.filter(pk=world.users["member"].pk).update(language=language)
    for query in ("?event=work_item.exploded", "?event=Bad%20Name"):
        response = world.client("member").get(f"{API}/notifications{query}")
        assert response.status_code == 422, query
        assert _fields(response) == ["event"]
    response = world.client("member").get(f"{API}/notifications?event=work_item.exploded")
    with translation.override(language):
        assert response.json()["title"] == translation.gettext("Some fields are not valid.")
        message = translation.gettext("Choose one of the notification types.")
    assert response.json()["errors"][0]["message"] == message
    if language == "zh-hans":
        assert response.json()["title"] == "部分字段无效。"


def test_pages_follow_the_cursor(world: Any) -> None:
    for _ in range(3):
        _assign(world)
    expected = list(
        Notification.objects.filter(recipient=world.users["member"], workspace=world.acme)
        .order_by("-id")
        .values_list("pk", flat=True)
    )
    seen, cursor = [], ""
    while True:
        page = _inbox(world, "member", f"?limit=2{cursor}")
        seen += [n["id"] for n in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == expected


def test_read_unread_read_all_and_the_count(world: Any) -> None:
    client = world.client("member")

    def count() -> int:
        response = client.get(f"{API}/notifications/unread-count")
        assert response.status_code == 200
        unread: int = response.json()["unread"]
        assert unread == _inbox(world, "member")["unread"]
        return unread

    first, second = _assign(world), _assign(world)
    start = count()
    assert start >= 3  # the check-in and two assignments

    read = _post(client, f"/notifications/{first.pk}/read")
    assert read.status_code == 200 and read.json()["read"] is True and read.json()["id"] == first.pk
    assert count() == start - 1
    again = _post(client, f"/notifications/{first.pk}/read")  # reading twice keeps the first time
    assert again.status_code == 200 and count() == start - 1
    unread = _post(client, f"/notifications/{first.pk}/unread")
    assert unread.status_code == 200 and unread.json()["read"] is False
    assert count() == start

    by_event = _post(client, "/notifications/read-all", {"event": "work_item.assigned"})
    assert by_event.status_code == 200
    assert (
        by_event.json()["updated"]
        == Notification.objects.filter(recipient=world.users["member"], event="work_item.assigned").count()
    )
    assert count() == start - by_event.json()["updated"]
    assert second.pk not in {n["id"] for n in _inbox(world, "member", "?unread=true")["items"]}

    everything = _post(client, "/notifications/read-all")
    assert everything.status_code == 200 and everything.json()["updated"] == start - by_event.json()["updated"]
    assert count() == 0
    # Nobody else's inbox was touched.
    assert not Notification.objects.exclude(recipient=world.users["member"]).filter(read_at__isnull=False).exists()


def test_read_all_refuses_an_unknown_event(world: Any) -> None:
    response = _post(world.client("member"), "/notifications/read-all", {"event": "work_item.exploded"})
    assert response.status_code == 422 and _fields(response) == ["event"]
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def _told(world: Any, count: int) -> None:
    for i in range(count):
        emit("work_item.assigned", actor=world.members[("owner", "admin", "guest")[i % 3]], target=world.extra["item"])


def test_listing_the_inbox_takes_the_same_queries_however_long_it_is(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = world.client("member")
    _told(world, 3)
    with django_assert_max_num_queries(10) as few:
        assert client.get(f"{API}/notifications?limit=100").status_code == 200
    _told(world, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"{API}/notifications?limit=100").json()
    assert len(page["items"]) >= 30
    assert len({n["actor"]["id"] for n in page["items"] if n["actor"]}) == 3


# --- Preferences -----------------------------------------------------------------------------


def test_preferences_round_trip(world: Any) -> None:
    client = world.client("member")
    initial = client.get(f"{API}/notification-preferences").json()
    assert initial["version"] == 1 and initial["quiet_start"] is None and initial["digest_hour"] == 9
    assert [e["event"] for e in initial["events"]] == [e.name for e in queries.listed_events()]
    assert "webhook.test" not in {e["event"] for e in initial["events"]}
    added = next(e for e in initial["events"] if e["event"] == "comment.added")
    assert added["inbox"] is True and added["email"] == "digest"

    body = {
        "version": 1,
        "events": {
            "work_item.assigned": {"inbox": False, "email": "off"},
            "comment.added": {"inbox": True, "email": "instant"},
        },
        "quiet_start": "22:30",
        "quiet_end": "07:00",
        "digest_hour": 18,
    }
    saved = _put(client, "/notification-preferences", body)
    assert saved.status_code == 200, saved.content
    result = saved.json()
    assert result["version"] == 2 and result["quiet_start"] == "22:30:00" and result["quiet_end"] == "07:00:00"
    assert result["digest_hour"] == 18
    choices = {e["event"]: (e["inbox"], e["email"]) for e in result["events"]}
    assert choices["work_item.assigned"] == (False, "off") and choices["comment.added"] == (True, "instant")
    assert client.get(f"{API}/notification-preferences").json() == result
    # Someone else's preferences are their own.
    assert world.client("admin").get(f"{API}/notification-preferences").json()["version"] == 1
    # And they are followed: carol is no longer told of assignments.
    assert emit("work_item.assigned", actor=world.members["owner"], target=world.extra["item"]) == []

    cleared = _put(client, "/notification-preferences", {"version": 2})
    assert cleared.status_code == 200
    assert cleared.json()["quiet_start"] is None and cleared.json()["digest_hour"] == 18
    assert {e["event"]: e["email"] for e in cleared.json()["events"]}["work_item.assigned"] == "off"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": {"work_item.exploded": {"inbox": True, "email": "off"}}}, "events.work_item.exploded"),
        ({"events": {"comment.added": {"inbox": True, "email": "loud"}}}, "events.comment.added.email"),
        ({"events": {"comment.added": {"inbox": "yes", "email": "off"}}}, "events.comment.added.inbox"),
        ({"events": {"comment.added": {"inbox": True, "email": "off", "sms": True}}}, "events.comment.added.sms"),
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_end": "07:00"}, "quiet_start"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end"),
        ({"quiet_start": "22:00Z", "quiet_end": "07:00"}, "quiet_start"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"digest_hour": -1}, "digest_hour"),
    ],
)
def test_preferences_are_refused_by_field_and_nothing_changes(world: Any, change: dict[str, Any], field: str) -> None:
    client = world.client("member")
    ok = _put(client, "/notification-preferences", {"version": 1, "digest_hour": 7})
    assert ok.status_code == 200
    before = list(Preferences.objects.values())
    response = _put(client, "/notification-preferences", {"version": 2, **change})
    assert response.status_code == 422, response.content
    assert _fields(response) == [field]
    assert list(Preferences.objects.values()) == before


def test_a_stale_preferences_version_is_a_conflict(world: Any) -> None:
    client = world.client("member")
    assert _put(client, "/notification-preferences", {"version": 1, "digest_hour": 7}).status_code == 200
    before = list(Preferences.objects.values())
    stale = _put(client, "/notification-preferences", {"version": 1, "digest_hour": 20})
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["current"]["version"] == 2 and stale.json()["current"]["digest_hour"] == 7
    assert list(Preferences.objects.values()) == before


# --- Webhooks --------------------------------------------------------------------------------

SECRET = "signing-secret-7f3a"


def _create(world: Any, **fields: Any) -> Any:
    body = {"name": "Release chat", "kind": "dingtalk", "url": PUBLIC_URL, "secret": SECRET, **fields}
    return _post(world.client("admin"), "/webhooks", body)


def test_creating_updating_and_deleting_a_webhook(world: Any) -> None:
    created = _create(world, events=["work_item.assigned", "comment.added"], team_id=world.team.pk, language="en")
    assert created.status_code == 201, created.content
    hook = created.json()
    assert hook["team"] == {"id": world.team.pk, "name": "App"}
    assert hook["events"] == ["comment.added", "work_item.assigned"]
    assert hook["has_secret"] is True and hook["language"] == "en" and hook["active"] is True
    assert hook["version"] == 1

    client = world.client("owner")
    names = [h["name"] for h in client.get(f"{API}/webhooks").json()["items"]]
    assert names == ["Product chat", "Release chat"]
    assert client.get(f"{API}/webhooks/{hook['id']}").json() == hook

    patched = _patch(client, f"/webhooks/{hook['id']}", {"version": 1, "team_id": None, "secret": "", "active": False})
    assert patched.status_code == 200, patched.content
    assert patched.json()["team"] is None and patched.json()["has_secret"] is False
    assert patched.json()["active"] is False and patched.json()["version"] == 2
    assert patched.json()["name"] == "Release chat"

    assert client.delete(f"{API}/webhooks/{hook['id']}").status_code == 204
    assert client.get(f"{API}/webhooks/{hook['id']}").status_code == 404
    assert [h["name"] for h in client.get(f"{API}/webhooks").json()["items"]] == ["Product chat"]
    assert WebhookEndpoint.all_objects.get(pk=hook["id"]).deleted_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/x",
        "https://127.0.0.1/x",
        "https://2130706433/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://localhost/x",
        "ftp://x",
        "https://93.184.215.14:22/x",
        "https://user:pass@93.184.215.14/x",
    ],
)
def test_a_refused_url_is_a_field_error_and_nothing_is_created(world: Any, url: str) -> None:
    before = WebhookEndpoint.all_objects.count()
    response = _create(world, url=url)
    assert response.status_code == 422, (url, response.content)
    assert _fields(response) == ["url"]
    assert WebhookEndpoint.all_objects.count() == before
    # A change to a refused URL is refused the same way.
    hook = world.extra["webhook"]
    changed = _patch(world.client("owner"), f"/webhooks/{hook.pk}", {"version": hook.version, "url": url})
    assert changed.status_code == 422 and _fields(changed) == ["url"]
    hook.refresh_from_db()
    assert hook.url == "https://hooks.example.com/x" and hook.version == 1


def test_local_hosts_can_be_allowed_by_the_administrator(world: Any, settings: Any) -> None:
    settings.OUTBOUND_LOCAL_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HTTP = True
    response = _create(world, url="http://127.0.0.1:9/hook")
    assert response.status_code == 201, response.content
    assert _create(world, url="http://169.254.169.254/").status_code == 422  # metadata: never


def test_the_secret_never_comes_back(world: Any) -> None:
    client = world.client("owner")
    created = _create(world)
    hook_id = created.json()["id"]
    responses = [
        created,
        client.get(f"{API}/webhooks"),
        client.get(f"{API}/webhooks/{hook_id}"),
        _patch(client, f"/webhooks/{hook_id}", {"version": 1, "name": "Renamed", "secret": SECRET + "-2"}),
        # A stale change: the conflict shows the current state, without the secret.
        _patch(client, f"/webhooks/{hook_id}", {"version": 1, "secret": SECRET + "-3"}),
        _post(client, f"/webhooks/{hook_id}/test"),
        client.get(f"{API}/deliveries"),
        client.get(f"{API}/activity"),
    ]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 409, 202, 200, 200]
    for response in responses:
        assert SECRET.encode() not in response.content, response.content
    for response in responses[:-1]:  # the history says that the secret changed, never what it is
        assert b'"secret"' not in response.content, response.content
    assert responses[4].json()["current"]["version"] == 2
    assert WebhookEndpoint.objects.get(pk=hook_id).secret == SECRET + "-2"


def test_the_activity_feed_never_shows_a_robot_url(world: Any) -> None:
    """Chat robots' URLs carry their access token; members read the activity feed."""
    hook = world.extra["webhook"]
    token_url = "https://93.184.215.14/robot/send?access_token=tok-123456"
    changed = _patch(world.client("owner"), f"/webhooks/{hook.pk}", {"version": 1, "url": token_url})
    assert changed.status_code == 200, changed.content
    feed = world.client("member").get(f"{API}/activity")
    assert feed.status_code == 200 and b"tok-123456" not in feed.content and b"hooks.example.com" not in feed.content
    assert b'"url"' in feed.content  # that it changed is there


def test_a_team_of_another_workspace_is_refused(world: Any) -> None:
    before = WebhookEndpoint.all_objects.count()
    created = _create(world, team_id=world.other_team.pk)
    assert created.status_code == 422 and _fields(created) == ["team_id"]
    assert WebhookEndpoint.all_objects.count() == before
    hook = world.extra["webhook"]
    changed = _patch(world.client("owner"), f"/webhooks/{hook.pk}", {"version": 1, "team_id": world.other_team.pk})
    assert changed.status_code == 422 and _fields(changed) == ["team_id"]
    hook.refresh_from_db()
    assert hook.team_id is None and hook.version == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": ["work_item.exploded"]}, "events"),
        ({"kind": "telegram"}, "kind"),
        ({"language": "fr"}, "language"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"secret": "s" * 201}, "secret"),
        ({"active": "yes"}, "active"),
        ({"created_by": 1}, "created_by"),
    ],
)
def test_webhook_fields_are_checked(world: Any, change: dict[str, Any], field: str) -> None:
    before = WebhookEndpoint.all_objects.count()
    response = _create(world, **change)
    assert response.status_code == 422, response.content
    assert [f.split(".")[0] for f in _fields(response)] == [field]
    assert WebhookEndpoint.all_objects.count() == before


def test_a_stale_webhook_change_is_a_conflict(world: Any) -> None:
    hook, client = world.extra["webhook"], world.client("owner")
    assert _patch(client, f"/webhooks/{hook.pk}", {"version": 1, "name": "A"}).status_code == 200
    stale = _patch(client, f"/webhooks/{hook.pk}", {"version": 1, "name": "B"})
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "A"
    hook.refresh_from_db()
    assert hook.name == "A" and hook.version == 2


# --- Deliveries ------------------------------------------------------------------------------


def test_deliveries_are_listed_with_their_endpoint_recipient_and_event(world: Any) -> None:
    client, hook, dead = world.client("admin"), world.extra["webhook"], world.extra["dead_delivery"]
    told = _assign(world)
    email = Delivery.objects.get(notification=told)
    listed = {d["id"]: d for d in client.get(f"{API}/deliveries?limit=200").json()["items"]}
    assert world.extra["other_dead_delivery"].pk not in listed
    assert listed[dead.pk] == {
        "id": dead.pk,
        "channel": "webhook",
        "status": "dead",
        "attempts": 8,
        "next_attempt_at": listed[dead.pk]["next_attempt_at"],
        "last_error": "status 500",
        "created_at": listed[dead.pk]["created_at"],
        "sent_at": None,
        "endpoint": {"id": hook.pk, "name": "Product chat"},
        "recipient": None,
        "event": "work_item.assigned",
    }
    assert listed[email.pk]["channel"] == "email" and listed[email.pk]["event"] == "work_item.assigned"
    assert listed[email.pk]["recipient"]["id"] == world.users["member"].pk and listed[email.pk]["endpoint"] is None

    dead_only = client.get(f"{API}/deliveries?status=dead").json()["items"]
    assert [d["id"] for d in dead_only] == [dead.pk]
    by_endpoint = client.get(f"{API}/deliveries?endpoint_id={hook.pk}").json()["items"]
    assert {d["endpoint"]["id"] for d in by_endpoint} == {hook.pk}
    assert client.get(f"{API}/deliveries?status=lost").status_code == 422


def test_a_dead_delivery_is_retried_and_only_a_dead_one(world: Any) -> None:
    client, dead = world.client("owner"), world.extra["dead_delivery"]
    retried = _post(client, f"/deliveries/{dead.pk}/retry")
    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "pending" and retried.json()["attempts"] == 0
    assert retried.json()["last_error"] == ""

    again = _post(client, f"/deliveries/{dead.pk}/retry")
    assert again.status_code == 422 and _fields(again) == ["status"]
    queued = _post(client, f"/webhooks/{world.extra['webhook'].pk}/test")
    assert queued.status_code == 202 and queued.json()["status"] == "pending"
    assert queued.json()["event"] == "webhook.test" and queued.json()["endpoint"]["id"] == world.extra["webhook"].pk
    before = list(Delivery.objects.values())
    refused = _post(client, f"/deliveries/{queued.json()['id']}/retry")
    assert refused.status_code == 422 and _fields(refused) == ["status"]
    assert list(Delivery.objects.values()) == before


# --- Reminder settings -----------------------------------------------------------------------

REMINDERS = {
    "due_soon_days": 2,
    "escalate_after_days": 5,
    "checkin_weekday": 4,
    "checkin_hour": 16,
    "time_zone": "Europe/Berlin",
}


def test_reminder_settings_round_trip(world: Any) -> None:
    client = world.client("admin")
    initial = client.get(f"{API}/reminder-settings").json()
    assert initial == {
        "version": 1,
        "due_soon_days": 1,
        "escalate_after_days": 3,
        "checkin_weekday": 0,
        "checkin_hour": 9,
        "time_zone": initial["time_zone"],
    }
    saved = _put(client, "/reminder-settings", {"version": 1, **REMINDERS})
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"version": 2, **REMINDERS}
    assert world.client("owner").get(f"{API}/reminder-settings").json() == saved.json()
    stale = _put(client, "/reminder-settings", {"version": 1, **REMINDERS, "checkin_hour": 8})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert ReminderSettings.objects.get(workspace=world.acme).checkin_hour == 16


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"due_soon_days": 31}, "due_soon_days"),
        ({"escalate_after_days": 0}, "escalate_after_days"),
        ({"checkin_weekday": 7}, "checkin_weekday"),
        ({"checkin_hour": 24}, "checkin_hour"),
        ({"checkin_hour": True}, "checkin_hour"),
        ({"checkin_hour": None}, "checkin_hour"),
    ],
)
def test_reminder_settings_are_refused_by_field(world: Any, change: dict[str, Any], field: str) -> None:
    response = _put(world.client("owner"), "/reminder-settings", {"version": 1, **REMINDERS, **change})
    assert response.status_code == 422, response.content
    assert _fields(response) == [field]
    assert not ReminderSettings.objects.exists()


def test_a_missing_reminder_setting_is_named(world: Any) -> None:
    body = {"version": 1, **REMINDERS}
    del body["checkin_weekday"]
    response = _put(world.client("owner"), "/reminder-settings", body)
    assert response.status_code == 422 and _fields(response) == ["checkin_weekday"]
    assert not ReminderSettings.objects.exists()


# --- Denied requests change nothing ----------------------------------------------------------


def test_every_operation_of_the_module_is_in_the_matrix() -> None:
    schema = api.get_openapi_schema()
    ours = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "notifications" in operation.get("tags", [])
    }
    assert ours == {case.operation for case in CASES}


def test_denied_requests_change_nothing_in_the_module(world: Any) -> None:
    """The same denied calls as the access matrix, one world for all of them (a denied call leaves it
    as it was): none writes anything."""
    denied = [(case, role) for case in CASES for role, status in zip(ROLES, case.expect, strict=True) if status >= 400]
    assert len(denied) > 50
    for case, role in denied:
        body = case.body(world, role) if case.body else None
        with no_writes(f"{case.operation} as {role}"):
            response = call(world.client(role), case, case.url(world, role), body)
        assert response.status_code == case.expect[ROLES.index(role)], (case.operation, role)
    for case in CASES:
        body = case.body(world, "owner") if case.body else None
        if case.foreign:
            with no_writes(f"{case.operation} naming another workspace's object"):
                response = call(world.client("owner"), case, case.url(world, "owner", case.foreign(world)), body)
            assert response.status_code == 404, case.operation
        for field, value in (case.foreign_body(world) if case.foreign_body else {}).items():
            with no_writes(f"{case.operation} with {field} of another workspace"):
                response = call(world.client("owner"), case, case.url(world, "owner"), {**(body or {}), field: value})
            assert response.status_code == 422, (case.operation, field)
