"""The palette's and the pickers' search: by key, by words of titles, people by pinyin; only what
the reader may see; a fixed number of queries."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from conftest import make_user
from projects.services import items


def _web(world: Any, role: str = "owner") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _find(world: Any, q: str, role: str = "owner", **params: Any) -> list[dict[str, Any]]:
    response = _web(world, role).get("/w/acme/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _titles(results: list[dict[str, Any]]) -> list[str]:
    return [r["title"] for r in results]


@pytest.fixture
def linyue(world: Any) -> Any:
    user = make_user("linyue")
    accounts.update_profile(user, version=user.version, display_name="林悦")
    return accounts.add_member(world.actor("owner"), user=user)


def test_an_item_is_found_by_its_key_first(world: Any) -> None:
    item = world.extra["item"]
    items.create_item(world.actor("owner"), world.extra["project"], title=f"About {item.key}")
    results = _find(world, item.key.lower())
    assert results[0] == {
        "type": "work_item",
        "typeLabel": "工作项",  # in the reader's language: alice reads Chinese
        "id": item.pk,
        "value": item.pk,
        "key": item.key,
        "title": "Sign-up page",
        "subtitle": "Website",
        "url": f"/w/acme/items/{item.key}/",
    }


def test_a_requirement_is_found_by_its_key(world: Any) -> None:
    requirement = world.extra["requirement"]
    results = _find(world, f"REQ-{requirement.number}", types="requirement")
    assert [r["id"] for r in results][:1] == [requirement.pk]
    assert results[0]["key"] == f"REQ-{requirement.number}"


def test_items_are_found_by_a_chinese_word_of_their_title(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    wanted = items.create_item(owner, project, title="优化登录页面的加载速度")
    items.create_item(owner, project, title="修复支付回调")
    results = _find(world, "登录", types="work_item")
    assert [r["id"] for r in results] == [wanted.pk]
    # Every word must be found (AND), in any order and case.
    assert [r["id"] for r in _find(world, "速度 登录", types="work_item")] == [wanted.pk]
    assert _find(world, "登录 回调", types="work_item") == []


def test_a_title_starting_with_the_text_comes_before_newer_ones(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    starts = items.create_item(owner, project, title="Search box")
    items.create_item(owner, project, title="Better search")
    assert _titles(_find(world, "search", types="work_item")) == ["Search box", "Better search"]
    assert starts.pk


@pytest.mark.parametrize("q", ["ly", "linyue", "Lin Yue", "林悦", "linyue@example.test", "linyue@"])
def test_people_are_found_by_pinyin_name_and_email(world: Any, linyue: Any, q: str) -> None:
    results = _find(world, q, types="member")
    assert [(r["type"], r["id"], r["value"], r["title"]) for r in results] == [
        ("member", linyue.pk, linyue.user_id, "林悦")
    ]


def test_another_workspaces_objects_are_never_found(world: Any) -> None:
    assert _find(world, "Hidden") == []
    assert _find(world, world.extra["other_item"].key) == []
    assert _find(world, "olga", types="member") == []


def test_a_guest_finds_nothing_of_a_project_they_do_not_belong_to(world: Any) -> None:
    owner = world.actor("owner")
    items.create_item(owner, world.extra["ops"], title="Ops rota")
    items.create_item(owner, world.extra["project"], title="Web rota")
    assert sorted(_titles(_find(world, "rota", "owner"))) == ["Ops rota", "Web rota"]
    assert _titles(_find(world, "rota", "guest")) == ["Web rota"]
    assert _find(world, "OPS-1", "guest", types="work_item,project") == []
    # Nor the types a guest may not view at all.
    assert _find(world, "alice", "guest", types="member,department") == []


def test_trashed_objects_are_not_found(world: Any) -> None:
    owner = world.actor("owner")
    item = items.create_item(owner, world.extra["project"], title="Doomed page")
    assert _titles(_find(world, "doomed")) == ["Doomed page"]
    items.delete_item(owner, item)
    assert _find(world, "doomed") == []
    assert _find(world, item.key) == []
    assert _find(world, world.trashed.name, types="department") == []


def test_empty_text_finds_nothing(world: Any) -> None:
    assert _find(world, "   ") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"types": "work_item,nonsense"}, "types"), ({"limit": "21"}, "limit"), ({"limit": "x"}, "limit")],
)
def test_bad_input_names_the_field(world: Any, params: dict[str, str], field: str) -> None:
    web = _web(world).get("/w/acme/search/", {"q": "a", **params})
    assert web.status_code == 400
    assert [e["field"] for e in web.json()["errors"]] == [field]
    api = world.client("owner").get("/api/v1/workspaces/acme/search", {"q": "a", **params})
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == [field]


def test_the_web_endpoint_needs_a_member_of_the_workspace(world: Any) -> None:
    assert Client().get("/w/acme/search/", {"q": "a"}).status_code == 302
    assert _web(world, "outsider").get("/w/acme/search/", {"q": "a"}).status_code == 404


def test_the_api_answers_as_the_web_endpoint(world: Any, linyue: Any) -> None:
    api = world.client("owner").get("/api/v1/workspaces/acme/search", {"q": "ly", "types": "member"})
    assert api.status_code == 200
    assert api.json()["results"] == _find(world, "ly", types="member")


def test_the_limit_bounds_the_results(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    for n in range(5):
        items.create_item(owner, project, title=f"Report {n}")
    assert len(_find(world, "report", limit=3)) == 3


def test_a_fixed_number_of_queries_whatever_the_results(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    client = _web(world)

    def count(q: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/w/acme/search/", {"q": q, "limit": "20"}).status_code == 200
        return len(queries)

    few = count("page")
    for n in range(15):
        items.create_item(owner, project, title=f"Another page {n}")
    assert count("page") == few
    # A key-like text adds at most the types' key lookups.
    assert count("WEB-1") <= few + 8


def test_a_moved_item_is_found_by_the_key_it_had(world: Any) -> None:
    item = items.create_item(world.actor("owner"), world.extra["project"], title="Wandering item")
    old_key = item.key
    moved = items.move_item_to(world.actor("owner"), item, project_key="OPS", version=item.version)
    results = _find(world, old_key, types="work_item")
    assert [(r["id"], r["key"]) for r in results][:1] == [(item.pk, moved.key)]
