"""The work-item pages' pickers: the page names the current owner, collaborators and parent by label
without listing everyone, and posting what the pickers submit saves the same values as before."""

import re
from typing import Any

from accounts.models import User
from projects.tests.test_web_items import client_for


def control(page: str, name: str) -> str:
    """The HTML of the form control named `name` (a select with its options, or an input)."""
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>|<input type="text" name="{name}"[^>]*>', page, re.S)
    assert match, name
    return match.group(0)


def test_item_page_pickers_show_current_choices_only_and_save_the_same_values(world: Any) -> None:
    item, blocker = world.extra["item"], world.extra["blocker"]
    carol, erin, bob = world.users["member"], world.users["extra"], world.users["admin"]
    client = client_for(world)
    url = f"/w/acme/items/{item.key}/"
    response = client.post(
        url,
        {
            "type": "task",
            "title": item.title,
            "owner_id": erin.pk,
            "collaborator_ids": [carol.pk, bob.pk],
            "priority": "medium",
            "parent_id": blocker.key.lower(),
            "milestone_id": world.extra["milestone"].pk,
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.owner_id, item.parent_id, item.milestone_id) == (erin.pk, blocker.pk, world.extra["milestone"].pk)
    assert sorted(u.pk for u in item.collaborators.all()) == sorted([carol.pk, bob.pk])

    page = client.get(url).content.decode()
    owner = control(page, "owner_id")
    assert 'data-picker="select"' in owner and 'data-picker-types="member"' in owner
    assert f'<option value="{erin.pk}" selected>{erin}</option>' in owner
    # Only the current owner is in the page's select: the others are searched for.
    assert owner.count("<option") == 1
    collaborators = control(page, "collaborator_ids")
    assert "multiple" in collaborators and collaborators.count("<option") == 2
    assert str(carol) in collaborators and str(bob) in collaborators and str(erin) not in collaborators
    parent = control(page, "parent_id")
    assert f'value="{blocker.key}"' in parent and 'data-picker="key"' in parent
    assert f"{blocker.key} {blocker.title}" in page
    # A project's milestones are few and the project's own: the picker filters those it renders.
    assert "data-picker-local" in control(page, "milestone_id")
    dependency = control(page, "item")
    assert 'data-picker-types="work_item"' in dependency


def test_a_person_outside_the_choices_is_refused_by_the_form(world: Any) -> None:
    item = world.extra["item"]
    outsider = User.objects.get(pk=world.users["outsider_owner"].pk)
    response = client_for(world).post(
        f"/w/acme/items/{item.key}/",
        {"type": "task", "title": item.title, "owner_id": outsider.pk, "priority": "medium", "version": item.version},
    )
    assert response.status_code == 422
    item.refresh_from_db()
    assert item.owner_id == world.users["member"].pk


def test_links_panel_searches_every_type_it_offers_and_sets_the_type(world: Any) -> None:
    page = client_for(world).get(f"/w/acme/items/{world.extra['item'].key}/").content.decode()
    target = control(page, "target")
    assert 'data-picker="key"' in target and 'data-picker-type-field="target_type"' in target
    types = re.search(r'data-picker-types="([^"]*)"', target)
    assert types and {"work_item", "requirement", "project"} <= set(types.group(1).split(","))
