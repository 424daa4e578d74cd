"""Links from key results to projects, requirements and work items: only what the actor can see,
another workspace's refused naming the field, no link twice, linking by key from the web, unlinking;
deleted work is hidden; and the same through the API."""

from typing import Any

import pytest

from core.errors import PermissionDenied, ValidationFailed
from core.models import Activity
from goals.models import CycleStatus, KeyResultLink, LinkKind
from goals.queries import key_results as queries
from goals.services import key_results
from projects.services import items

API = "/api/v1/workspaces/acme/goals"


def links(kr: Any) -> list[tuple[str, int | None]]:
    rows = KeyResultLink.objects.filter(key_result=kr).order_by("id")
    return [(link.kind, link.project_id or link.requirement_id or link.work_item_id) for link in rows]


def test_a_project_a_requirement_and_an_item_can_be_linked(world: Any) -> None:
    kr, member = world.extra["child_key_result"], world.actor("member")
    project, requirement, item = world.extra["project"], world.extra["requirement"], world.extra["item"]
    key_results.link_work(member, kr, project_id=project.pk)
    key_results.link_work(member, kr, requirement_id=requirement.pk)
    link = key_results.link_work(member, kr, work_item_id=item.pk)
    assert link.kind == LinkKind.WORK_ITEM and link.created_by_id == world.users["member"].pk
    assert links(kr) == [
        (LinkKind.PROJECT, project.pk),
        (LinkKind.REQUIREMENT, requirement.pk),
        (LinkKind.WORK_ITEM, item.pk),
    ]
    verbs = Activity.objects.filter(target_type="key_result", target_id=kr.pk, verb="linked")
    assert verbs.count() == 3


@pytest.mark.parametrize(
    ("field", "name"),
    [("project_id", "other_project"), ("requirement_id", "other_requirement"), ("work_item_id", "other_item")],
)
def test_another_workspaces_work_is_refused_naming_the_field(world: Any, field: str, name: str) -> None:
    kr = world.extra["child_key_result"]
    with pytest.raises(ValidationFailed) as error:
        key_results.link_work(world.actor("owner"), kr, **{field: world.extra[name].pk})
    assert list(error.value.errors) == [field]
    assert links(kr) == []


@pytest.mark.parametrize(
    "target",
    [{}, {"project_id": 0}, {"project_id": "1"}, {"project_id": True}, {"project_id": 2**60}, {"kind": "project"}],
)
def test_a_link_names_one_existing_thing(world: Any, target: dict[str, Any]) -> None:
    kr = world.extra["child_key_result"]
    with pytest.raises(ValidationFailed):
        key_results.link_work(world.actor("member"), kr, **target)
    assert links(kr) == []


def test_one_thing_at_a_time_and_never_twice(world: Any) -> None:
    kr, member = world.extra["key_result"], world.actor("member")
    with pytest.raises(ValidationFailed) as error:
        key_results.link_work(member, kr, project_id=world.extra["project"].pk, work_item_id=world.extra["blocker"].pk)
    assert set(error.value.errors) == {"project_id", "work_item_id"}
    with pytest.raises(ValidationFailed) as error:
        key_results.link_work(member, kr, work_item_id=world.extra["item"].pk)  # the world links it already
    assert "work_item_id" in error.value.errors
    assert len(links(kr)) == 1


def test_guests_and_closed_cycles_cannot_link(world: Any) -> None:
    kr = world.extra["child_key_result"]
    with pytest.raises(PermissionDenied):
        key_results.link_work(world.actor("guest"), kr, project_id=world.extra["project"].pk)
    kr.objective.cycle.status = CycleStatus.CLOSED
    with pytest.raises(ValidationFailed):
        key_results.link_work(world.actor("member"), kr, project_id=world.extra["project"].pk)
    assert links(kr) == []


@pytest.mark.parametrize(
    ("reference", "kind"), [("web", LinkKind.PROJECT), ("WEB-2", LinkKind.WORK_ITEM), ("req-{n}", LinkKind.REQUIREMENT)]
)
def test_linking_by_key(world: Any, reference: str, kind: str) -> None:
    kr = world.extra["child_key_result"]
    reference = reference.format(n=world.extra["requirement"].number)
    link = key_results.link_by_reference(world.actor("member"), kr, reference=reference)
    assert link.kind == kind


