"""The sprint API: shapes, field-named errors, nested ids from elsewhere refused, conflicts."""

from typing import Any

from django.test import Client

from projects.models import WorkItem
from sprints.models import Sprint, SprintStatus

W = "/api/v1/workspaces/acme"


def post(client: Client, url: str, body: Any = None, method: str = "post") -> Any:
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_create_list_get_and_patch(world: Any) -> None:
    carol = world.client("member")
    body = {"name": "Sprint 3", "goal": "Polish", "start_date": "2030-04-01", "end_date": "2030-04-14"}
    created = post(carol, W + "/projects/MOB/sprints", body)
    assert created.status_code == 201, created.content
    sprint = created.json()
    assert sprint["project"] == "MOB" and sprint["status"] == "planned" and sprint["version"] == 1
    listed = carol.get(W + "/projects/MOB/sprints").json()
    assert [s["name"] for s in listed["items"]] == ["Sprint 3", "Sprint 2", "Sprint 1"]
    assert carol.get(W + "/projects/MOB/sprints?status=active").json()["items"][0]["name"] == "Sprint 1"
    patched = post(carol, f"{W}/sprints/{sprint['id']}", {"version": 1, "name": "Sprint three"}, "patch")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = post(carol, f"{W}/sprints/{sprint['id']}", {"version": 1, "name": "Again"}, "patch")
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "Sprint three"


def test_dates_are_checked_with_the_field_named(world: Any) -> None:
    carol = world.client("member")
    body = {"name": "Backwards", "start_date": "2030-04-14", "end_date": "2030-04-01"}
    response = post(carol, W + "/projects/MOB/sprints", body)
    assert response.status_code == 422 and fields(response) == {"end_date"}
    body = {"name": "Far", "start_date": "9999-12-30", "end_date": "9999-12-31"}
    response = post(carol, W + "/projects/MOB/sprints", body)
    assert response.status_code == 422 and fields(response) == {"start_date", "end_date"}  # both past 2999
    zero: dict[str, Any] = {"name": "Zero", "start_date": 0, "end_date": "2030-04-01"}
    response = post(carol, W + "/projects/MOB/sprints", zero)
    assert response.status_code == 422 and fields(response) == {"start_date"}  # not read as 1970-01-01
    sprint = world.extra["sprint"]
    response = post(carol, f"{W}/sprints/{sprint.pk}", {"version": sprint.version, "end_date": "2030-01-01"}, "patch")
    assert response.status_code == 422 and fields(response) == {"end_date"}


def test_a_project_of_another_workspace_is_not_found(world: Any) -> None:
    owner = world.client("owner")
    assert owner.get(W + "/projects/SEC/sprints").status_code == 404
    body = {"name": "x", "start_date": "2030-04-01", "end_date": "2030-04-14"}
    assert post(owner, W + "/projects/SEC/sprints", body).status_code == 404


def test_a_second_active_sprint_is_refused_on_status(world: Any) -> None:
    response = post(world.client("member"), f"{W}/sprints/{world.extra['next_sprint'].pk}/start")
    assert response.status_code == 422 and fields(response) == {"status"}


