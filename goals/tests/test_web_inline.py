"""An objective's fields edited in place: a save through update_objective at the page's version, a
stale version (409) showing the current value and writing nothing, and who may."""

from typing import Any

from django.test import Client

from accounts.models import User
from goals.models import Objective
from goals.services import objectives

HTMX = {"HX-Request": "true"}


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def inline_url(objective: Objective, name: str) -> str:
    return f"/w/acme/goals/objectives/{objective.pk}/inline/{name}/"


def test_an_objective_field_is_saved_in_place_and_bumps_the_version(world: Any) -> None:
    objective = world.extra["child_objective"]
    read_at = objective.version
    client = client_for(world)
    page = client.get(f"/w/acme/goals/objectives/{objective.pk}/").content.decode()
    assert f'hx-get="{inline_url(objective, "title")}?edit=1"' in page
    assert f'id="page-version" name="version" value="{read_at}"' in page
    editor = client.get(inline_url(objective, "owner_id"), {"edit": "1"}, headers=HTMX).content.decode()
    assert "<select" in editor and "data-inline-form" in editor
    saved = client.post(inline_url(objective, "title"), {"title": "Cut churn to 4 %", "version": read_at}, headers=HTMX)
    assert saved.status_code == 200
    body = saved.content.decode()
    # The value as saved, and the page's version moved on for the next field's save.
    assert "Cut churn to 4 %" in body and f'id="page-version" name="version" value="{read_at + 1}"' in body
    owner = world.users["admin"]
    moved = client.post(inline_url(objective, "owner_id"), {"owner_id": owner.pk, "version": read_at + 1}, headers=HTMX)
    assert moved.status_code == 200
    objective.refresh_from_db()
    assert (objective.title, objective.owner_id, objective.version) == ("Cut churn to 4 %", owner.pk, read_at + 2)
    empty = client.post(inline_url(objective, "title"), {"title": " ", "version": objective.version}, headers=HTMX)
    assert empty.status_code == 422 and "data-inline-form" in empty.content.decode()


def test_a_stale_version_shows_the_current_value_and_writes_nothing(world: Any) -> None:
    objective = world.extra["child_objective"]
    read_at = objective.version
    objectives.update_objective(world.actor("owner"), objective, version=read_at, description="Theirs, line one")
    client = client_for(world)
    stale = client.post(inline_url(objective, "description"), {"description": "Mine", "version": read_at}, headers=HTMX)
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "inline-conflict" in body and "Theirs, line one" in body and "Mine</textarea>" in body
    # Overwriting sends the version the conflict read.
    assert f'name="version" value="{read_at + 1}"' in body
    objective.refresh_from_db()
    assert (objective.description, objective.version) == ("Theirs, line one", read_at + 1)


def test_who_may_edit_an_objective_in_place(world: Any) -> None:
    company = world.extra["objective"]  # a company objective: owners and admins change it
    title, version = company.title, company.version
    member = client_for(world)
    page = member.get(f"/w/acme/goals/objectives/{company.pk}/").content.decode()
    assert "/inline/" not in page and 'id="page-version"' not in page
    assert member.get(inline_url(company, "title"), {"edit": "1"}, headers=HTMX).status_code == 403
    data = {"title": "Not mine to change", "version": version}
    assert member.post(inline_url(company, "title"), data, headers=HTMX).status_code == 403
    assert client_for(world, "guest").post(inline_url(company, "title"), data, headers=HTMX).status_code in (403, 404)
    assert client_for(world, "outsider").post(inline_url(company, "title"), data, headers=HTMX).status_code == 404
    other = world.extra["other_objective"]
    assert member.post(inline_url(other, "title"), data, headers=HTMX).status_code == 404
    assert client_for(world, "owner").get(inline_url(company, "level"), {"edit": "1"}).status_code == 404
    company.refresh_from_db()
    assert (company.title, company.version) == (title, version)
    assert client_for(world, "owner").get(inline_url(company, "title"), {"edit": "1"}, headers=HTMX).status_code == 200
