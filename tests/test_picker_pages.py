"""Every page with a field that names another object renders it as a picker (core/widgets.py): the
field's name is kept, a searched picker lists only the current choice(s), never everyone, and a
field typed by key stays a text box."""

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User


def page_of(world: Any, url: str) -> str:
    User.objects.filter(pk=world.users["owner"].pk).update(language="en")
    client = Client()
    client.force_login(world.users["owner"])
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def control(page: str, control_id: str) -> str:
    """The select (with its options) or the text input whose id is `control_id`."""
    for match in re.finditer(r"<select[^>]*>.*?</select>|<input[^>]*>", page, re.S):
        if f'id="{control_id}"' in match.group(0).split(">", 1)[0]:
            return match.group(0)
    raise AssertionError(control_id)


# (page, the control's id, the types it searches; "local" filters its own options)
PAGES: list[tuple[str, str, str]] = [
    ("/w/acme/departments/{department}/", "id_head_id", "member"),
    ("/w/acme/departments/{department}/", "id_parent_id", "local"),
    ("/w/acme/teams/{team}/", "id_lead_id", "member"),
    ("/w/acme/teams/{team}/", "id_member_ids", "member"),
    ("/w/acme/projects/WEB/members/", "id_add-user_id", "member"),
    ("/w/acme/projects/WEB/items/", "id_owner_id", "member"),
    ("/w/acme/products/{product}/edit/", "id_owner_id", "member"),
    ("/w/acme/requirements/{requirement}/edit/", "id_owner_id", "member"),
    ("/w/acme/requirements/{requirement}/edit/", "id_proposer_id", "member"),
    ("/w/acme/requirements/{requirement}/", "id_item_key", "work_item"),
    ("/w/acme/feedback/{feedback}/", "id_requirement", "requirement"),
    ("/w/acme/feedback/", "bulk-requirement", "requirement"),
    ("/w/acme/releases/{release}/", "id_key", "requirement"),
    ("/w/acme/goals/objectives/{objective}/edit/", "id_owner_id", "member"),
    ("/w/acme/goals/objectives/{objective}/edit/", "id_parent_id", "local"),
    ("/w/acme/goals/key-results/{key_result}/edit/", "id_owner_id", "member"),
    ("/w/acme/goals/key-results/{key_result}/links/", "id_reference", "project,requirement,work_item"),
]


@pytest.mark.parametrize(("url", "control_id", "types"), PAGES)
def test_fields_that_name_objects_are_pickers(world: Any, url: str, control_id: str, types: str) -> None:
    extra = world.extra
    ids = {
        "department": world.department.pk,
        "team": world.team.pk,
        "product": extra["product"].pk,
        "requirement": extra["requirement"].number,
        "feedback": extra["feedback"].pk,
        "release": extra["release"].pk,
        "objective": extra["child_objective"].pk,
        "key_result": extra["key_result"].pk,
    }
    html = control(page_of(world, url.format(**ids)), control_id)
    if types == "local":
        assert "data-picker-local" in html
        return
    assert f'data-picker-types="{types}"' in html
    if html.startswith("<select"):
        assert 'data-picker="select"' in html
        # At most the current choice(s) and an empty one: the rest is searched for.
        assert html.count("<option") <= 2
    else:
        assert 'data-picker="key"' in html and 'type="text"' in html
