"""The projects API: shapes, filters, errors and constant query counts."""

from typing import Any

import pytest
from django.test import Client

from projects import queries, services
from projects.services import items
from tests.shapes import as_the_schema_writes, as_written

API = "/api/v1/workspaces/acme"


def _many(world: Any, n: int) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    for i in range(n):
        items.create_item(owner, project, title=f"Item {i}", owner_id=world.users["owner"].pk, due_date=None)


@pytest.mark.parametrize("path", ["/projects/WEB/items?limit=100", "/my-work?limit=100", "/projects?limit=100"])
def test_list_queries_do_not_grow_with_the_page(world: Any, path: str, django_assert_max_num_queries: Any) -> None:
    client = world.client("owner")
    _many(world, 3)
    with django_assert_max_num_queries(20) as few:
        assert client.get(API + path).status_code == 200
    _many(world, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(API + path)
    assert response.status_code == 200


def test_item_detail_and_list_shapes(world: Any) -> None:
    client = world.client("member")
    detail = client.get(API + "/items/WEB-3").json()
    assert detail["key"] == "WEB-3" and detail["project"] == "WEB"
    assert [b["key"] for b in detail["blocked_by"]] == ["WEB-2"]
    assert detail["state"]["category"] == "todo"
    listed = client.get(API + "/projects/WEB/items?sort=oldest").json()
    assert [i["key"] for i in listed["items"]][:3] == ["WEB-1", "WEB-2", "WEB-3"]


def test_filters_and_sorts_are_an_allow_list(world: Any) -> None:
    client = world.client("member")
    for query, field in (("sort=password", "sort"), ("owner=abc", "owner"), ("group=__class__", "group")):
        response = client.get(f"{API}/projects/WEB/items?{query}")
        assert response.status_code == 422, query
        assert response.json()["errors"][0]["field"] == field
    mine = client.get(f"{API}/projects/WEB/items?owner={world.users['member'].pk}").json()["items"]
    assert [i["key"] for i in mine] == ["WEB-1"]
    backlog = client.get(f"{API}/projects/WEB/items?sprint=none&group=state").json()["items"]
    assert len(backlog) == 3


def test_paging_by_due_date_with_undated_items_last(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    for day in ("2030-03-01", "2030-01-01", "2030-02-01"):
        items.create_item(owner, project, title=day, due_date=day)
    client = world.client("owner")
    first = client.get(f"{API}/projects/WEB/items?sort=due&limit=2").json()
    assert [i["due_date"] for i in first["items"]] == ["2030-01-01", "2030-02-01"]
    second = client.get(f"{API}/projects/WEB/items?sort=due&limit=2&cursor={first['next_cursor']}").json()
    assert second["items"][0]["due_date"] == "2030-03-01" and second["items"][1]["due_date"] is None


def test_transition_refusal_names_the_missing_field(world: Any) -> None:
    client = world.client("owner")
    bug = client.post(f"{API}/projects/WEB/items", {"title": "Crash", "type": "bug"}, content_type="application/json")
    key = bug.json()["key"]
    workflows = client.get(f"{API}/projects/WEB/workflows").json()
    closed = next(s for w in workflows if w["name"] == "Bug" for s in w["states"] if s["name"] == "Closed")
    refused = client.post(f"{API}/items/{key}/transition", {"state_id": closed["id"]}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "resolution"
    done = client.post(
        f"{API}/items/{key}/transition",
        {"state_id": closed["id"], "resolution": "Fixed"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"]["category"] == "done"


def test_stale_patch_answers_409_with_the_current_item(world: Any) -> None:
    client = world.client("owner")
    version = client.get(f"{API}/items/WEB-1").json()["version"]
    body = {"version": version, "title": "One"}
    assert client.patch(f"{API}/items/WEB-1", body, content_type="application/json").status_code == 200
    stale = client.patch(f"{API}/items/WEB-1", {**body, "title": "Two"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["title"] == "One"


def test_moved_item_is_found_by_its_old_key(world: Any) -> None:
    client = world.client("member")
    version = client.get(f"{API}/items/WEB-1").json()["version"]
    moved = client.post(
        f"{API}/items/WEB-1/move", {"project": "OPS", "version": version}, content_type="application/json"
    )
    assert moved.status_code == 200
    new_key = moved.json()["key"]
    assert new_key.startswith("OPS-")
    assert client.get(f"{API}/items/WEB-1").json()["key"] == new_key
    unknown = client.post(
        f"{API}/items/{new_key}/move", {"project": "SEC", "version": 9}, content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "project"


def test_another_workspaces_ids_in_bodies_are_refused(world: Any) -> None:
    client = world.client("owner")
    for field, value in (
        ("milestone_id", world.extra["other_milestone"].pk),
        ("parent_id", world.extra["other_item"].pk),
        ("owner_id", world.users["outsider"].pk),
    ):
        response = client.post(
            f"{API}/projects/WEB/items", {"title": "x", field: value}, content_type="application/json"
        )
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["field"] == field
    bulk = client.post(
        f"{API}/projects/WEB/items/bulk",
        {"item_ids": [world.extra["item"].pk], "set": {"owner_id": world.users["outsider"].pk}},
        content_type="application/json",
    )
    assert bulk.status_code == 422
    assert queries.get_item(world.members["owner"], "WEB-1").owner_id == world.users["member"].pk


def test_the_fast_list_has_the_shape_of_the_item_schema(world: Any) -> None:
    """The list is serialised from plain rows; it must say exactly what ItemOut says."""
    from projects.schemas import ItemRowOut

    owner = world.members["owner"]
    items.update_item(owner, world.extra["item"], version=1, points=3, tags=["x"], due_date="2030-01-02")
    response = world.client("owner").get(f"{API}/projects/WEB/items?sort=oldest&limit=1")
    [listed] = dict(as_written(response.content))["items"]
    assert listed == as_the_schema_writes(ItemRowOut, [queries.get_item(owner, "WEB-1")])[0]


def test_board_schedule_and_allocation(world: Any) -> None:
    owner = world.members["owner"]
    items.update_item(
        owner, world.extra["item"], version=1, estimate_hours=80, start_date="2030-01-07", due_date="2030-01-11"
    )
    client = world.client("member")
    board = client.get(f"{API}/projects/WEB/board").json()
    assert [c["name"] for c in board["columns"]] == ["To do", "In progress", "In review", "Done"]
    assert board["columns"][0]["count"] == 3 and len(board["columns"][0]["cards"]) == 3
    by_owner = client.get(f"{API}/projects/WEB/board?by=owner").json()
    assert sum(c["count"] for c in by_owner["columns"]) == 3
    schedule = client.get(f"{API}/projects/WEB/schedule?start=2030-01-01&end=2030-01-31").json()
    assert [i["key"] for i in schedule["items"]] == ["WEB-1"]
    assert client.get(f"{API}/projects/WEB/schedule?start=2030-01-31&end=2030-01-01").status_code == 422
    weeks = client.get(f"{API}/projects/WEB/allocation?start=2030-01-07&weeks=2").json()
    carol = next(m for m in weeks if m["user_id"] == world.users["member"].pk)
    assert carol["weeks"][0]["allocated"] == "80.0" and carol["weeks"][0]["over"] is True
    assert carol["weeks"][1]["allocated"] == "0.0"


def test_export_applies_the_filters_and_quotes_formulas(world: Any) -> None:
    owner = world.members["owner"]
    items.create_item(owner, world.extra["project"], title='=HYPERLINK("http://x")', priority="urgent")
    client = world.client("guest")
    response = client.get(f"{API}/projects/WEB/items/export?format=csv&priority=urgent")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Sign-up page" not in text
    xlsx = client.get(f"{API}/projects/WEB/items/export?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"{API}/projects/WEB/items/export?format=pdf").status_code == 422
    assert client.get(f"{API}/projects/WEB/items/export?sort=evil").status_code == 422


def test_the_fast_board_has_the_shape_of_the_board_schema(world: Any) -> None:
    from projects.schemas import BoardOut

    items.update_item(world.members["owner"], world.extra["item"], version=1, points=2)
    sent = world.client("owner").get(f"{API}/projects/WEB/board").json()
    assert BoardOut.model_validate(sent).model_dump(mode="json") == sent
    card = sent["columns"][0]["cards"][0]
    assert card["key"] == "WEB-1" and card["points"] == "2.0"


def test_changing_dependencies_needs_the_right_to_work_on_the_item_they_block(world: Any) -> None:
    """Erin works in WEB and only views OPS: she may say that her item waits for an OPS item, not
    mark an OPS item as blocked, nor unblock one."""
    owner = world.actor("owner")
    ops_item = items.create_item(owner, world.extra["ops"], title="Rotate the keys")
    erin = Client()
    erin.force_login(world.users["extra"])
    web_item = world.extra["item"]

    def add(key: str, body: dict[str, str]) -> Any:
        return erin.post(f"{API}/items/{key}/dependencies", body, content_type="application/json")

    assert add(web_item.key, {"blocks": ops_item.key}).status_code == 403
    assert add(ops_item.key, {"blocked_by": web_item.key}).status_code == 403
    assert (
        erin.post(
            f"/w/acme/items/{ops_item.key}/dependencies/", {"relation": "blocked_by", "item": web_item.key}
        ).status_code
        == 403
    )
    assert not items.Dependency.objects.filter(blocked=ops_item).exists()
    assert add(web_item.key, {"blocked_by": ops_item.key}).status_code == 200

    blocker = world.extra["blocker"]
    items.add_dependency(owner, blocker, ops_item)
    assert erin.delete(f"{API}/items/{blocker.key}/dependencies/{ops_item.key}").status_code == 403
    assert erin.delete(f"{API}/items/{ops_item.key}/dependencies/{blocker.key}").status_code == 403
    assert erin.post(f"/w/acme/items/{blocker.key}/dependencies/remove/", {"item": ops_item.key}).status_code == 403
    assert items.Dependency.objects.filter(blocker=blocker, blocked=ops_item).exists()
    assert erin.delete(f"{API}/items/{web_item.key}/dependencies/{ops_item.key}").status_code == 200


def test_a_select_field_takes_its_options_label_as_well_as_its_id(world: Any) -> None:
    field = world.extra["field"]  # Platform: iOS (1), Android (2)
    owner = world.actor("owner")
    multi = services.create_field(
        owner, world.extra["project"], name="Stores", kind="multi_select", options=["App Store", "Play"]
    )
    client = world.client("member")

    def create(custom: dict[str, Any]) -> Any:
        body = {"title": "Labelled", "custom": custom}
        return client.post(API + "/projects/WEB/items", body, content_type="application/json")

    created = create({str(field.pk): " android ", str(multi.pk): ["Play", 1]})
    assert created.status_code == 201, created.content
    assert created.json()["custom"] == {str(field.pk): 2, str(multi.pk): [1, 2]}
    refused = create({str(field.pk): "Windows Phone"})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == f"custom.{field.pk}" and "iOS, Android" in error["message"]
