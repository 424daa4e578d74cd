"""The notification service end to end on real components: the inbox rows and the outbox are
written with the change; the worker sends email to a real SMTP server and webhooks to a real HTTP
server; failures wait, retry with back-off and end in the dead-letter list; nothing is sent twice."""

import datetime
import json
from email.header import decode_header, make_header
from email.message import Message
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from core import services as core
from core.errors import PermissionDenied
from notify import delivery, formats, services
from notify.events import email_customer, emit, get_event
from notify.models import Delivery, DeliveryStatus, EmailState, Notification, Preferences, WebhookEndpoint
from projects.services import items

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def smtp(smtp_server: Any, settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    return smtp_server


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    """The admin setting that lets the tests' own HTTP server on loopback be called."""
    settings.OUTBOUND_LOCAL_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HTTP = True


def notifications_of(world: Any, role: str, event: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=world.users[role], workspace=world.acme)
    return list((qs.filter(event=event) if event else qs).order_by("pk"))


def assign(world: Any, to: str, title: str = "Checkout flow", by: str = "owner") -> Any:
    return items.create_item(world.actor(by), world.extra["project"], title=title, owner_id=world.users[to].pk)


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    }


# --- Emitting -----------------------------------------------------------------------------------


def test_assigning_tells_the_new_owner_in_the_inbox_and_queues_an_email(world: Any) -> None:
    item = assign(world, "extra")
    [notification] = notifications_of(world, "extra", "work_item.assigned")
    assert (notification.target_type, notification.target_id, notification.actor_id) == (
        "work_item",
        item.pk,
        world.users["owner"].pk,
    )
    assert notification.context["object"].startswith(item.key)
    assert notification.url.endswith(f"/{item.key}/")
    assert notification.email_state == EmailState.QUEUED
    assert Delivery.objects.get(notification=notification).status == DeliveryStatus.PENDING


def test_nobody_is_told_of_their_own_action(world: Any) -> None:
    before = Notification.objects.count()
    assign(world, "owner")  # alice gives herself an item
    assert Notification.objects.count() == before


def test_reassigning_tells_the_new_owner_who_then_watches(world: Any) -> None:
    item = assign(world, "member")
    items.update_item(world.actor("owner"), item, version=item.version, owner_id=world.users["extra"].pk)
    assert len(notifications_of(world, "extra", "work_item.assigned")) == 1
    items.transition(world.actor("owner"), item, state_id=item.state.workflow.states.exclude(pk=item.state_id)[0].pk)
    assert len(notifications_of(world, "extra", "work_item.status_changed")) == 1


def test_a_mention_tells_the_person_and_watchers_hear_of_the_comment(world: Any) -> None:
    item = assign(world, "member")  # carol owns and watches it
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="@erin @carol look")
    assert len(notifications_of(world, "extra", "comment.mentioned")) == 1
    assert len(notifications_of(world, "member", "comment.mentioned")) == 1
    # carol was mentioned, so she is not told twice about the same comment
    assert notifications_of(world, "member", "comment.added") == []
    [mention] = notifications_of(world, "extra", "comment.mentioned")
    assert mention.context["excerpt"] == "@erin @carol look"


def test_people_who_cannot_see_the_object_are_never_told(world: Any) -> None:
    ops_item = items.create_item(world.actor("owner"), world.extra["ops"], title="Rota")
    # gina is a guest outside OPS; rob was removed; olga is in another workspace
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=ops_item.pk, body="@gina @rob @olga")
    assert Notification.objects.filter(event="comment.mentioned", target_id=ops_item.pk).count() == 0


def test_a_repeated_key_tells_nobody_twice(world: Any) -> None:
    item = world.extra["item"]
    first = emit("work_item.overdue", actor=None, target=item, context={"due": "2030-01-01"}, dedupe="k1")
    again = emit("work_item.overdue", actor=None, target=item, context={"due": "2030-01-01"}, dedupe="k1")
    assert len(first) == 1 and again == []


def test_choices_turn_channels_off_per_event(world: Any) -> None:
    carol = world.actor("member")
    prefs = services.preferences_of(carol)
    services.update_preferences(
        carol,
        version=prefs.version,
        events={"work_item.assigned": {"inbox": True, "email": "off"}, "comment.mentioned": {"inbox": False}},
    )
    item = assign(world, "member")
    [assigned] = notifications_of(world, "member", "work_item.assigned")[-1:]
    assert assigned.email_state == EmailState.NONE and not Delivery.objects.filter(notification=assigned).exists()
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="@carol hi")
    [mention] = notifications_of(world, "member", "comment.mentioned")
    assert not mention.in_inbox and mention.email_state == EmailState.QUEUED


