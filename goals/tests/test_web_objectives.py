"""The goals pages in the browser's place: the alignment tree (indented, with own progress, roll-up
and SMART warnings), the cycles (list, new, edit, activate, close, reopen with a reason, delete),
an objective's page (key results, SMART check, what is aligned to it) and the objective form with
the live SMART check; who sees the forms and who is refused; a bounded number of queries."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import Activity
from goals import smart
from goals.models import Cycle, CycleStatus, Objective
from goals.services import objectives


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")  # the messages the tests read
    client = Client()
    client.force_login(world.users[role])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"goals:{name}", args=["acme", *args])


def text(response: Any) -> str:
    return response.content.decode()


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


# --- The tree ------------------------------------------------------------------------------------


def test_the_tree_shows_objectives_indented_with_progress_and_roll_up(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(smart, "check_objective", lambda **kw: [smart.Finding("measurable", "No number")])
    response = client_for(world).get(url("tree"))
    assert response.status_code == 200
    page = text(response)
    parent, child = world.extra["objective"], world.extra["child_objective"]
    assert f'<li class="depth-0" id="objective-{parent.pk}"' in page
    assert f'<li class="depth-1" id="objective-{child.pk}"' in page
    assert page.index(parent.title) < page.index(child.title)
    assert "This quarter" in page and "Hidden objective" not in page
    assert 'value="25"' in page and "25 %" in page  # the parent's roll-up
    assert "1 SMART warning" in page
    assert url("objective-new") in page
    closed = client_for(world).get(url("tree") + f"?cycle={world.extra['closed_cycle'].pk}")
    assert "No objectives in this cycle yet." in text(closed) and "Read-only" in text(closed)
    assert url("objective-new") not in text(closed)
    team_only = text(client_for(world).get(url("tree") + "?level=team"))
    assert f'<li class="depth-0" id="objective-{child.pk}"' in team_only and parent.title not in team_only


def test_guests_are_refused_and_outsiders_find_nothing(world: Any) -> None:
    assert client_for(world, "guest").get(url("tree")).status_code == 403
    assert client_for(world, "outsider").get(url("tree")).status_code == 404
    member = client_for(world)
    assert member.get(url("objective", world.extra["other_objective"].pk)).status_code == 404
    assert member.get(url("cycle", world.extra["other_cycle"].pk)).status_code == 404
    assert client_for(world, "guest").get(url("objective", world.extra["objective"].pk)).status_code == 403


# --- Cycles --------------------------------------------------------------------------------------


def test_cycles_are_listed_and_created_by_staff(world: Any) -> None:
    admin = client_for(world, "admin")
    page = text(admin.get(url("cycles")))
    assert "This quarter" in page and "Last year" in page and "New cycle" in page
    form = {"new-kind": "quarter", "new-start_date": "2031-01-01", "new-end_date": "2031-03-31", "new-name": ""}
    response = admin.post(url("cycles"), form)
    cycle = Cycle.objects.get(name="2031 Q1")
    assert response.status_code == 302 and response["Location"] == url("cycle", cycle.pk)
    bad = admin.post(url("cycles"), {**form, "new-end_date": "2030-12-01"})
    assert bad.status_code == 422 and "The end date must be after the start date." in text(bad)
    member = client_for(world)
    assert "New cycle" not in text(member.get(url("cycles")))
    assert member.post(url("cycles"), {**form, "new-name": "Mine"}).status_code == 403
    assert not Cycle.objects.filter(name="Mine").exists()


def test_a_cycle_is_closed_and_reopened_with_a_reason(world: Any) -> None:
    admin = client_for(world, "admin")
    cycle = world.extra["cycle"]
    page = text(admin.get(url("cycle", cycle.pk)))
    assert "Close cycle" in page and "Make this the active cycle" not in page and 'id="cycle-form"' in page
    response = admin.post(url("cycle-close", cycle.pk), {"version": cycle.version})
    assert response.status_code == 302 and fresh(cycle).status == CycleStatus.CLOSED
    page = text(admin.get(url("cycle", cycle.pk)))
    assert "Reopen to correct" in page and 'id="cycle-form"' not in page
    missing = admin.post(url("cycle-reopen", cycle.pk), {"reopen-reason": "", "reopen-version": fresh(cycle).version})
    assert missing.status_code == 422 and fresh(cycle).status == CycleStatus.CLOSED
    admin.post(
        url("cycle-reopen", cycle.pk), {"reopen-reason": "A score was wrong", "reopen-version": fresh(cycle).version}
    )
    assert (fresh(cycle).status, fresh(cycle).reopen_reason) == (CycleStatus.REOPENED, "A score was wrong")
    page = text(admin.get(url("cycle", cycle.pk)))
    assert 'id="reopened"' in page and "A score was wrong" in page and "Make this the active cycle" in page
    assert Activity.objects.filter(verb="reopened", target_type="cycle", target_id=cycle.pk).exists()
    # A stale version is refused and said so.
    stale = admin.post(url("cycle-activate", cycle.pk), {"version": 1}, follow=True)
    assert fresh(cycle).status == CycleStatus.REOPENED and "Someone else changed this cycle" in text(stale)
    admin.post(url("cycle-activate", cycle.pk), {"version": fresh(cycle).version})
    assert fresh(cycle).status == CycleStatus.ACTIVE


def test_members_see_a_cycle_without_its_controls(world: Any) -> None:
    member = client_for(world)
    cycle = world.extra["cycle"]
    page = text(member.get(url("cycle", cycle.pk)))
    assert "This quarter" in page and "Close cycle" not in page and 'id="cycle-form"' not in page
    assert member.post(url("cycle-close", cycle.pk), {"version": cycle.version}).status_code == 403
    assert fresh(cycle).status == CycleStatus.ACTIVE


def test_a_cycle_is_edited_at_its_version_and_deleted_when_empty(world: Any) -> None:
    owner = client_for(world, "owner")
    cycle = world.extra["cycle"]
    form = {"name": "Now", "kind": "quarter", "start_date": cycle.start_date, "end_date": cycle.end_date}
    assert owner.post(url("cycle", cycle.pk), {**form, "version": cycle.version}).status_code == 302
    conflict = owner.post(url("cycle", cycle.pk), {**form, "name": "Later", "version": cycle.version})
    assert conflict.status_code == 409 and fresh(cycle).name == "Now"
    refused = owner.post(url("cycle-delete", cycle.pk), follow=True)
    assert "This cycle has objectives." in text(refused) and fresh(cycle).deleted_at is None
    empty = world.extra["closed_cycle"]
    assert owner.post(url("cycle-delete", empty.pk))["Location"] == url("cycles")
    assert fresh(empty).deleted_at is not None


# --- An objective --------------------------------------------------------------------------------


def test_the_objective_page_shows_key_results_smart_check_and_what_is_aligned(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(smart, "check_objective", lambda **kw: [smart.Finding("owner", "Name one owner.")])
    parent, child = world.extra["objective"], world.extra["child_objective"]
    page = text(client_for(world).get(url("objective", parent.pk)))
    assert parent.title in page
    assert 'id="rolled-up"' in page and "25 %" in page and "50 %" in page
    assert f'id="child-{child.pk}"' in page and child.title in page
    assert 'id="key-results"' in page and world.extra["key_result"].title in page
    assert "Name one owner." in page and 'data-smart="owner"' in page
    assert url("objective-edit", parent.pk) not in page  # a company objective: owners and admins
    assert client_for(world).get(url("objective-edit", parent.pk)).status_code == 403
    assert url("objective-edit", parent.pk) in text(client_for(world, "admin").get(url("objective", parent.pk)))
    child_page = text(client_for(world).get(url("objective", child.pk)))
    assert url("objective-edit", child.pk) in child_page and parent.title in child_page  # breadcrumb, aligned to


def test_the_form_has_the_live_smart_check_and_creates_an_objective(world: Any) -> None:
    client = client_for(world)
    page = text(client.get(url("objective-new") + f"?parent={world.extra['objective'].pk}"))
    assert f'hx-post="{url("smart-check")}"' in page and 'hx-target="#smart-findings"' in page
    assert "delay:300ms" in page and 'name="kind" value="objective"' in page
    assert f'<option value="{world.extra["objective"].pk}" selected>' in page
    assert f'<option value="{world.extra["cycle"].pk}" selected>' in page
    form = {
        "cycle_id": world.extra["cycle"].pk,
        "title": "Ship the app to 5,000 teams this quarter",
        "description": "",
        "level": "team",
        "team_id": world.team.pk,
        "owner_id": world.users["member"].pk,
        "parent_id": world.extra["objective"].pk,
    }
    assert f'<option value="{world.users["member"].pk}" selected>' in page  # the caller, as a visible default
    ownerless = client.post(url("objective-new"), {**form, "owner_id": ""})
    assert ownerless.status_code == 422 and "This field is required." in text(ownerless)
    assert not Objective.objects.filter(title=form["title"]).exists()
    response = client.post(url("objective-new"), form)
    objective = Objective.objects.get(title=form["title"])
    assert response.status_code == 302 and response["Location"] == url("objective", objective.pk)
    assert objective.parent_id == world.extra["objective"].pk
    bad = client.post(url("objective-new"), {**form, "title": "Other", "level": "department", "team_id": ""})
    assert bad.status_code == 422 and "A department objective names its department." in text(bad)
    foreign = client.post(
        url("objective-new"), {**form, "title": "Other", "parent_id": world.extra["other_objective"].pk}
    )
    assert foreign.status_code == 422
    assert not Objective.objects.filter(title="Other").exists()
    assert client_for(world, "guest").get(url("objective-new")).status_code == 403


def test_an_objective_is_edited_at_its_version_and_deleted(world: Any) -> None:
    client = client_for(world)
    child = world.extra["child_objective"]
    page = text(client.get(url("objective-edit", child.pk)))
    assert 'name="version"' in page and f'name="objective_id" value="{child.pk}"' in page
    form = {
        "cycle_id": child.cycle_id,
        "title": "Cut churn to 4% by the end of the quarter",
        "description": "",
        "level": "team",
        "team_id": world.team.pk,
        "owner_id": world.users["member"].pk,
        "parent_id": world.extra["objective"].pk,
        "version": child.version,
    }
    assert client.post(url("objective-edit", child.pk), form).status_code == 302
    assert fresh(child).title == form["title"]
    conflict = client.post(url("objective-edit", child.pk), {**form, "title": "Late"})
    assert conflict.status_code == 409 and 'id="conflict"' in text(conflict)
    loop = client.post(
        url("objective-edit", child.pk), {**form, "parent_id": child.pk, "version": fresh(child).version}
    )
    assert loop.status_code == 422 and fresh(child).parent_id == world.extra["objective"].pk
    response = client.post(url("objective-delete", child.pk))
    assert response.status_code == 302 and fresh(child).deleted_at is not None
    assert client.post(url("objective-delete", world.extra["objective"].pk)).status_code == 403


# --- Query counts --------------------------------------------------------------------------------


def _grow(world: Any, count: int) -> None:
    """`count` objectives aligned to the company objective (the world has two already)."""
    for i in range(count):
        objectives.create_objective(
            world.actor("owner"),
            world.extra["cycle"],
            title=f"Goal {i}",
            level="team",
            team_id=world.team.pk,
            owner_id=world.users["owner"].pk,
            parent_id=world.extra["objective"].pk,
        )


@pytest.mark.parametrize("name", ["tree", "objective", "cycles", "objective-new"])
def test_page_queries_do_not_grow(world: Any, name: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, "owner")
    target = url(name, world.extra["objective"].pk) if name == "objective" else url(name)
    _grow(world, 1)  # 3 objectives
    client.get(target)
    with django_assert_max_num_queries(60) as small:
        assert client.get(target).status_code == 200
    _grow(world, 27)  # 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    if name in ("tree", "objective"):
        assert "Goal 26" in text(response)


def test_a_cycle_past_its_end_asks_to_be_scored_and_closed(world: Any) -> None:
    client = client_for(world)
    assert "data-awaiting-close" not in text(client.get(url("tree")))
    today = timezone.localdate()
    Cycle.objects.filter(pk=world.extra["cycle"].pk).update(
        start_date=today - datetime.timedelta(days=90), end_date=today - datetime.timedelta(days=1)
    )
    page = text(client.get(url("tree")))
    assert "data-awaiting-close" in page and "then close it" in page
    # Once closed it is read-only, and says so instead.
    Cycle.objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    page = text(client.get(url("tree") + f"?cycle={world.extra['cycle'].pk}"))
    assert "data-awaiting-close" not in page and "Read-only" in page
