"""Releases and planning on the real database: creating, editing and deleting releases (start not
after target, a stale version is a conflict, shipped only by shipping); planning requirements into
releases of their product (approved → planned, taken out → approved again); the API's shapes and
filters; a list whose query count does not grow with its length."""

import datetime
from typing import Any

import pytest

from core import services as core
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity, TrashItem
from product.models import Release, ReleaseStatus, Requirement, RequirementStatus, StatusChange
from product.services import products, releases, requirements

API = "/api/v1/workspaces/acme"
S = RequirementStatus


def fresh(obj: Any) -> Any:
    return type(obj).all_objects.get(pk=obj.pk)


def approved(requirement: Requirement) -> Requirement:
    requirements.move_status(None, requirement, S.APPROVED)
    return fresh(requirement)


def errors_of(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- Releases ------------------------------------------------------------------------------------


def test_a_release_is_created_for_a_product_and_recorded(world: Any) -> None:
    release = releases.create_release(
        world.actor("member"),
        world.extra["product"],
        name=" 2.1 ",
        theme="Polish",
        start_date="2030-04-01",
        target_date=datetime.date(2030, 5, 1),
        horizon="long_term",
    )
    release = fresh(release)
    assert (release.name, release.theme, release.horizon, release.status) == ("2.1", "Polish", "long_term", "planned")
    assert (release.start_date, release.target_date) == (datetime.date(2030, 4, 1), datetime.date(2030, 5, 1))
    assert release.workspace_id == world.acme.pk
    assert Activity.objects.filter(verb="created", target_type="release", target_id=release.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "target_date": "2030-01-01"}, "name"),
        ({"name": "x", "target_date": None}, "target_date"),
        ({"name": "x", "target_date": "2030-02-30"}, "target_date"),
        ({"name": "x", "target_date": "2030-01-01", "horizon": "someday"}, "horizon"),
        ({"name": "x", "target_date": "2030-01-01", "status": "shipped"}, "status"),
        ({"name": "x", "target_date": "2030-01-01", "start_date": "2030-01-02"}, "target_date"),
        ({"name": "x", "target_date": "2030-01-01", "product_id": 1}, "product_id"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(world: Any, fields: dict[str, Any], field: str) -> None:
    count = Release.all_objects.count()
    with pytest.raises(ValidationFailed) as refused:
        releases.create_release(world.actor("member"), world.extra["product"], **fields)
    assert field in refused.value.errors
    assert Release.all_objects.count() == count


def test_the_start_may_not_move_after_the_target(world: Any) -> None:
    release = world.extra["release"]
    with pytest.raises(ValidationFailed) as refused:
        releases.update_release(world.actor("member"), release, version=release.version, start_date="2030-04-01")
    assert list(refused.value.errors) == ["target_date"]
    response = world.client("member").patch(
        f"{API}/releases/{release.pk}",
        {"version": release.version, "target_date": "2029-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "target_date" in errors_of(response)
    assert fresh(release).target_date == datetime.date(2030, 3, 15)


def test_an_update_names_the_version_it_read(world: Any) -> None:
    release = world.extra["release"]
    stale = release.version
    releases.update_release(world.actor("member"), release, version=stale, theme="Sign in faster")
    with pytest.raises(Conflict) as conflict:
        releases.update_release(world.actor("admin"), fresh(release), version=stale, name="2.0 final")
    assert conflict.value.current is not None and conflict.value.current["version"] == stale + 1
    response = world.client("admin").patch(
        f"{API}/releases/{release.pk}", {"version": stale, "name": "2.0 final"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert fresh(release).name == "2.0"
    changes = Activity.objects.filter(verb="updated", target_type="release", target_id=release.pk).get().changes
    assert changes == {"theme": ["Faster sign-in", "Sign in faster"]}


def test_a_release_ships_only_through_shipping_and_then_stays_shipped(world: Any) -> None:
    release = world.extra["release"]
    client = world.client("member")
    response = client.patch(
        f"{API}/releases/{release.pk}",
        {"version": release.version, "status": "shipped"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "status" in errors_of(response)
    ok = client.patch(
        f"{API}/releases/{release.pk}",
        {"version": release.version, "status": "in_progress"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    shipped = client.post(f"{API}/releases/{release.pk}/ship")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert shipped.json()["shipped_at"]
    again = client.post(f"{API}/releases/{release.pk}/ship")
    assert again.status_code == 422 and "status" in errors_of(again)
    back = client.patch(
        f"{API}/releases/{release.pk}",
        {"version": shipped.json()["version"], "status": "planned"},
        content_type="application/json",
    )
    assert back.status_code == 422 and "status" in errors_of(back)


def test_deleting_puts_the_release_in_the_trash_and_restoring_brings_its_plan_back(world: Any) -> None:
    release, requirement = world.extra["release"], world.extra["requirement"]
    client = world.client("member")
    assert client.delete(f"{API}/releases/{release.pk}").status_code == 204
    assert client.get(f"{API}/releases/{release.pk}").status_code == 404
    assert release.pk not in [r["id"] for r in client.get(f"{API}/releases").json()["items"]]
    item = TrashItem.objects.get(target_type="release", target_id=release.pk)
    core.restore(world.actor("member"), item)
    detail = client.get(f"{API}/releases/{release.pk}").json()
    assert [r["key"] for r in detail["requirements"]] == [requirement.key]


def test_a_guest_and_an_outsider_change_nothing(world: Any) -> None:
    release = world.extra["release"]
    with pytest.raises(PermissionDenied):
        releases.update_release(world.actor("guest"), release, version=release.version, name="x")
    with pytest.raises(PermissionDenied):
        releases.ship(world.actor("guest"), release)
    assert world.client("outsider_owner").get(f"{API}/releases/{release.pk}").status_code == 404
    assert world.client("owner").get(f"/api/v1/workspaces/other/releases/{release.pk}").status_code == 404
    assert fresh(release).version == release.version


# --- Planning ------------------------------------------------------------------------------------


def test_planning_an_approved_requirement_makes_it_planned_and_taking_it_out_approves_it(world: Any) -> None:
    actor, release = world.actor("member"), world.extra["second_release"]
    requirement = approved(world.extra["second_requirement"])
    releases.plan(actor, requirement, release_id=release.pk, version=requirement.version)
    requirement = fresh(requirement)
    assert (requirement.release_id, requirement.status) == (release.pk, S.PLANNED)
    step = StatusChange.objects.filter(requirement=requirement).latest("id")
    assert (step.source, step.target, step.reason) == (S.APPROVED, S.PLANNED, "Planned into 3.0")
    assert step.actor_id == world.users["member"].pk
    releases.plan(actor, requirement, release_id=None, version=requirement.version)
    requirement = fresh(requirement)
    assert (requirement.release_id, requirement.status) == (None, S.APPROVED)
    step = StatusChange.objects.filter(requirement=requirement).latest("id")
    assert (step.source, step.target, step.reason) == (S.PLANNED, S.APPROVED, "Taken out of 3.0")
    verbs = list(
        Activity.objects.filter(target_type="requirement", target_id=requirement.pk)
        .order_by("id")
        .values_list("verb", "changes")
    )
    assert ("planned", {"release": [None, "3.0"]}) in verbs
    assert ("unplanned", {"release": ["3.0", None]}) in verbs


def test_moving_between_releases_keeps_a_planned_requirement_planned(world: Any) -> None:
    actor = world.actor("member")
    requirement = approved(world.extra["second_requirement"])
    releases.plan(actor, requirement, release_id=world.extra["release"].pk, version=requirement.version)
    releases.plan(actor, requirement, release_id=world.extra["second_release"].pk, version=requirement.version)
    assert fresh(requirement).status == S.PLANNED
    assert fresh(requirement).release_id == world.extra["second_release"].pk


def test_planning_a_requirement_not_yet_approved_leaves_its_status(world: Any) -> None:
    requirement = world.extra["requirement"]
    assert (fresh(requirement).status, fresh(requirement).release_id) == (S.NEW, world.extra["release"].pk)


def test_only_a_release_of_the_same_product_can_be_chosen(world: Any) -> None:
    owner = world.actor("owner")
    elsewhere = products.create_product(owner, name="Console")
    foreign_release = releases.create_release(owner, elsewhere, name="1.0", target_date="2030-01-01")
    requirement = world.extra["second_requirement"]
    for release_id in (foreign_release.pk, world.extra["other_release"].pk, 10**9):
        with pytest.raises(ValidationFailed) as refused:
            releases.plan(owner, requirement, release_id=release_id, version=requirement.version)
        assert list(refused.value.errors) == ["release_id"]
    response = world.client("owner").put(
        f"{API}/requirements/{requirement.number}/release",
        {"release_id": foreign_release.pk, "version": requirement.version},
        content_type="application/json",
    )
    assert response.status_code == 422 and "release_id" in errors_of(response)
    assert fresh(requirement).release_id is None


def test_a_deleted_release_cannot_be_chosen(world: Any) -> None:
    owner, release = world.actor("owner"), world.extra["second_release"]
    releases.delete_release(owner, release)
    requirement = world.extra["second_requirement"]
    with pytest.raises(ValidationFailed):
        releases.plan(owner, requirement, release_id=release.pk, version=requirement.version)


def test_nothing_is_planned_into_a_shipped_release_and_a_released_requirement_stays(world: Any) -> None:
    owner = world.actor("owner")
    release, requirement = world.extra["release"], world.extra["requirement"]
    releases.ship(owner, release)
    assert fresh(requirement).status == S.RELEASED  # no work items: nothing holds it back
    second = world.extra["second_requirement"]
    with pytest.raises(ValidationFailed) as refused:
        releases.plan(owner, second, release_id=release.pk, version=second.version)
    assert "release_id" in refused.value.errors
    requirement = fresh(requirement)
    with pytest.raises(ValidationFailed) as refused:
        releases.plan(owner, requirement, release_id=None, version=requirement.version)
    assert "release_id" in refused.value.errors
    assert fresh(requirement).release_id == release.pk


def test_planning_checks_the_version_it_read(world: Any) -> None:
    owner, requirement = world.actor("owner"), world.extra["second_requirement"]
    stale = requirement.version
    requirements.move_status(None, requirement, S.IN_REVIEW)
    with pytest.raises(Conflict):
        releases.plan(owner, fresh(requirement), release_id=world.extra["release"].pk, version=stale)
    assert fresh(requirement).release_id is None


def test_a_requirement_is_added_to_a_release_by_its_key(world: Any) -> None:
    owner, release = world.actor("owner"), world.extra["second_release"]
    requirement = approved(world.extra["second_requirement"])
    releases.plan_by_key(owner, release, key=f" req-{requirement.number} ")
    assert (fresh(requirement).release_id, fresh(requirement).status) == (release.pk, S.PLANNED)
    elsewhere = products.create_product(owner, name="Console")
    stranger = requirements.create_requirement(owner, elsewhere, title="Console login")
    for key, message in [
        (requirement.key, "already in this release"),
        (stranger.key, "another product"),
        ("REQ-99999", "No requirement"),
        ("DROP TABLE", "No requirement"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            releases.plan_by_key(owner, release, key=key)
        assert message in refused.value.errors["key"][0]


def test_the_api_plans_and_unplans(world: Any) -> None:
    requirement = approved(world.extra["second_requirement"])
    client = world.client("member")
    url = f"{API}/requirements/{requirement.number}/release"
    planned = client.put(
        url,
        {"release_id": world.extra["second_release"].pk, "version": requirement.version},
        content_type="application/json",
    )
    assert planned.status_code == 200, planned.content
    body = planned.json()
    assert (body["key"], body["status"], body["release_id"]) == (
        requirement.key,
        "planned",
        world.extra["second_release"].pk,
    )
    out = client.put(url, {"release_id": None, "version": body["version"]}, content_type="application/json")
    assert out.status_code == 200 and (out.json()["status"], out.json()["release_id"]) == ("approved", None)
    missing = client.put(url, {"version": out.json()["version"]}, content_type="application/json")
    assert missing.status_code == 422 and "release_id" in errors_of(missing)
    assert (
        client.put(
            f"{API}/requirements/99999/release", {"release_id": None, "version": 1}, content_type="application/json"
        ).status_code
        == 404
    )


# --- The API's lists and shapes ------------------------------------------------------------------


def test_the_list_filters_by_product_and_status_and_pages(world: Any) -> None:
    owner = world.actor("owner")
    elsewhere = products.create_product(owner, name="Console")
    console = releases.create_release(owner, elsewhere, name="C1", target_date="2031-01-01")
    releases.ship(owner, world.extra["second_release"])
    client = world.client("member")
    everything = client.get(f"{API}/releases").json()["items"]
    assert [r["name"] for r in everything] == ["C1", "3.0", "2.0"]  # latest target first
    assert world.extra["other_release"].pk not in [r["id"] for r in everything]
    product = world.extra["product"].pk
    assert [r["name"] for r in client.get(f"{API}/releases?product={product}").json()["items"]] == ["3.0", "2.0"]
    assert [r["name"] for r in client.get(f"{API}/releases?status=shipped").json()["items"]] == ["3.0"]
    assert client.get(f"{API}/releases?status=done").status_code == 422
    first = client.get(f"{API}/releases?limit=2").json()
    assert [r["id"] for r in first["items"]] == [console.pk, world.extra["second_release"].pk]
    rest = client.get(f"{API}/releases?limit=2&cursor={first['next_cursor']}").json()
    assert [r["name"] for r in rest["items"]] == ["2.0"] and rest["next_cursor"] is None
    two = everything[2]
    assert (two["product"], two["theme"], two["requirement_count"], two["released_count"]) == (
        "Cadence App",
        "Faster sign-in",
        1,
        0,
    )


def test_the_detail_shows_each_requirement_with_the_progress_of_its_work(world: Any) -> None:
    from product.models import RequirementItem
    from projects.models import State
    from projects.services import items

    owner, requirement = world.actor("owner"), world.extra["requirement"]
    project = world.extra["project"]
    done = State.objects.get(workflow__project=project, workflow__name="Scrum", name="Done")
    first = items.create_item(owner, project, title="Backend")
    second = items.create_item(owner, project, title="Frontend")
    gone = items.create_item(owner, project, title="Old spike")
    for item in (first, second, gone):
        RequirementItem.objects.create(workspace=world.acme, requirement=requirement, item=item)
    items.transition(owner, first, state_id=done.pk)
    items.delete_item(owner, gone)
    detail = world.client("member").get(f"{API}/releases/{world.extra['release'].pk}").json()
    assert detail["requirements"] == [
        {
            "number": requirement.number,
            "key": requirement.key,
            "title": "Sign in with WeCom",
            "status": "new",
            "items_total": 2,
            "items_done": 1,
            "progress": 50,
            "unfinished": False,
        }
    ]
    assert (detail["requirement_count"], detail["released_count"], detail["released_percent"]) == (1, 0, 0)


def _many_releases(world: Any, count: int) -> None:
    owner, product = world.actor("owner"), world.extra["product"]
    for i in range(count):
        release = releases.create_release(owner, product, name=f"R{i}", target_date=datetime.date(2030, 1, 1 + i % 28))
        requirement = requirements.create_requirement(owner, product, title=f"Need {i}")
        releases.plan(owner, requirement, release_id=release.pk, version=requirement.version)


def test_the_release_list_queries_do_not_grow_with_its_length(world: Any, django_assert_max_num_queries: Any) -> None:
    client = world.client("owner")
    _many_releases(world, 1)  # 3 releases
    with django_assert_max_num_queries(10) as few:
        assert len(client.get(f"{API}/releases").json()["items"]) == 3
    _many_releases(world, 27)  # 30 releases
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}/releases").json()["items"]) == 30


def test_a_release_of_another_workspace_is_not_found_anywhere(world: Any) -> None:
    client, other = world.client("owner"), world.extra["other_release"]
    assert client.get(f"{API}/releases/{other.pk}").status_code == 404
    assert client.post(f"{API}/releases/{other.pk}/ship").status_code == 404
    assert fresh(other).status == ReleaseStatus.PLANNED