def test_quiet_hours_hold_the_email_until_they_end_but_not_the_inbox(world: Any) -> None:
    erin = world.actor("extra")
    prefs = services.preferences_of(erin)
    services.update_preferences(
        erin, version=prefs.version, quiet_start=datetime.time(22, 0), quiet_end=datetime.time(8, 0)
    )
    late = datetime.datetime(2030, 3, 4, 23, 30, tzinfo=SHANGHAI)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: late.astimezone(datetime.UTC))
        assign(world, "extra")
    [notification] = notifications_of(world, "extra", "work_item.assigned")
    assert notification.in_inbox and notification.read_at is None
    held = Delivery.objects.get(notification=notification)
    assert held.next_attempt_at == datetime.datetime(2030, 3, 5, 8, 0, tzinfo=SHANGHAI)
    delivery.deliver_due(now=late + datetime.timedelta(hours=1))
    held.refresh_from_db()
    assert (held.status, held.attempts) == (DeliveryStatus.PENDING, 0)


@pytest.mark.parametrize(
    ("now", "start", "end", "expected"),
    [
        ((12, 0), (22, 0), (8, 0), (12, 0)),  # outside overnight hours: now
        ((7, 59), (22, 0), (8, 0), (8, 0)),  # early morning: until 08:00 the same day
        ((13, 0), (12, 0), (14, 0), (14, 0)),  # a daytime window
        ((14, 0), (12, 0), (14, 0), (14, 0)),  # its end is outside
    ],
)
def test_after_quiet_hours(now: Any, start: Any, end: Any, expected: Any) -> None:
    from notify.events import after_quiet_hours

    prefs = Preferences(quiet_start=datetime.time(*start), quiet_end=datetime.time(*end))
    moment = datetime.datetime(2030, 3, 4, now[0], now[1], tzinfo=SHANGHAI)
    result = after_quiet_hours(prefs, "Asia/Shanghai", moment.astimezone(datetime.UTC))
    assert result.astimezone(SHANGHAI) == datetime.datetime(2030, 3, 4, expected[0], expected[1], tzinfo=SHANGHAI)


# --- Email --------------------------------------------------------------------------------------


def test_the_email_has_both_parts_in_the_reader_language_and_a_working_unsubscribe(world: Any, smtp: Any) -> None:
    erin = world.users["extra"]
    erin.language = "en"
    erin.save()
    item = assign(world, "extra")
    assert delivery.deliver_due() >= 1
    [message] = [m for m in smtp.wait_for(1) if m["To"] == erin.email and item.key in subject(m)]
    assert message["Subject"] == f"Alice assigned {item.key} Checkout flow to you"
    body = parts(message)
    assert item.key in body["text/plain"] and f"/{item.key}/" in body["text/plain"]
    assert f'href="http://127.0.0.1:8000/w/acme/projects/WEB/items/{item.key}/"' in body["text/html"] or (
        f"/{item.key}/" in body["text/html"]
    )
    assert message["Message-ID"] == delivery._message_id(Delivery.objects.get(notification__target_id=item.pk))
    unsubscribe = "".join(message["List-Unsubscribe"].split()).strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body["text/plain"]

    # A link scanner's GET changes nothing; the one-click POST turns this event's email off.
    path = urlparse(unsubscribe).path
    assert Client().get(path).status_code == 200
    assert not Preferences.objects.filter(user=erin).exists()
    assert Client().post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Preferences.objects.get(user=erin, workspace=world.acme).events["work_item.assigned"]["email"] == "off"
    assign(world, "extra", title="Another")
    latest = notifications_of(world, "extra", "work_item.assigned")[-1]
    assert latest.in_inbox and latest.email_state == EmailState.NONE


def test_someone_removed_after_the_email_was_queued_is_not_sent_it(world: Any, smtp: Any) -> None:
    from accounts import services as accounts

    item = assign(world, "extra")
    queued = Delivery.objects.get(notification__target_id=item.pk, notification__recipient=world.users["extra"])
    accounts.remove_member(world.actor("owner"), world.actor("extra"))
    delivery.deliver_due()
    queued.refresh_from_db()
    assert (queued.status, queued.last_error) == (DeliveryStatus.DEAD, "not_a_member")
    assert not [m for m in smtp.messages if m["To"] == world.users["extra"].email]


