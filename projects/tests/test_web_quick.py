"""The quick-create dialog of work items: the current project chosen, created through the service,
field errors in the user's language with nothing created, "create more", and who may use it."""

from typing import Any

from django.test import Client

from accounts.models import User
from projects.models import WorkItem

URL = "/w/acme/quick/work-item/"
HTMX = {"HX-Request": "true"}


def client_for(world: Any, role: str = "owner", language: str = "en") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language=language)
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_dialog_chooses_the_project_of_the_page(world: Any) -> None:
    client = client_for(world, "member")
    on_ops = client.get(URL, {"page": "/w/acme/projects/OPS/board/"}, headers=HTMX)
    assert on_ops.status_code == 200
    assert on_ops.context["form"].initial["project"] == "OPS"
    on_item = client.get(URL, {"page": "/w/acme/items/WEB-1/"}, headers=HTMX)
    assert on_item.context["form"].initial["project"] == "WEB"
    # The title is focused; the owner is the actor until changed.
    assert "autofocus" in on_item.content.decode()
    assert on_item.context["form"].initial["owner_id"] == world.users["member"].pk


def test_without_a_project_page_it_takes_the_last_used_or_the_latest_worked_in(world: Any) -> None:
    client = client_for(world, "member")
    latest = WorkItem.objects.filter(owner=world.users["member"]).order_by("-updated_at").first()
    assert latest is not None
    assert client.get(URL, {"page": "/w/acme/"}, headers=HTMX).context["form"].initial["project"] == latest.project.key
    client.post(
        URL, {"project": "OPS", "title": "Rota", "owner_id": world.users["member"].pk, "priority": "low"}, headers=HTMX
    )
    assert client.get(URL, {"page": "/w/acme/"}, headers=HTMX).context["form"].initial["project"] == "OPS"


def test_creating_goes_to_the_new_item(world: Any) -> None:
    client = client_for(world, "member")
    data = {
        "project": "WEB",
        "title": "Quick one",
        "owner_id": world.users["extra"].pk,
        "priority": "high",
        "due_date": "2030-02-01",
        "estimate_hours": "3",
    }
    response = client.post(URL, data, headers=HTMX)
    item = WorkItem.objects.get(project=world.extra["project"], title="Quick one")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/w/acme/items/{item.key}/"
    assert (item.owner_id, item.priority, str(item.due_date), item.estimate_hours) == (
        world.users["extra"].pk,
        "high",
        "2030-02-01",
        3,
    )
    # Without htmx (no script) it is a plain redirect.
    plain = client.post(URL, {**data, "title": "Plain"})
    assert plain.status_code == 302


def test_create_more_keeps_the_dialog_open_and_is_remembered(world: Any) -> None:
    client = client_for(world)
    data = {"project": "WEB", "title": "First", "owner_id": world.users["member"].pk, "priority": "urgent"}
    response = client.post(URL, {**data, "create_more": "on"}, headers=HTMX)
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    form = response.context["form"]
    assert not form.is_bound and "title" not in form.initial  # the title is cleared for the next one
    assert form.initial["owner_id"] == world.users["member"].pk and form.initial["priority"] == "urgent"
    assert response.context["created"].title == "First"
    assert client.get(URL, headers=HTMX).context["form"].initial["create_more"] is True


def test_field_errors_are_shown_in_the_users_language_and_nothing_is_created(world: Any) -> None:
    client = client_for(world, language="zh-hans")
    before = WorkItem.objects.count()
    response = client.post(URL, {"project": "WEB", "title": " ", "owner_id": world.users["member"].pk}, headers=HTMX)
    assert response.status_code == 422
    assert "此字段为必填项" in response.content.decode()  # Django's "This field is required."
    # An owner outside the workspace is refused by name too.
    foreign = client.post(
        URL, {"project": "WEB", "title": "X", "owner_id": world.users["outsider"].pk, "priority": "low"}, headers=HTMX
    )
    assert foreign.status_code == 422
    assert WorkItem.objects.count() == before


def test_a_guest_or_viewer_cannot_and_another_workspace_is_not_found(world: Any) -> None:
    before = WorkItem.objects.count()
    guest = client_for(world, "guest")  # a viewer of WEB, nothing more
    assert guest.get(URL, headers=HTMX).status_code == 403
    assert guest.post(URL, {"project": "WEB", "title": "No", "owner_id": world.users["guest"].pk}).status_code == 403
    outsider = client_for(world, "outsider")
    assert outsider.get(URL).status_code == 404
    assert outsider.post(URL, {"project": "WEB", "title": "No"}).status_code == 404
    # A member may not create in a project they only read: that project is not a choice.
    member = client_for(world, "member")
    other = member.post("/w/other/quick/work-item/", {"project": "SEC", "title": "No"})
    assert other.status_code == 404
    assert WorkItem.objects.count() == before


def test_the_shell_has_the_dialog_and_its_shortcut(world: Any) -> None:
    page = client_for(world).get("/w/acme/projects/WEB/items/").content.decode()
    assert 'id="quick-create"' in page and 'data-shortcut-key="c"' in page
    assert 'data-work-item-url="/w/acme/quick/work-item/"' in page
