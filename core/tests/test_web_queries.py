"""The web pages issue a bounded number of queries, whatever the amount of data they show."""

from typing import Any

import pytest
from django.test import Client

from accounts import services as accounts
from core import services

PAGES = ["/w/acme/", "/w/acme/people/", "/w/acme/departments/", "/w/acme/teams/", "/w/acme/activity/", "/w/acme/trash/"]


def grow(world: Any, n: int, first: int = 0) -> None:
    owner = world.actor("owner")
    for i in range(first, first + n):
        user = accounts.create_user(email=f"w{i}@example.test", username=f"w{i}", password="x", check_password=False)
        member = accounts.add_member(owner, user=user)
        accounts.change_member(owner, member, version=member.version, department_id=world.department.pk, title="QA")
        department = accounts.create_department(owner, name=f"D{i}", parent_id=world.department.pk, head_id=user.pk)
        accounts.create_team(owner, name=f"T{i}", member_ids=[user.pk, world.users["member"].pk])
        services.add_comment(owner, target_type="department", target_id=department.pk, body=f"@w{i} hi")
        if i % 2:
            accounts.delete_department(owner, department)


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow(world: Any, url: str, django_assert_max_num_queries: Any) -> None:
    grow(world, 1)  # every kind of row once, so that only the amount differs
    client = Client()
    client.force_login(world.users["owner"])
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    grow(world, 25, first=1)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)


@pytest.mark.parametrize("url", ["/w/acme/people/", "/w/acme/teams/", "/w/acme/trash/"])
def test_web_lists_are_paged(world: Any, url: str, settings: Any) -> None:
    settings.PAGE_SIZE_DEFAULT = 2
    grow(world, 4)
    client = Client()
    client.force_login(world.users["owner"])
    first = client.get(url)
    cursor = first.context["page"].next_cursor
    assert len(first.context["page"].items) == 2 and cursor
    assert f"cursor={cursor}" in first.content.decode()
    second = client.get(url, {"cursor": cursor})
    assert {o.pk for o in second.context["page"].items}.isdisjoint({o.pk for o in first.context["page"].items})