def test_a_tampered_unsubscribe_link_changes_nothing(world: Any) -> None:
    url = delivery.unsubscribe_url(world.users["extra"].pk, world.acme.pk, "work_item.assigned")
    path = urlparse(url).path
    tampered = path.replace("/unsubscribe/", "/unsubscribe/x")
    assert Client().post(tampered).status_code == 404
    assert not Preferences.objects.filter(user=world.users["extra"]).exists()


def test_the_email_speaks_chinese_to_a_chinese_reader(world: Any, smtp: Any) -> None:
    item = assign(world, "extra")  # the cast speaks zh-hans
    delivery.deliver_due()
    [message] = [m for m in smtp.wait_for(1) if m["To"] == world.users["extra"].email and item.key in subject(m)]
    assert item.key in subject(message) and "assigned" not in subject(message)
    assert "退订" in parts(message)["text/html"]


def test_when_smtp_is_down_the_change_succeeds_and_the_email_waits_then_goes(world: Any, settings: Any) -> None:
    from conftest import SmtpServer

    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port  # nothing listens yet
    item = assign(world, "extra")  # the user's action never fails because of a channel
    pending = Delivery.objects.get(notification__target_id=item.pk, notification__recipient=world.users["extra"])
    now = timezone.now()
    assert delivery.deliver_due(now=now) >= 1
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.PENDING and pending.attempts == 1
    assert pending.last_error.startswith("smtp")
    assert pending.next_attempt_at >= now + datetime.timedelta(seconds=30)
    assert delivery.deliver_due(now=now + datetime.timedelta(seconds=5)) == 0  # backing off

    with server:
        delivery.deliver_due(now=pending.next_attempt_at + datetime.timedelta(seconds=1))
        received = server.wait_for(1)
        mine = [m for m in received if m["To"] == world.users["extra"].email and item.key in subject(m)]
    assert len(mine) == 1
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.SENT and pending.attempts == 2


def test_back_off_doubles_up_to_six_hours() -> None:
    seconds = [delivery.backoff(n).total_seconds() for n in range(1, 12)]
    assert 30 <= seconds[0] <= 33 and 60 <= seconds[1] <= 66 and 120 <= seconds[2] <= 132
    assert all(s <= 6 * 3600 * 1.1 for s in seconds) and seconds[-1] >= 6 * 3600


