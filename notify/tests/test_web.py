"""The notification pages: the bell in the header, the inbox (filters, open, mark read), personal
preferences, and for owners and admins webhooks, failed deliveries and reminder settings."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core import services as core
from core.models import TrashItem
from notify import delivery, queries
from notify.events import emit
from notify.models import Delivery, DeliveryStatus, Notification, Preferences, ReminderSettings, WebhookEndpoint
from projects.services import items

INBOX = "/w/acme/notifications/"
PREFERENCES = INBOX + "preferences/"
INTEGRATIONS = "/w/acme/settings/integrations/"
DELIVERIES = "/w/acme/settings/deliveries/"
REMINDERS = "/w/acme/settings/reminders/"


def client_for(world: Any, role: str = "member") -> Client:
    """Signed in, in English (the cast's default language is Chinese)."""
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def text(response: Any) -> str:
    return response.content.decode()


def mine(world: Any, role: str = "member") -> Any:
    return Notification.objects.filter(recipient=world.users[role], workspace=world.acme, in_inbox=True)


def assign(world: Any, times: int = 1, *, to: str = "member") -> list[Notification]:
    """alice tells someone, `times` times, that the item they own is theirs."""
    item = world.extra["item"]
    if to != "member":
        item = items.create_item(world.actor("owner"), world.extra["project"], title=f"For {to}")
        item.owner_id = world.users[to].pk  # the emit below names the owner; no need to save
    told = []
    for _ in range(times):
        told += emit("work_item.assigned", actor=world.actor("owner"), target=item)
    return told


def mention(world: Any) -> Notification:
    """alice mentions carol in a comment on carol's item (carol is told once, as mentioned)."""
    item = world.extra["item"]
    core.add_comment(world.actor("owner"), target_type="work_item", target_id=item.pk, body="@carol please review")
    return mine(world).get(event="comment.mentioned")


# --- The bell --------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_is_polled(world: Any) -> None:
    client = client_for(world)
    Notification.objects.filter(recipient=world.users["member"]).update(read_at=timezone.now())
    page = text(client.get("/w/acme/"))
    assert 'aria-label="Notifications, none unread"' in page
    assert 'hx-get="/w/acme/notifications/unread/"' in page and 'hx-trigger="every 60s"' in page

    assign(world, 3)
    page = text(client.get("/w/acme/"))
    assert 'aria-label="Notifications, 3 unread"' in page
    badge = client.get(INBOX + "unread/")
    assert badge.status_code == 200 and 'id="notification-bell"' in text(badge)
    assert 'aria-label="Notifications, 3 unread"' in text(badge)
    assert "<html" not in text(badge)  # the partial only
    assert "no-cache" in badge["Cache-Control"] or "max-age=0" in badge["Cache-Control"]
    # One person's count is not another's.
    mine(world, "extra").update(read_at=timezone.now())
    assert 'aria-label="Notifications, none unread"' in text(client_for(world, "extra").get(INBOX + "unread/"))


def test_the_polled_bell_answers_204_to_strangers(world: Any) -> None:
    assert Client().get(INBOX + "unread/").status_code == 204
    assert client_for(world, "outsider").get(INBOX + "unread/").status_code == 204


def test_unread_count_is_one_query(world: Any, django_assert_num_queries: Any) -> None:
    assign(world, 2)
    expected = mine(world).filter(read_at__isnull=True).count()
    with django_assert_num_queries(1):
        assert queries.unread_count(world.actor("member")) == expected


# --- The inbox -------------------------------------------------------------------------------------


def test_the_inbox_shows_only_the_persons_own_notifications(world: Any) -> None:
    assign(world, to="extra")
    ours = assign(world)[0]
    Notification.objects.filter(pk=ours.pk).update(created_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    response = client_for(world).get(INBOX)
    assert response.status_code == 200
    shown = response.context["notifications"]
    assert shown and {n.recipient_id for n in shown} == {world.users["member"].pk}
    assert {n.workspace_id for n in shown} == {world.acme.pk}
    page = text(response)
    assert "Alice assigned WEB-1 Sign-up page to you" in page
    assert "For extra" not in page
    assert "2030-01-01 08:00" in page  # in carol's time zone (Asia/Shanghai)
    assert 'href="/w/acme/notifications/preferences/"' in page
    # Newest first.
    assert [n.pk for n in shown] == sorted((n.pk for n in shown), reverse=True)


def test_the_inbox_filters_by_type_and_unread(world: Any) -> None:
    mentioned = mention(world)
    client = client_for(world)
    response = client.get(INBOX, {"event": "comment.mentioned"})
    assert [n.pk for n in response.context["notifications"]] == [mentioned.pk]
    assert '<option value="comment.mentioned" selected>' in text(response)
    assert "please review" in text(response)  # the comment's excerpt

    mine(world).exclude(pk=mentioned.pk).update(read_at=timezone.now())
    unread = client.get(INBOX, {"unread": "on"}).context["notifications"]
    assert [n.pk for n in unread] == [mentioned.pk]
    assert client.get(INBOX, {"unread": "on", "event": "work_item.assigned"}).context["notifications"] == []
    assert "No notifications match these filters." in text(
        client.get(INBOX, {"unread": "on", "event": "work_item.assigned"})
    )

    refused = client.get(INBOX, {"event": "nonsense"})
    assert refused.status_code == 422
    assert len(refused.context["notifications"]) == mine(world).count()


def test_the_inbox_is_paged_with_a_next_link(world: Any, settings: Any) -> None:
    settings.PAGE_SIZE_DEFAULT = 2
    assign(world, 3)
    client = client_for(world)
    first = client.get(INBOX)
    cursor = first.context["page"].next_cursor
    assert len(first.context["notifications"]) == 2 and cursor
    assert f"cursor={cursor}" in text(first)
    second = client.get(INBOX, {"cursor": cursor}).context["notifications"]
    assert {n.pk for n in second}.isdisjoint(n.pk for n in first.context["notifications"])


def test_the_empty_inbox_says_so(world: Any) -> None:
    mine(world, "admin").delete()
    page = text(client_for(world, "admin").get(INBOX))
    assert "No notifications yet." in page


def test_opening_marks_read_and_goes_to_the_stored_page_only(world: Any) -> None:
    notification = assign(world)[0]
    client = client_for(world)
    response = client.post(f"{INBOX}{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/w/acme/items/WEB-1/"
    notification.refresh_from_db()
    assert notification.read_at is not None

    # A stored address that leads off the site is never followed.
    for url in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", ""):
        Notification.objects.filter(pk=notification.pk).update(url=url)
        assert client.post(f"{INBOX}{notification.pk}/open/")["Location"] == INBOX, url
    # Not by GET, and not someone else's.
    assert client.get(f"{INBOX}{notification.pk}/open/").status_code == 405
    theirs = assign(world, to="extra")[0]
    assert client.post(f"{INBOX}{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_unread_swap_the_row_and_the_bell(world: Any) -> None:
    notification = assign(world)[0]
    unread_before = mine(world).filter(read_at__isnull=True).count()
    client = client_for(world)
    response = client.post(f"{INBOX}{notification.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = text(response)
    assert f'id="notification-{notification.pk}"' in row and "Mark unread" in row and "<html" not in row
    assert 'hx-swap-oob="true"' in row
    assert f"Notifications, {unread_before - 1} unread" in row or "none unread" in row
    notification.refresh_from_db()
    assert notification.read_at is not None

    response = client.post(f"{INBOX}{notification.pk}/unread/", HTTP_HX_REQUEST="true")
    assert "Mark read" in text(response)
    notification.refresh_from_db()
    assert notification.read_at is None
    # Without htmx: back to the inbox.
    assert client.post(f"{INBOX}{notification.pk}/read/")["Location"] == INBOX


def test_mark_all_read_respects_the_type_filter(world: Any) -> None:
    mention(world)
    assign(world)
    client = client_for(world)
    response = client.post(INBOX + "read/", {"event": "comment.mentioned", "unread": "on"})
    assert response.status_code == 302
    assert response["Location"] == INBOX + "?event=comment.mentioned&unread=on"
    assert not mine(world).filter(event="comment.mentioned", read_at__isnull=True).exists()
    assert mine(world).filter(event="work_item.assigned", read_at__isnull=True).exists()

    assert client.post(INBOX + "read/", {"event": ""})["Location"] == INBOX
    assert not mine(world).filter(read_at__isnull=True).exists()
    assert client.post(INBOX + "read/", {"event": "nonsense"}).status_code == 422


# --- Preferences -----------------------------------------------------------------------------------


def form_data(form: Any) -> dict[str, Any]:
    """What the browser would send for the form as shown."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


def test_preferences_save(world: Any) -> None:
    client = client_for(world)
    page = client.get(PREFERENCES)
    assert page.status_code == 200
    assert "Mentions of me" in text(page) and "Test messages" not in text(page)
    data = form_data(page.context["form"])
    assert data["events.comment.mentioned.inbox"] == "on" and data["events.comment.added.email"] == "digest"
    del data["events.comment.added.inbox"]
    data |= {
        "events.comment.mentioned.email": "off",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
        "digest_hour": "18",
    }
    response = client.post(PREFERENCES, data)
    assert response.status_code == 302 and response["Location"] == PREFERENCES
    saved = Preferences.objects.get(user=world.users["member"], workspace=world.acme)
    assert saved.events["comment.mentioned"] == {"inbox": True, "email": "off"}
    assert saved.events["comment.added"] == {"inbox": False, "email": "digest"}
    assert (saved.quiet_start, saved.quiet_end, saved.digest_hour) == (
        datetime.time(22, 0),
        datetime.time(7, 30),
        18,
    )
    # The page shows what was saved.
    again = form_data(client.get(PREFERENCES).context["form"])
    assert "events.comment.added.inbox" not in again and again["events.comment.mentioned.email"] == "off"


def test_preferences_errors_name_the_field_and_change_nothing(world: Any) -> None:
    client = client_for(world)
    data = form_data(client.get(PREFERENCES).context["form"])
    response = client.post(PREFERENCES, {**data, "quiet_start": "22:00"})
    assert response.status_code == 422
    assert response.context["form"].errors["quiet_end"] == ["Give both ends of the quiet hours, or neither."]
    assert "Give both ends of the quiet hours, or neither." in text(response)
    response = client.post(PREFERENCES, {**data, "events.work_item.assigned.email": "sometimes"})
    assert response.status_code == 422 and "events.work_item.assigned.email" in response.context["form"].errors
    assert not Preferences.objects.filter(user=world.users["member"]).exists()

    # A stale version shows the conflict and keeps what was typed.
    assert client.post(PREFERENCES, {**data, "digest_hour": "7"}).status_code == 302
    stale = client.post(PREFERENCES, {**data, "digest_hour": "8"})
    assert stale.status_code == 409
    assert "Someone else changed this" in text(stale)
    assert Preferences.objects.get(user=world.users["member"]).digest_hour == 7


# --- Staff pages -----------------------------------------------------------------------------------


def _webhook(world: Any, **fields: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        workspace=world.acme,
        name=fields.pop("name", "Team chat"),
        kind="generic",
        url="https://hooks.example.test/x",
        secret="old-secret",
        **fields,
    )


def test_staff_pages_refuse_members_guests_and_outsiders(world: Any) -> None:
    endpoint = _webhook(world)
    webhooks = WebhookEndpoint.objects.filter(workspace=world.acme).count()
    pages = [INTEGRATIONS, f"{INTEGRATIONS}{endpoint.pk}/", DELIVERIES, REMINDERS]
    for role in ("member", "guest"):
        client = client_for(world, role)
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
        assert (
            client.post(INTEGRATIONS, {"name": "x", "kind": "slack", "url": "https://h.example/x"}).status_code == 403
        )
        assert client.post(f"{INTEGRATIONS}{endpoint.pk}/test/").status_code == 403
        assert client.post(f"{INTEGRATIONS}{endpoint.pk}/delete/").status_code == 403
        assert client.post(REMINDERS, {"due_soon_days": "2", "version": "1"}).status_code == 403
    for url in pages:
        assert client_for(world, "outsider").get(url).status_code == 404
        assert Client().get(url).status_code == 302  # sign in first
    assert WebhookEndpoint.objects.filter(workspace=world.acme).count() == webhooks
    assert not Delivery.objects.filter(endpoint=endpoint).exists()
    assert not ReminderSettings.objects.filter(workspace=world.acme).exists()
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is None
    for role in ("owner", "admin"):
        client = client_for(world, role)
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    # Another workspace's webhook is not found.
    theirs = WebhookEndpoint.objects.create(workspace=world.other, name="x", kind="slack", url="https://h.example/x")
    assert client_for(world, "owner").get(f"{INTEGRATIONS}{theirs.pk}/").status_code == 404


def test_the_settings_page_links_the_notification_settings(world: Any) -> None:
    page = text(client_for(world, "admin").get("/w/acme/settings/"))
    for url in (INTEGRATIONS, DELIVERIES, REMINDERS):
        assert f'href="{url}"' in page


def test_a_refused_webhook_url_shows_under_the_field_and_creates_nothing(world: Any) -> None:
    client = client_for(world, "owner")
    data = {"name": "Local", "kind": "generic", "url": "http://127.0.0.1/x", "language": "en", "active": "on"}
    response = client.post(INTEGRATIONS, data)
    assert response.status_code == 422
    assert response.context["form"].errors["url"]
    assert str(response.context["form"].errors["url"][0]) in text(response)
    assert not WebhookEndpoint.all_objects.filter(workspace=world.acme, name="Local").exists()


def test_a_webhook_is_created_tested_delivered_edited_and_deleted(world: Any, http_server: Any, settings: Any) -> None:
    settings.OUTBOUND_LOCAL_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HTTP = True
    client = client_for(world, "admin")
    data = {
        "name": "Receiver",
        "kind": "generic",
        "url": f"{http_server.url}/hook",
        "secret": "s3cret-value",
        "events": ["work_item.assigned", "comment.mentioned"],
        "team_id": str(world.team.pk),
        "language": "en",
        "active": "on",
    }
    response = client.post(INTEGRATIONS, data)
    endpoint = WebhookEndpoint.objects.get(workspace=world.acme, name="Receiver")
    assert response.status_code == 302 and response["Location"] == f"{INTEGRATIONS}{endpoint.pk}/"
    assert (endpoint.secret, endpoint.team_id, endpoint.events) == (
        "s3cret-value",
        world.team.pk,
        ["comment.mentioned", "work_item.assigned"],
    )
    listing = text(client.get(INTEGRATIONS))
    assert "Receiver" in listing and "App" in listing and "Mentions of me" in listing
    page = text(client.get(f"{INTEGRATIONS}{endpoint.pk}/"))
    assert "s3cret-value" not in page  # never echoed back

    assert client.post(f"{INTEGRATIONS}{endpoint.pk}/test/").status_code == 302
    queued = Delivery.objects.get(endpoint=endpoint)
    assert queued.status == DeliveryStatus.PENDING
    assert delivery.deliver_due() >= 1  # with the emails the cast's changes queued
    assert len(http_server.wait_for(1)) == 1
    assert http_server.requests[0]["path"] == "/hook"
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.SENT
    assert "Test messages" in text(client.get(f"{INTEGRATIONS}{endpoint.pk}/"))

    # An empty secret on edit keeps the old one.
    edit = {**data, "name": "Receiver 2", "secret": "", "version": str(endpoint.version)}
    assert client.post(f"{INTEGRATIONS}{endpoint.pk}/", edit).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("Receiver 2", "s3cret-value")
    # A refused URL on edit changes nothing.
    refused = client.post(f"{INTEGRATIONS}{endpoint.pk}/", {**edit, "url": "http://10.1.2.3:9/x", "name": "Nope"})
    assert refused.status_code == 422 and "url" in refused.context["form"].errors
    # A stale version shows the conflict, never the secret.
    stale = client.post(f"{INTEGRATIONS}{endpoint.pk}/", {**edit, "name": "Stale"})
    assert stale.status_code == 409 and "s3cret-value" not in text(stale)
    endpoint.refresh_from_db()
    assert endpoint.name == "Receiver 2"

    assert client.post(f"{INTEGRATIONS}{endpoint.pk}/delete/")["Location"] == INTEGRATIONS
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert TrashItem.objects.filter(target_type="webhook", target_id=endpoint.pk).exists()
    assert client.get(f"{INTEGRATIONS}{endpoint.pk}/").status_code == 404


def test_a_failed_delivery_is_listed_and_retried(world: Any) -> None:
    endpoint = _webhook(world)
    dead = Delivery.objects.create(
        workspace=world.acme,
        channel="webhook",
        key="hook:test-dead",
        endpoint=endpoint,
        payload={"event": "work_item.assigned", "context": {"object": "<b>WEB-1</b>"}},
        status=DeliveryStatus.DEAD,
        attempts=8,
        last_error="status 503",
    )
    client = client_for(world, "owner")
    page = client.get(DELIVERIES)
    assert page.status_code == 200
    listed = page.context["deliveries"]
    assert dead.pk in [d.pk for d in listed] and {d.status for d in listed} == {"dead"}  # failed ones by default
    assert world.extra["other_dead_delivery"].pk not in [d.pk for d in listed]
    assert "status 503" in text(page) and "Assigned to me" in text(page) and "Team chat" in text(page)
    assert "Secret chat" not in text(page)
    assert "Retry" in text(page)

    assert client_for(world, "member").post(f"{DELIVERIES}{dead.pk}/retry/").status_code == 403
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD

    response = client.post(f"{DELIVERIES}{dead.pk}/retry/", {"next": DELIVERIES + "?status=dead"})
    assert response.status_code == 302 and response["Location"] == DELIVERIES + "?status=dead"
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.PENDING, 0, "")
    assert dead.pk not in [d.pk for d in client.get(DELIVERIES).context["deliveries"]]
    assert dead.pk in [d.pk for d in client.get(DELIVERIES, {"status": "pending"}).context["deliveries"]]
    assert dead.pk in [d.pk for d in client.get(DELIVERIES, {"status": "all"}).context["deliveries"]]
    # Only a failed one can be retried.
    assert client.post(f"{DELIVERIES}{dead.pk}/retry/").status_code == 422


def test_reminder_settings_are_validated_and_saved(world: Any) -> None:
    client = client_for(world, "admin")
    page = client.get(REMINDERS)
    assert page.status_code == 200
    data = form_data(page.context["form"])
    assert data["time_zone"] == "Asia/Shanghai"
    response = client.post(REMINDERS, {**data, "due_soon_days": "99"})
    assert response.status_code == 422
    assert response.context["form"].errors["due_soon_days"] == ["Choose from 0 to 30 days."]
    response = client.post(REMINDERS, {**data, "time_zone": "Mars/Olympus"})
    assert response.status_code == 422 and "time_zone" in response.context["form"].errors
    assert not ReminderSettings.objects.filter(workspace=world.acme).exists()

    saved = {
        **data,
        "due_soon_days": "2",
        "escalate_after_days": "5",
        "checkin_weekday": "4",
        "checkin_hour": "10",
        "time_zone": "Europe/Berlin",
    }
    assert client.post(REMINDERS, saved)["Location"] == REMINDERS
    current = ReminderSettings.objects.get(workspace=world.acme)
    assert (current.due_soon_days, current.escalate_after_days, current.checkin_weekday) == (2, 5, 4)
    assert (current.checkin_hour, current.time_zone) == (10, "Europe/Berlin")
    stale = client.post(REMINDERS, {**saved, "due_soon_days": "3"})
    assert stale.status_code == 409
    current.refresh_from_db()
    assert current.due_soon_days == 2


# --- Queries ---------------------------------------------------------------------------------------


def test_the_inbox_queries_do_not_grow(world: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(world)
    assign(world, 3)
    mention(world)
    client.get(INBOX)
    with django_assert_max_num_queries(15) as small:
        assert client.get(INBOX).status_code == 200
    assign(world, 30)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(INBOX).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)


@pytest.mark.parametrize("url", [INTEGRATIONS, DELIVERIES])
def test_staff_lists_queries_do_not_grow(world: Any, url: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, "owner")

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            endpoint = _webhook(world, name=f"Hook {i}")
            Delivery.objects.create(
                workspace=world.acme,
                channel="webhook",
                key=f"k{i}",
                endpoint=endpoint,
                status="dead",
                payload={"event": "comment.added"},
            )

    grow(2, 0)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    grow(20, 2)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)