@pytest.mark.parametrize("reference", ["SEC", "SEC-1", "REQ-900", "NOPE", "REQ-x", "", "WEB-999"])
def test_unknown_or_foreign_keys_are_an_error_on_the_reference(world: Any, reference: str) -> None:
    kr = world.extra["child_key_result"]
    with pytest.raises(ValidationFailed) as error:
        key_results.link_by_reference(world.actor("member"), kr, reference=reference)
    assert list(error.value.errors) == ["reference"]
    assert links(kr) == []


def test_a_duplicate_by_key_is_an_error_on_the_reference(world: Any) -> None:
    kr = world.extra["key_result"]
    with pytest.raises(ValidationFailed) as error:
        key_results.link_by_reference(world.actor("member"), kr, reference=world.extra["item"].key)
    assert list(error.value.errors) == ["reference"]


def test_unlinking_keeps_the_work_and_records_it(world: Any) -> None:
    kr = world.extra["key_result"]
    link = KeyResultLink.objects.get(key_result=kr)
    key_results.unlink_work(world.actor("admin"), kr, link)
    assert links(kr) == []
    assert type(world.extra["item"])._base_manager.filter(pk=world.extra["item"].pk, deleted_at__isnull=True).exists()
    activity = Activity.objects.get(target_type="key_result", target_id=kr.pk, verb="unlinked")
    assert activity.changes == {"work_item": [str(world.extra["item"]), None]}


def test_deleted_work_is_not_listed(world: Any) -> None:
    kr = world.extra["key_result"]
    assert [link.work_item_id for link in queries.links_of(kr)] == [world.extra["item"].pk]
    items.delete_item(world.actor("owner"), world.extra["item"])
    assert list(queries.links_of(kr)) == []


# --- The API --------------------------------------------------------------------------------------


def test_the_api_links_lists_and_unlinks(world: Any) -> None:
    kr, client = world.extra["child_key_result"], world.client("member")
    url = API + f"/key-results/{kr.pk}/links"
    created = client.post(url, {"requirement_id": world.extra["requirement"].pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "requirement"
    assert created.json()["label"].startswith("REQ-")
    client.post(url, {"project_id": world.extra["project"].pk}, content_type="application/json")
    listed = client.get(url).json()["items"]
    assert [row["kind"] for row in listed] == ["requirement", "project"]
    assert client.delete(url + f"/{created.json()['id']}").status_code == 204
    assert [row["kind"] for row in client.get(url).json()["items"]] == ["project"]
    assert client.delete(url + f"/{created.json()['id']}").status_code == 404


def test_the_api_refuses_another_workspaces_ids_by_field(world: Any) -> None:
    kr = world.extra["child_key_result"]
    response = world.client("owner").post(
        API + f"/key-results/{kr.pk}/links",
        {"work_item_id": world.extra["other_item"].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["work_item_id"]
    assert links(kr) == []


def test_a_link_of_another_key_result_is_not_found(world: Any) -> None:
    link = KeyResultLink.objects.get(key_result=world.extra["key_result"])
    other = world.extra["child_key_result"]
    response = world.client("member").delete(API + f"/key-results/{other.pk}/links/{link.pk}")
    assert response.status_code == 404
    assert KeyResultLink.objects.filter(pk=link.pk).exists()


def test_linking_by_kind_and_key_refuses_a_key_of_another_kind(world: Any) -> None:
    kr, member = world.extra["child_key_result"], world.actor("member")
    with pytest.raises(ValidationFailed) as error:
        key_results.link(member, kr, kind="requirement", key="WEB")
    assert list(error.value.errors) == ["key"]
    assert links(kr) == []
    made = key_results.link(member, kr, kind="project", key="WEB")
    assert links(kr) == [(LinkKind.PROJECT, made.project_id)]
    with pytest.raises(ValidationFailed) as error:
        key_results.link(member, kr, kind="project", key="web")  # linked already
    assert list(error.value.errors) == ["key"]