def test_after_the_last_attempt_a_delivery_is_dead_until_an_admin_retries_it(world: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard: refused
    item = assign(world, "extra")
    failing = Delivery.objects.get(notification__target_id=item.pk, notification__recipient=world.users["extra"])
    now = timezone.now()
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(now=now)
        failing.refresh_from_db()
        now = failing.next_attempt_at + datetime.timedelta(seconds=1)
    assert failing.status == DeliveryStatus.DEAD and failing.attempts == delivery.MAX_ATTEMPTS
    delivery.deliver_due(now=now + datetime.timedelta(days=1))
    failing.refresh_from_db()
    assert (failing.status, failing.attempts) == (DeliveryStatus.DEAD, delivery.MAX_ATTEMPTS)

    with pytest.raises(PermissionDenied):
        services.retry_delivery(world.actor("member"), failing)
    retried = services.retry_delivery(world.actor("admin"), failing)
    assert (retried.status, retried.attempts, retried.last_error) == (DeliveryStatus.PENDING, 0, "")


# --- Webhooks -----------------------------------------------------------------------------------


def hook(world: Any, server: Any, kind: str = "generic", **fields: Any) -> WebhookEndpoint:
    return services.create_webhook(
        world.actor("admin"), name=f"{kind} hook", kind=kind, url=f"{server.url}/hook", **fields
    )


@pytest.mark.usefixtures("loopback_allowed")
def test_a_signed_webhook_hears_the_event_once_with_its_delivery_key(world: Any, http_server: Any) -> None:
    endpoint = hook(world, http_server, secret="s3cret")
    item = assign(world, "extra")
    sent = Delivery.objects.get(endpoint=endpoint)
    delivery.deliver_due()
    delivery.deliver_due()
    [request] = http_server.wait_for(1)
    headers, body = request["headers"], request["body"]
    assert headers["X-Cadence-Delivery"] == sent.key and headers["X-Cadence-Event"] == "work_item.assigned"
    assert formats.verify_generic("s3cret", headers["X-Cadence-Timestamp"], body, headers["X-Cadence-Signature"])
    payload = json.loads(body)
    assert payload["event"] == "work_item.assigned" and item.key in payload["title"]
    assert payload["url"].endswith(f"/{item.key}/")
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT and len(http_server.requests) == 1


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    ("kind", "shape"),
    [
        ("dingtalk", lambda p: p["msgtype"] == "markdown" and "APP" not in p["markdown"]["title"]),
        ("wecom", lambda p: p["msgtype"] == "markdown" and "WEB-" in p["markdown"]["content"]),
        ("feishu", lambda p: p["msg_type"] == "post" and "sign" in p),
        ("slack", lambda p: "WEB-" in p["text"] and p["blocks"][0]["type"] == "section"),
    ],
)
def test_each_chat_service_gets_its_own_format_through_the_worker(
    world: Any, http_server: Any, kind: str, shape: Any
) -> None:
    endpoint = hook(world, http_server, kind=kind, secret="SEC123" if kind in ("dingtalk", "feishu") else "")
    http_server.respond = (200, {}, ACCEPTED[kind])
    assign(world, "extra")
    delivery.deliver_due()
    [request] = http_server.wait_for(1)
    assert shape(json.loads(request["body"]))
    if kind == "dingtalk":
        assert "timestamp=" in request["path"] and "sign=" in request["path"]
    assert Delivery.objects.get(endpoint=endpoint).status == DeliveryStatus.SENT


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    ("language", "assigned", "mentioned"),
    [
        ("en", "Alice assigned {key} Checkout flow to Erin", "Alice mentioned Carol, Erin on {key} Checkout flow"),
        ("zh-hans", "Alice 将 {key} Checkout flow 指派给了 Erin", "Alice 在 {key} Checkout flow 中提及了 Carol、Erin"),
    ],
)
def test_a_group_is_told_who_was_assigned_or_mentioned_and_the_person_is_told_you(
    world: Any, http_server: Any, language: str, assigned: str, mentioned: str
) -> None:
    endpoint = hook(world, http_server, language=language)
    item = assign(world, "extra")
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="@erin @carol look")
    titles = [delivery.webhook_message(d).title for d in Delivery.objects.filter(endpoint=endpoint).order_by("pk")]
    assert titles == [assigned.format(key=item.key), mentioned.format(key=item.key)]
    [told] = notifications_of(world, "extra", "work_item.assigned")
    assert get_event(told.event).render(told.context) == f"Alice assigned {item.key} Checkout flow to you"


ACCEPTED = {
    "dingtalk": b'{"errcode":0,"errmsg":"ok"}',
    "wecom": b'{"errcode":0,"errmsg":"ok"}',
    "feishu": b'{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}',
    "slack": b"ok",
}


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    ("kind", "answer", "error"),
    [
        ("dingtalk", b'{"errcode":310000,"errmsg":"sign not match, more: [secret-ish]"}', "errcode 310000"),
        ("wecom", b'{"errcode":93000,"errmsg":"invalid webhook url"}', "errcode 93000"),
        ("feishu", b'{"code":19021,"data":{},"msg":"sign match fail"}', "code 19021"),
        ("feishu", b"<html>not json</html>", "unreadable answer"),
    ],
)
def test_a_chat_service_that_says_no_inside_a_200_is_retried(
    world: Any, http_server: Any, kind: str, answer: bytes, error: str
) -> None:
    endpoint = hook(world, http_server, kind=kind)
    http_server.respond = (200, {}, answer)
    assign(world, "extra")
    delivery.deliver_due()
    refused = Delivery.objects.get(endpoint=endpoint)
    assert (refused.status, refused.last_error) == (DeliveryStatus.PENDING, f"rejected: {error}")
    http_server.respond = (200, {}, ACCEPTED[kind])
    delivery.deliver_due(now=refused.next_attempt_at + datetime.timedelta(seconds=1))
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (DeliveryStatus.SENT, 2)


@pytest.mark.usefixtures("loopback_allowed")
def test_a_team_webhook_hears_only_what_its_members_are_told(world: Any, http_server: Any) -> None:
    endpoint = hook(world, http_server, team_id=world.team.pk)  # the App team: carol
    assign(world, "extra")
    assert not Delivery.objects.filter(endpoint=endpoint).exists()
    assign(world, "member")
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1


