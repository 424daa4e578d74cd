"""The sprint pages: what each role sees and may do, forms through the services, and a bounded
number of queries whatever the number of items."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from core.models import Activity
from projects.models import WorkItem
from projects.services import items
from sprints import queries, services
from sprints.models import RetroColumn, RetroNote, Sprint, SprintCapacity, SprintStatus


def client_for(world: Any, role: str) -> Client:
    """Signed in, in English (the cast's default language is Chinese): the tests read the messages."""
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def sprint_url(world: Any, suffix: str = "") -> str:
    return f"/w/acme/sprints/{world.extra['sprint'].pk}/{suffix}"


def test_list_page_and_create(world: Any) -> None:
    carol = client_for(world, "member")
    page = carol.get("/w/acme/projects/MOB/sprints/")
    assert page.status_code == 200
    assert "Sprint 1" in page.content.decode() and "Sprint 2" in page.content.decode()
    bad = carol.post(
        "/w/acme/projects/MOB/sprints/", {"name": "Late", "start_date": "2030-05-10", "end_date": "2030-05-01"}
    )
    assert bad.status_code == 422
    assert bad.context["form"].errors["end_date"]
    response = carol.post(
        "/w/acme/projects/MOB/sprints/",
        {"name": "Sprint 3", "goal": "", "start_date": "2030-05-01", "end_date": "2030-05-14"},
    )
    assert response.status_code == 302
    assert Sprint.objects.filter(name="Sprint 3", project=world.extra["mobile"]).exists()


def test_guests_see_no_forms_and_cannot_post(world: Any) -> None:
    gina = client_for(world, "guest")
    page = gina.get(sprint_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Close sprint" not in html and 'name="days"' not in html and "Add note" not in html
    assert gina.post(sprint_url(world, "retro/"), {"column": "went_well", "text": "x"}).status_code == 403
    assert gina.get("/w/acme/projects/MOB/sprints/").context["form"] is None


def test_outsiders_get_404(world: Any) -> None:
    assert client_for(world, "outsider_owner").get(sprint_url(world)).status_code == 404
    other = f"/w/acme/sprints/{world.extra['other_sprint'].pk}/"
    assert client_for(world, "owner").get(other).status_code == 404


def test_sprint_page_sections(world: Any) -> None:
    page = client_for(world, "member").get(sprint_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    for section in ('id="planning"', 'id="charts"', 'id="review"', 'id="retro"'):
        assert section in html
    assert html.count('class="chart-svg"') == 2 and "<polyline" in html and 'id="chart-table"' in html
    assert "Offline mode" in html and "Make work item" in html


def test_capacity_over_commitment_shows_a_warning(world: Any) -> None:
    carol = client_for(world, "member")
    user_id = world.users["member"].pk
    response = carol.post(
        sprint_url(world, "capacity/"), {"user_id": user_id, "days": "1", "focus": "0.5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="planning"')
    assert 'role="alert"' in html and "over a capacity of 4.0 hours" in html
    assert SprintCapacity.objects.get(sprint=world.extra["sprint"], user_id=user_id).days == Decimal("1.0")


def test_capacity_errors_stay_on_the_row(world: Any) -> None:
    carol = client_for(world, "member")
    response = carol.post(
        sprint_url(world, "capacity/"), {"user_id": world.users["admin"].pk, "days": "1", "focus": "0.5"}
    )
    assert response.status_code == 422
    assert response.context["capacity_form"].errors["user_id"]
    assert 'class="errorlist' in response.content.decode()
    response = carol.post(
        sprint_url(world, "capacity/"), {"user_id": world.users["member"].pk, "days": "1", "focus": "3"}
    )
    assert response.status_code == 422


def test_close_with_carry_over_through_the_form(world: Any) -> None:
    carol = client_for(world, "member")
    target = world.extra["next_sprint"]
    response = carol.post(sprint_url(world, "close/"), {"carry_over_to": target.pk})
    assert response.status_code == 302
    assert Sprint.objects.get(pk=world.extra["sprint"].pk).status == SprintStatus.CLOSED
    assert WorkItem.objects.get(pk=world.extra["sprint_item"].pk).sprint_id == target.pk
    page = carol.get(sprint_url(world))
    assert "MOB-1" in page.content.decode() and "carried over" in page.content.decode()
    assert Activity.objects.filter(verb="closed", target_id=world.extra["sprint"].pk).exists()


def test_close_refuses_a_foreign_target_on_the_form(world: Any) -> None:
    response = client_for(world, "member").post(
        sprint_url(world, "close/"), {"carry_over_to": world.extra["other_sprint"].pk}
    )
    assert response.status_code == 422  # not one of the choices
    assert Sprint.objects.get(pk=world.extra["sprint"].pk).status == SprintStatus.ACTIVE


def test_start_and_edit_and_delete(world: Any) -> None:
    owner = client_for(world, "owner")
    startable = world.extra["startable_sprint"]
    assert owner.post(f"/w/acme/sprints/{startable.pk}/start/").status_code == 302
    assert Sprint.objects.get(pk=startable.pk).status == SprintStatus.ACTIVE
    second = world.extra["next_sprint"]
    refused = owner.post(f"/w/acme/sprints/{second.pk}/start/")
    assert refused.status_code == 422
    sprint = world.extra["sprint"]
    edit = {
        "name": "Sprint one",
        "goal": "Offline",
        "start_date": "2030-03-04",
        "end_date": "2030-03-01",
        "version": sprint.version,
    }
    assert owner.post(sprint_url(world), edit).status_code == 422
    edit["end_date"] = "2030-03-17"
    assert owner.post(sprint_url(world), edit).status_code == 302
    assert Sprint.objects.get(pk=sprint.pk).name == "Sprint one"
    conflict = owner.post(sprint_url(world), {**edit, "name": "Stale"})
    assert conflict.status_code == 409
    assert owner.post(f"/w/acme/sprints/{second.pk}/delete/").status_code == 302
    assert not Sprint.objects.filter(pk=second.pk).exists()


def test_retro_board_through_the_forms(world: Any) -> None:
    carol = client_for(world, "member")
    assert carol.post(sprint_url(world, "retro/"), {"column": "went_well", "text": "Demo day"}).status_code == 302
    note = RetroNote.objects.get(text="Demo day")
    edit = {
        f"note-{note.pk}-column": "to_improve",
        f"note-{note.pk}-text": "Demo day ran late",
        f"note-{note.pk}-version": note.version,
    }
    assert carol.post(f"/w/acme/retro/{note.pk}/", edit).status_code == 302
    assert RetroNote.objects.get(pk=note.pk).column == RetroColumn.TO_IMPROVE
    bad = carol.post(f"/w/acme/retro/{note.pk}/", {**edit, f"note-{note.pk}-text": ""})
    assert bad.status_code == 422
    assert carol.post(f"/w/acme/retro/{note.pk}/delete/").status_code == 302
    action = world.extra["note"]
    assert carol.post(f"/w/acme/retro/{action.pk}/work-item/").status_code == 302
    assert RetroNote.objects.get(pk=action.pk).work_item is not None
    page = carol.get(sprint_url(world))
    assert "Make work item" not in page.content.decode()


def grow(world: Any, n: int) -> None:
    """Items of several owners, some done, notes in every column, capacities."""
    owner = world.actor("owner")
    mobile, sprint = world.extra["mobile"], world.extra["sprint"]
    owners = [world.users["member"].pk, world.users["extra"].pk, world.users["owner"].pk]
    for i in range(n):
        item = items.create_item(
            owner,
            mobile,
            title=f"Item {i}",
            owner_id=owners[i % 3],
            sprint_id=sprint.pk,
            points=i % 5,
            estimate_hours=2,
        )
        if i % 2:
            WorkItem.objects.filter(pk=item.pk).update(category="done", done_at=item.created_at)
        services.add_note(owner, sprint, column=RetroColumn.values[i % 3], text=f"Note {i}")
    for user_id in owners:
        services.set_capacity(owner, sprint, user_id=user_id, days=5, focus=Decimal("0.5"))
    note = RetroNote.objects.filter(sprint=sprint, column=RetroColumn.ACTION, work_item=None).last()
    if note is not None:
        services.note_to_item(owner, queries.get_note(owner, note.pk))


@pytest.mark.parametrize("role", ["owner", "guest"])
def test_sprint_page_queries_do_not_grow(world: Any, role: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, role)
    url = sprint_url(world)
    grow(world, 1)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(world, 24)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_list_page_queries_do_not_grow(world: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, "owner")
    url = "/w/acme/projects/MOB/sprints/"
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    owner = world.actor("owner")
    for i in range(10):
        start = datetime.date(2031, 1, 1) + datetime.timedelta(days=14 * i)
        sprint = services.create_sprint(owner, world.extra["mobile"], name=f"S{i}", start_date=start, end_date=start)
        Sprint.objects.filter(pk=sprint.pk).update(status=SprintStatus.CLOSED, completed_points=i)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_velocity_is_drawn_with_a_table_behind_it(world: Any) -> None:
    owner = world.members["owner"]
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    services.close_sprint(owner, sprint)
    html = client_for(world, "member").get("/w/acme/projects/MOB/sprints/").content.decode()
    assert "<svg" in html and "bar-committed" in html
    assert "Committed points" in html and "<table" in html


def test_planning_pulls_backlog_items_into_the_sprint(world: Any) -> None:
    owner = world.members["owner"]
    mobile = world.extra["mobile"]
    first = items.create_item(owner, mobile, title="Push notifications", priority="urgent", points=5)
    other = items.create_item(world.members["outsider_owner"], world.extra["other_project"], title="Hidden")
    carol = client_for(world, "member")
    url = sprint_url(world)
    page = carol.get(url).content.decode()
    assert 'id="backlog"' in page and "Push notifications" in page
    refused = carol.post(url + "pull/", {"item_ids": [first.pk, other.pk]})
    assert refused.status_code == 422 and 'role="alert"' in refused.content.decode()
    assert WorkItem.objects.get(pk=first.pk).sprint_id is None  # all or nothing
    assert carol.post(url + "pull/", {}).status_code == 422
    response = carol.post(url + "pull/", {"item_ids": [first.pk]})
    assert response.status_code == 302
    assert WorkItem.objects.get(pk=first.pk).sprint_id == world.extra["sprint"].pk
    assert client_for(world, "guest").post(url + "pull/", {"item_ids": [first.pk]}).status_code == 403