def test_close_with_carry_over(world: Any) -> None:
    sprint, target = world.extra["sprint"], world.extra["next_sprint"]
    response = post(world.client("member"), f"{W}/sprints/{sprint.pk}/close", {"carry_over_to": target.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sprint"]["status"] == "closed" and body["sprint"]["committed_points"] == 3
    assert body["carried_over"] == ["MOB-1"] and body["carried_over_to"]["id"] == target.pk
    charts = world.client("guest").get(f"{W}/sprints/{sprint.pk}/charts").json()
    assert charts["frozen"] is True and len(charts["days"]) == 14
    velocity = world.client("guest").get(W + "/projects/MOB/velocity").json()
    assert velocity["sprints"][0]["completed_points"] == 0 and velocity["average"] == 0


def test_close_without_a_target_makes_the_next_sprint(world: Any) -> None:
    response = post(world.client("member"), f"{W}/sprints/{world.extra['sprint'].pk}/close", {})
    assert response.status_code == 200, response.content
    target = response.json()["carried_over_to"]
    assert target["status"] == "planned" and target["id"] not in (world.extra["next_sprint"].pk,)
    assert WorkItem.objects.get(pk=world.extra["sprint_item"].pk).sprint_id == target["id"]


def test_carry_over_to_a_sprint_of_elsewhere_is_refused(world: Any) -> None:
    owner, sprint = world.client("owner"), world.extra["sprint"]
    for other in ("other_sprint", "startable_sprint"):  # another workspace, another project
        response = post(owner, f"{W}/sprints/{sprint.pk}/close", {"carry_over_to": world.extra[other].pk})
        assert response.status_code == 422 and fields(response) == {"carry_over_to"}
    assert Sprint.objects.get(pk=sprint.pk).status == SprintStatus.ACTIVE


def test_capacity_and_planning(world: Any) -> None:
    carol, sprint = world.client("member"), world.extra["sprint"]
    user_id = world.users["member"].pk
    response = post(carol, f"{W}/sprints/{sprint.pk}/capacity/{user_id}", {"days": 1, "focus": 0.5}, "put")
    assert response.status_code == 200, response.content
    assert response.json() == {"user_id": user_id, "days": 1.0, "focus": 0.5, "capacity_hours": 4.0}
    plan = world.client("guest").get(f"{W}/sprints/{sprint.pk}/planning").json()
    row = next(m for m in plan["members"] if m["user"]["id"] == user_id)
    assert row["over"] is True and row["committed_hours"] == 6 and row["capacity_hours"] == 4
    assert len(plan["warnings"]) == 1
    assert plan["committed_points"] == 3


def test_capacity_of_someone_from_elsewhere_is_refused_naming_the_field(world: Any) -> None:
    owner, sprint = world.client("owner"), world.extra["sprint"]
    for who in ("outsider", "outsider_owner", "admin"):  # other workspace; not in the project
        response = post(
            owner, f"{W}/sprints/{sprint.pk}/capacity/{world.users[who].pk}", {"days": 1, "focus": 0.5}, "put"
        )
        assert response.status_code == 422 and fields(response) == {"user_id"}
    response = post(
        owner, f"{W}/sprints/{sprint.pk}/capacity/{world.users['member'].pk}", {"days": 1, "focus": 2}, "put"
    )
    assert response.status_code == 422 and fields(response) == {"focus"}


def test_charts_of_an_open_sprint(world: Any) -> None:
    charts = world.client("member").get(f"{W}/sprints/{world.extra['sprint'].pk}/charts").json()
    assert charts["frozen"] is False
    assert set(charts["burndown"]["points"]) >= {"remaining", "ideal"}
    assert charts["burnup"]["count"]["total"] == [1] * 14
    assert charts["burndown"]["points"]["ideal"][0] == 3 and charts["burndown"]["points"]["ideal"][-1] == 0


def test_retro_board(world: Any) -> None:
    carol, sprint = world.client("member"), world.extra["sprint"]
    created = post(carol, f"{W}/sprints/{sprint.pk}/retro", {"column": "to_improve", "text": "Flaky tests"})
    assert created.status_code == 201
    note = created.json()
    assert note["author"]["username"] == "carol" and note["work_item"] is None
    assert post(carol, f"{W}/sprints/{sprint.pk}/retro", {"column": "rants", "text": "x"}).status_code == 422
    patched = post(carol, f"{W}/retro/{note['id']}", {"version": 1, "column": "action"}, "patch")
    assert patched.status_code == 200 and patched.json()["column"] == "action"
    made = post(carol, f"{W}/retro/{note['id']}/work-item")
    assert made.status_code == 201
    item = made.json()["work_item"]
    assert item["key"].startswith("MOB-") and item["title"] == "Flaky tests"
    again = post(carol, f"{W}/retro/{note['id']}/work-item")
    assert again.status_code == 422 and fields(again) == {"work_item"}
    listed = carol.get(f"{W}/sprints/{sprint.pk}/retro?column=action").json()["items"]
    assert [n["text"] for n in listed] == ["Pair on reviews", "Flaky tests"]
    assert carol.delete(f"{W}/retro/{note['id']}").status_code == 204
    assert carol.get(f"{W}/sprints/{sprint.pk}/retro").json()["items"][-1]["text"] == "Pair on reviews"


def test_close_needs_no_body(world: Any) -> None:
    response = world.client("member").post(
        f"{W}/sprints/{world.extra['sprint'].pk}/close", "", content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["carried_over"] == ["MOB-1"]
