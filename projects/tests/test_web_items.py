"""The work-item pages: the list (filters, sort, group, bulk edit, saved views), one item (create,
edit, conflicts, transitions, dependencies, time, move), timeline, calendar, My work, permissions
and query counts."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from projects import services
from projects.models import ItemType, Priority, SavedView, State, WorkItem
from projects.services import items

LIST = "/w/acme/projects/WEB/items/"


def client_for(world: Any, role: str = "owner") -> Client:
    """Signed in, in English (the cast's default language is Chinese)."""
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def make(world: Any, title: str, role: str = "owner", **fields: Any) -> WorkItem:
    return items.create_item(world.actor(role), world.extra["project"], title=title, **fields)


def keys_in(response: Any) -> list[str]:
    return [item.key for _header, item in response.context["rows"]]


# --- The list -----------------------------------------------------------------------------------


def test_list_filters_through_the_allow_list(world: Any) -> None:
    make(world, "Urgent bug", type=ItemType.BUG, priority=Priority.URGENT, tags=["ui"])
    make(world, "Calm task", priority=Priority.LOW, owner_id=world.users["member"].pk)
    client = client_for(world)
    assert keys_in(client.get(LIST, {"priority": "urgent"})) == ["WEB-4"]
    assert keys_in(client.get(LIST, {"type": "bug"})) == ["WEB-4"]
    assert keys_in(client.get(LIST, {"tag": "ui"})) == ["WEB-4"]
    assert keys_in(client.get(LIST, {"q": "calm"})) == ["WEB-5"]
    assert keys_in(client.get(LIST, {"owner": world.users["member"].pk})) == ["WEB-5", "WEB-1"]
    assert keys_in(client.get(LIST, {"sprint": "none", "sort": "oldest"})) == [
        "WEB-1",
        "WEB-2",
        "WEB-3",
        "WEB-4",
        "WEB-5",
    ]
    assert keys_in(client.get(LIST, {"sort": "priority"}))[:1] == ["WEB-4"]
    # An undeclared parameter or value is refused by name, and the list is shown unfiltered.
    refused = client.get(LIST, {"priority": "whenever"})
    assert refused.status_code == 422
    assert "Choose one of" in refused.content.decode()
    # The query string reproduces the view: the filters are selected in the form, and exports follow it.
    page = client.get(LIST, {"priority": "urgent"}).content.decode()
    assert '<option value="urgent" selected>' in page
    assert "priority=urgent&amp;format=csv" in page


def test_list_groups_with_headers(world: Any) -> None:
    make(world, "Bug", type=ItemType.BUG)
    response = client_for(world).get(LIST, {"group": "type"})
    headers = [header for header, _item in response.context["rows"] if header]
    assert headers == ["Task", "Bug"] or sorted(headers) == ["Bug", "Task"]
    assert 'class="group-row"' in response.content.decode()
    by_owner = client_for(world).get(LIST, {"group": "owner"})
    assert len([h for h, _i in by_owner.context["rows"] if h]) == 2


def test_list_shows_when_each_item_was_updated_with_the_exact_time_on_hover(world: Any) -> None:
    item = make(world, "Stale page")
    WorkItem.objects.filter(pk=item.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=3, minutes=5))
    User.objects.filter(pk=world.users["owner"].pk).update(time_zone="Asia/Shanghai")
    page = client_for(world).get(LIST).content.decode()
    assert '<th scope="col" data-col="updated">Updated</th>' in page
    row = page[page.index("Stale page") :]
    assert re.match(
        r'.*?<td data-col="updated"><time datetime="[^"]+" '
        r'title="\d{4}-\d\d-\d\d \d\d:\d\d">3\xa0hours ago</time></td>',
        row,
        re.S,
    )


