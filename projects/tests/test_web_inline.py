"""Inline editing of a work item's fields: the value, its editor, a save through update_item at the
page's version, a stale version (409) showing the current value and writing nothing, and who may."""

from typing import Any

from django.test import Client

from accounts.models import User
from projects.models import WorkItem
from projects.services import items

HTMX = {"HX-Request": "true"}


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def url(item: WorkItem, name: str) -> str:
    return f"/w/acme/items/{item.key}/inline/{name}/"


def test_the_page_shows_values_that_open_editors(world: Any) -> None:
    item = world.extra["item"]
    client = client_for(world)
    page = client.get(f"/w/acme/items/{item.key}/").content.decode()
    assert f'hx-get="{url(item, "title")}?edit=1"' in page
    assert f'id="page-version" name="version" value="{item.version}"' in page
    editor = client.get(url(item, "owner_id"), {"edit": "1"}, headers=HTMX)
    assert editor.status_code == 200
    body = editor.content.decode()
    assert "<select" in body and 'hx-include="#page-version"' in body
    shown = client.get(url(item, "title"), headers=HTMX).content.decode()
    assert "Sign-up page" in shown and "<form" not in shown


def test_a_save_goes_through_the_service_at_the_pages_version(world: Any) -> None:
    item = world.extra["item"]
    client = client_for(world)
    response = client.post(url(item, "title"), {"title": "Sign-up, again", "version": item.version}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign-up, again" in body
    item.refresh_from_db()
    assert item.title == "Sign-up, again"
    # The page's version follows, out of band, so the next field saves too.
    assert f'id="page-version" name="version" value="{item.version}" hx-swap-oob="true"' in body
    due = client.post(url(item, "due_date"), {"due_date": "2031-05-06", "version": item.version}, headers=HTMX)
    assert due.status_code == 200 and "2031-05-06" in due.content.decode()
    status = client.post(url(item, "state_id"), {"state_id": "", "version": item.version + 1}, headers=HTMX)
    assert status.status_code == 422


def test_a_stale_version_shows_the_current_value_and_writes_nothing(world: Any) -> None:
    item = world.extra["item"]
    read_at = item.version
    items.update_item(world.actor("admin"), item, version=read_at, title="Theirs")
    client = client_for(world)
    response = client.post(url(item, "title"), {"title": "Mine", "version": read_at}, headers=HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this" in body and "Theirs" in body
    assert 'value="Mine"' in body  # what was typed stays, to overwrite with
    item.refresh_from_db()
    assert item.title == "Theirs"
    # The editor now carries the current version: overwriting is a second, deliberate save.
    assert f'name="version" value="{item.version}"' in body
    again = client.post(url(item, "title"), {"title": "Mine", "version": item.version}, headers=HTMX)
    assert again.status_code == 200
    item.refresh_from_db()
    assert item.title == "Mine"


def test_who_may_edit_in_place(world: Any) -> None:
    item = world.extra["item"]
    before = item.version
    guest = client_for(world, "guest")  # a viewer of WEB
    assert guest.get(url(item, "title"), headers=HTMX).status_code == 200  # the value, to read
    assert guest.get(url(item, "title"), {"edit": "1"}, headers=HTMX).status_code == 403
    assert guest.post(url(item, "title"), {"title": "No", "version": before}, headers=HTMX).status_code == 403
    assert "page-version" not in guest.get(f"/w/acme/items/{item.key}/").content.decode()
    outsider = client_for(world, "outsider")
    assert outsider.post(url(item, "title"), {"title": "No", "version": before}).status_code == 404
    assert client_for(world).get(url(item, "parent_id"), {"edit": "1"}).status_code == 404  # not a field of these
    item.refresh_from_db()
    assert item.version == before and item.title == "Sign-up page"