@pytest.mark.usefixtures("loopback_allowed")
def test_a_webhook_hears_only_the_events_it_names(world: Any, http_server: Any) -> None:
    endpoint = hook(world, http_server, events=["comment.mentioned"])
    item = assign(world, "extra")
    assert not Delivery.objects.filter(endpoint=endpoint).exists()
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="@erin")
    assert Delivery.objects.get(endpoint=endpoint).payload["event"] == "comment.mentioned"


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(("status", "outcome"), [(500, DeliveryStatus.PENDING), (404, DeliveryStatus.DEAD)])
def test_a_failing_endpoint_is_retried_or_given_up(world: Any, http_server: Any, status: int, outcome: str) -> None:
    endpoint = hook(world, http_server)
    http_server.respond = (status, {}, b"internal details nobody may see")
    assign(world, "extra")
    delivery.deliver_due()
    failed = Delivery.objects.get(endpoint=endpoint)
    assert failed.status == outcome and failed.attempts == 1
    assert "internal" not in failed.last_error and str(status) in failed.last_error


def test_an_address_refused_at_delivery_is_never_connected(world: Any, http_server: Any, settings: Any) -> None:
    settings.OUTBOUND_LOCAL_HOSTS, settings.OUTBOUND_ALLOW_HTTP = ["127.0.0.1"], True
    endpoint = hook(world, http_server)
    assign(world, "extra")
    settings.OUTBOUND_LOCAL_HOSTS = []  # the admin withdrew the allowance after the webhook was made
    delivery.deliver_due()
    refused = Delivery.objects.get(endpoint=endpoint)
    assert refused.status == DeliveryStatus.DEAD and refused.last_error
    assert http_server.connections == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_a_test_message_goes_through_the_worker(world: Any, http_server: Any) -> None:
    endpoint = hook(world, http_server, kind="slack")
    services.send_test(world.actor("admin"), endpoint)
    delivery.deliver_due()
    [request] = http_server.wait_for(1)
    assert "Bob" in json.loads(request["body"])["text"]


# --- Digests ------------------------------------------------------------------------------------


def test_low_priority_events_wait_for_one_daily_digest(world: Any, smtp: Any) -> None:
    carol = world.users["member"]
    carol.language = "en"
    carol.save()
    item = assign(world, "member")
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="First")
    core.add_comment(world.actor("admin"), target_type="work_item", target_id=item.pk, body="Second")
    waiting = notifications_of(world, "member", "comment.added")
    assert len(waiting) == 2 and {n.email_state for n in waiting} == {EmailState.DIGEST}

    morning = datetime.datetime(2030, 3, 4, 8, 30, tzinfo=SHANGHAI)
    digests = Delivery.objects.filter(channel="digest", recipient=carol)
    delivery.queue_digests(morning)
    assert not digests.exists()  # before her digest hour (09:00)
    nine = morning.replace(hour=9, minute=5)
    delivery.queue_digests(nine)
    core.add_comment(world.actor("admin"), target_type="work_item", target_id=item.pk, body="Third")
    delivery.queue_digests(nine + datetime.timedelta(hours=1))
    assert digests.count() == 1  # once a day: the third waits for tomorrow
    digest = Delivery.objects.get(channel="digest", recipient=carol)
    assert sorted(digest.payload["ids"]) == sorted(n.pk for n in waiting)
    states = [n.email_state for n in notifications_of(world, "member", "comment.added")]
    assert states == [EmailState.DIGESTED, EmailState.DIGESTED, EmailState.DIGEST]

    delivery.deliver_due()
    [message] = [m for m in smtp.wait_for(1) if m["To"] == carol.email and "digest" in m["Subject"]]
    assert message["Subject"] == "Your Cadence digest: 2 updates"
    text = parts(message)["text/plain"]
    assert text.count(f"commented on {item.key}") == 2


# --- Email to people without an account ----------------------------------------------------------


def test_a_customer_email_goes_once_in_its_language_with_the_text_escaped(world: Any, smtp: Any) -> None:
    body = "Dark mode <b>shipped</b> in 2.0.\nThank you."
    for _ in range(2):  # the same key queues it once
        email_customer(
            workspace_id=world.acme.pk,
            address="li.lei@example.test",
            key="customer:test:li.lei@example.test",
            language="en",
            subject="Shipped:\r\nDark mode",
            body=body,
        )
    assert Delivery.objects.filter(channel="customer").count() == 1
    delivery.deliver_due()
    [message] = [m for m in smtp.messages if m["To"] == "li.lei@example.test"]
    assert subject(message) == "Shipped: Dark mode"
    text, html = parts(message)["text/plain"].replace("\r\n", "\n"), parts(message)["text/html"]
    assert body in text and "You are not on a mailing list" in text
    assert "&lt;b&gt;shipped&lt;/b&gt;" in html and "<b>" not in html
    assert Delivery.objects.get(channel="customer").status == DeliveryStatus.SENT