def test_list_is_paged_with_a_next_link(world: Any, settings: Any) -> None:
    settings.PAGE_SIZE_DEFAULT = 2
    for i in range(3):
        make(world, f"Item {i}")
    client = client_for(world)
    first = client.get(LIST, {"sort": "oldest"})
    cursor = first.context["page"].next_cursor
    assert keys_in(first) == ["WEB-1", "WEB-2"] and cursor
    assert f"cursor={cursor}" in first.content.decode()
    second = client.get(LIST, {"sort": "oldest", "cursor": cursor})
    assert keys_in(second) == ["WEB-3", "WEB-4"]


def test_bulk_edit_changes_checked_rows(world: Any) -> None:
    one, two = world.extra["item"], world.extra["blocker"]
    client = client_for(world)
    response = client.post(
        LIST + "bulk/",
        {"item_ids": [one.pk, two.pk], "priority": "high", "owner_id": world.users["extra"].pk, "next": LIST + "?q=x"},
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?q=x"
    for item in (one, two):
        item.refresh_from_db()
        assert (item.priority, item.owner_id) == ("high", world.users["extra"].pk)


def test_bulk_transition_refusals_are_shown_with_their_reasons(world: Any) -> None:
    bug = make(world, "Crash", type=ItemType.BUG)
    closed = State.objects.get(workflow=bug.state.workflow, name="Closed")
    response = client_for(world).post(LIST + "bulk/", {"item_ids": [bug.pk], "state_id": closed.pk}, follow=True)
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert bug.key in page and "Required to enter “Closed”" in page
    bug.refresh_from_db()
    assert bug.state.name == "Open"


def test_saved_views_personal_and_shared(world: Any) -> None:
    client = client_for(world, "member")
    response = client.post(LIST.replace("items/", "views/"), {"name": "Hot picks", "query": "priority=urgent&cursor=x"})
    assert response.status_code == 302 and response["Location"] == LIST + "?priority=urgent"
    view = SavedView.objects.get(name="Hot picks")
    assert view.query == {"priority": "urgent"} and not view.shared
    page = client.get(LIST).content.decode()
    assert "Hot picks" in page and "?priority=urgent" in page
    # Not shared: others do not see it; a shared one they do.
    client.post(LIST.replace("items/", "views/"), {"name": "Team view", "query": "type=bug", "shared": "on"})
    other = client_for(world, "extra").get(LIST).content.decode()
    assert "Team view" in other and "Hot picks" not in other
    # A guest viewer may keep personal views, not share them.
    guest = client_for(world, "guest")
    guest.post(LIST.replace("items/", "views/"), {"name": "Guest view", "query": ""})
    refused = guest.post(
        LIST.replace("items/", "views/"), {"name": "For all", "query": "", "shared": "on"}, follow=True
    )
    assert (
        SavedView.objects.filter(name="Guest view").exists() and not SavedView.objects.filter(name="For all").exists()
    )
    assert refused.status_code in (200, 403)
    # Delete own.
    assert client.post(f"/w/acme/projects/WEB/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()
    team = SavedView.objects.get(name="Team view")
    assert client_for(world, "extra").post(f"/w/acme/projects/WEB/views/{team.pk}/delete/").status_code == 403


# --- One item -----------------------------------------------------------------------------------


def test_create_item_with_defaults(world: Any) -> None:
    client = client_for(world, "member")
    form = client.get(LIST + "new/").context["form"]
    assert form["owner_id"].value() == world.users["member"].pk
    response = client.post(
        LIST + "new/",
        {
            "type": "story",
            "title": "Checkout",
            "description": "**Fast** please",
            "owner_id": world.users["member"].pk,
            "priority": "high",
            "points": "3",
            "estimate_hours": "5.5",
            "start_date": "2030-01-01",
            "due_date": "2030-01-10",
            "parent_id": "web-1",
            "milestone_id": world.extra["milestone"].pk,
            "tags": "ui, shop ,",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/w/acme/items/WEB-4/"
    item = WorkItem.objects.get(project=world.extra["project"], number=4)
    assert (item.type, item.title, item.points, item.parent_id, item.tags) == (
        "story",
        "Checkout",
        3,
        world.extra["item"].pk,
        ["ui", "shop"],
    )
    page = client.get("/w/acme/items/WEB-4/").content.decode()
    assert "<strong>Fast</strong>" in page and "Beta" in page and "WEB-1" in page
    # The service's checks land on the form.
    bad = client.post(
        LIST + "new/",
        {
            "type": "task",
            "title": "X",
            "owner_id": world.users["member"].pk,
            "priority": "low",
            "start_date": "2030-02-01",
            "due_date": "2030-01-01",
        },
    )
    assert bad.status_code == 422 and "Must not be before the start date." in bad.content.decode()


def test_edit_with_a_stale_version_is_a_conflict(world: Any) -> None:
    item = world.extra["item"]
    url = f"/w/acme/items/{item.key}/"
    client = client_for(world)
    data = {
        "type": "task",
        "title": "Renamed",
        "owner_id": item.owner_id,
        "priority": "medium",
        "version": item.version,
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.title == "Renamed"
    stale = client.post(url, {**data, "title": "Too late"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert 'id="conflict"' in page and "Renamed" in page and 'value="Too late"' in page
    assert f'name="version" value="{item.version}"' in page


def test_refused_transition_shows_its_reason(world: Any) -> None:
    bug = make(world, "Crash", type=ItemType.BUG)
    closed = State.objects.get(workflow=bug.state.workflow, name="Closed")
    url = f"/w/acme/items/{bug.key}/"
    client = client_for(world)
    page = client.get(url).content.decode()
    assert "Move to Closed" in page and "Move to Fixing" not in page  # only what the workflow allows
    refused = client.post(url + "transition/", {"state_id": closed.pk, "version": bug.version})
    assert refused.status_code == 422
    assert "Required to enter “Closed”." in refused.content.decode()
    bug.refresh_from_db()
    assert bug.state.name == "Open"
    done = client.post(url + "transition/", {"state_id": closed.pk, "version": bug.version, "resolution": "Fixed"})
    assert done.status_code == 302
    bug.refresh_from_db()
    assert (bug.state.name, bug.resolution, bug.category) == ("Closed", "Fixed", "done")


def test_transition_warns_over_the_wip_limit(world: Any) -> None:
    item = world.extra["item"]
    doing = State.objects.get(workflow=item.state.workflow, name="In progress")
    State.objects.filter(pk=doing.pk).update(wip_limit=0)
    response = client_for(world).post(
        f"/w/acme/items/{item.key}/transition/", {"state_id": doing.pk, "version": item.version}, follow=True
    )
    assert "over its WIP limit of 0" in response.content.decode()


def test_dependencies_add_remove_and_refuse_cycles(world: Any) -> None:
    item, blocker = world.extra["item"], world.extra["blocker"]
    client = client_for(world)
    url = f"/w/acme/items/{item.key}/dependencies/"
    assert client.post(url, {"relation": "blocked_by", "item": blocker.key.lower()}).status_code == 302
    page = client.get(f"/w/acme/items/{item.key}/").content.decode()
    assert "Blocked by" in page and blocker.title in page
    cycle = client.post(f"/w/acme/items/{blocker.key}/dependencies/", {"relation": "blocked_by", "item": item.key})
    assert cycle.status_code == 422 and "would make a cycle" in cycle.content.decode()
    missing = client.post(url, {"relation": "blocks", "item": "WEB-99"})
    assert missing.status_code == 422 and "No item with this key." in missing.content.decode()
    other_workspace = client.post(url, {"relation": "blocks", "item": world.extra["other_item"].key})
    assert other_workspace.status_code == 422
    assert client.post(url + "remove/", {"item": blocker.key}).status_code == 302
    assert not items.Dependency.objects.filter(blocked=item).exists()


def test_log_time(world: Any) -> None:
    item = world.extra["item"]
    client = client_for(world, "member")
    response = client.post(f"/w/acme/items/{item.key}/time/", {"hours": "1.5", "note": "Pairing"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.logged_hours == 1.5
    assert "Pairing" in client.get(f"/w/acme/items/{item.key}/").content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert client.post(f"/w/acme/items/{item.key}/time/", {"hours": "1", "day": future}).status_code == 422


def test_move_and_the_old_key_redirects(world: Any) -> None:
    owner = world.actor("owner")
    services.create_project(owner, name="App", key="APP")
    item = world.extra["item"]
    client = client_for(world)
    response = client.post(f"/w/acme/items/{item.key}/move/", {"project": "APP", "version": item.version})
    assert response.status_code == 302 and response["Location"] == "/w/acme/items/APP-1/"
    old = client.get("/w/acme/items/WEB-1/")
    assert old.status_code == 301 and old["Location"] == "/w/acme/items/APP-1/"
    assert client.get("/w/acme/items/APP-1/").context["item"].title == "Sign-up page"
    # Moving needs work rights in both projects: carol only reads APP.
    assert (
        client_for(world, "member").post("/w/acme/items/APP-1/move/", {"project": "WEB", "version": 99}).status_code
        == 403
    )


def test_custom_fields_on_the_form_and_page(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    platform = world.extra["field"]
    size = services.create_field(owner, project, name="Size", kind="number")
    item = world.extra["item"]
    client = client_for(world)
    option = platform.options[1]["id"]
    data = {
        "type": "task",
        "title": item.title,
        "owner_id": item.owner_id,
        "priority": "medium",
        "version": item.version,
        f"custom_{platform.pk}": option,
        f"custom_{size.pk}": "2.5",
    }
    assert client.post(f"/w/acme/items/{item.key}/", data).status_code == 302
    item.refresh_from_db()
    assert item.custom == {str(platform.pk): option, str(size.pk): 2.5}
    page = client_for(world, "guest").get(f"/w/acme/items/{item.key}/").content.decode()
    assert "Platform" in page and "Android" in page


# --- Permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        "/w/acme/items/WEB-1/",
        "/w/acme/projects/WEB/board/",
        "/w/acme/projects/WEB/timeline/",
        "/w/acme/projects/WEB/calendar/",
    ],
)
def test_viewers_read_without_forms_and_outsiders_get_404(world: Any, path: str) -> None:
    page = client_for(world, "guest").get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'draggable="true"' not in html and 'id="bulk"' not in html and 'id="edit-item"' not in html
    assert "data-move-url" not in html and "data-shortcut-create" not in html
    assert client_for(world, "outsider").get(path).status_code == 404
    assert 'id="edit-item"' in client_for(world, "extra").get("/w/acme/items/WEB-1/").content.decode()


def test_viewers_cannot_write(world: Any) -> None:
    guest = client_for(world, "guest")
    item = world.extra["item"]
    edit = {"type": "task", "title": "Hacked", "owner_id": item.owner_id, "priority": "low", "version": item.version}
    assert guest.post(f"/w/acme/items/{item.key}/", edit).status_code == 403
    assert guest.get(LIST + "new/").status_code == 403
    assert guest.post(f"/w/acme/items/{item.key}/time/", {"hours": "1"}).status_code == 403
    assert guest.post(LIST + "bulk/", {"item_ids": [item.pk], "priority": "low"}, follow=True).status_code == 403
    item.refresh_from_db()
    assert item.title == "Sign-up page" and item.priority == "medium"
    # Another workspace's item is not found, whoever asks.
    assert client_for(world).get(f"/w/acme/items/{world.extra['other_item'].key}/").status_code == 404


# --- Timeline, calendar, My work ----------------------------------------------------------------


def test_timeline_draws_bars_milestones_and_dependencies(world: Any) -> None:
    today = timezone.localdate()
    first = make(
        world,
        "Plan",
        start_date=today,
        due_date=today + datetime.timedelta(days=3),
        milestone_id=world.extra["milestone"].pk,
    )
    second = make(
        world, "Build", start_date=today + datetime.timedelta(days=4), due_date=today + datetime.timedelta(days=9)
    )
    make(world, "Far away", due_date=today + datetime.timedelta(days=400))
    items.add_dependency(world.actor("owner"), first, second)
    services.create_milestone(world.actor("owner"), world.extra["project"], name="Go live", due_date=today)
    response = client_for(world).get("/w/acme/projects/WEB/timeline/")
    schedule = response.context["schedule"]
    assert [i.key for i in schedule.items] == [first.key, second.key]
    assert [m.name for m in schedule.milestones] == ["Go live"]
    assert schedule.dependencies == [(first.pk, second.pk)]
    html = response.content.decode()
    assert "<svg" in html and f'data-item="{first.pk}"' in html and 'class="gantt-arrow"' in html
    assert 'class="gantt-today"' in html and "Go live" in html and "Beta" in html
    assert "<table" in html and "Far away" not in html
    later = client_for(world).get("/w/acme/projects/WEB/timeline/", {"start": "2031-01-01", "end": "2031-12-31"})
    assert [i.title for i in later.context["schedule"].items] == ["Far away"] or today.year != 2030
    assert client_for(world).get("/w/acme/projects/WEB/timeline/", {"start": "nope"}).status_code == 422


def test_calendar_shows_items_on_their_due_dates(world: Any) -> None:
    make(world, "Ship it", due_date=datetime.date(2026, 11, 17))
    response = client_for(world).get("/w/acme/projects/WEB/calendar/", {"month": "2026-11"})
    cell = next(c for week in response.context["grid"] for c in week if c["day"] == datetime.date(2026, 11, 17))
    assert [i.title for i in cell["items"]] == ["Ship it"]
    assert "2026-12" in response.content.decode()  # next month link
    beta = client_for(world).get("/w/acme/projects/WEB/calendar/", {"month": "2030-01"})
    assert "Beta" in beta.content.decode()


def test_my_work_orders_overdue_soon_and_later(world: Any) -> None:
    today = timezone.localdate()
    late = make(world, "Late", due_date=today - datetime.timedelta(days=3))
    later_late = make(world, "Less late", due_date=today - datetime.timedelta(days=2))
    soon = make(world, "Soon", due_date=today + datetime.timedelta(days=3))
    far = make(world, "Far", due_date=today + datetime.timedelta(days=30))
    done = make(world, "Done", due_date=today - datetime.timedelta(days=9), type=ItemType.BUG)
    closed = State.objects.get(workflow=done.state.workflow, name="Closed")
    items.transition(world.actor("owner"), done, state_id=closed.pk, resolution="Fixed")
    response = client_for(world).get("/w/acme/my-work/")
    sections = {name: (count, [i.title for i in rows]) for name, _label, count, rows in response.context["sections"]}
    assert sections["overdue"] == (2, [late.title, later_late.title])
    assert sections["soon"] == (1, [soon.title])
    assert sections["later"] == (3, [far.title, "Design tokens", "Launch"])  # no date last
    html = response.content.decode()
    seen = response.context["today"]  # the user's own date, in their time zone
    for item in (late, later_late):
        assert f"{(seen - item.due_date).days} days late" in html
    assert html.index("Late") < html.index("Soon") < html.index("Far")


# --- Query counts ---------------------------------------------------------------------------------


def grow(world: Any, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        make(
            world,
            f"Grown {i}",
            type=[ItemType.TASK, ItemType.BUG, ItemType.STORY][i % 3],
            priority=Priority.values[i % 4],
            owner_id=[world.users["owner"].pk, world.users["member"].pk][i % 2],
            due_date=today + datetime.timedelta(days=i - 10),
            tags=["x"],
        )


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        LIST + "?group=owner",
        LIST + "?group=sprint",
        "/w/acme/my-work/",
        "/w/acme/projects/WEB/board/",
        "/w/acme/projects/WEB/board/?by=owner",
        "/w/acme/projects/WEB/timeline/",
    ],
)
def test_page_queries_do_not_grow(world: Any, url: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world)
    grow(world, 3)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    grow(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
