"""The alignment tree of a cycle: company first, each objective followed by those aligned to it
(depth first), with own progress, roll-up and SMART warnings; filters; the active cycle by
default; a constant number of queries whatever the number of objectives."""

from typing import Any

import pytest

from goals import objectives, queries, smart
from goals.models import Objective

API = "/api/v1/workspaces/acme/goals"


def grow(world: Any, count: int) -> None:
    """`count` more objectives: team ones under the company one, each with a personal one under it."""
    actor, cycle = world.actor("owner"), world.extra["cycle"]
    team = None
    for i in range(count):
        if team is None or i % 2 == 0:
            team = objectives.create_objective(
                actor,
                cycle,
                title=f"Team goal {i}",
                level="team",
                team_id=world.team.pk,
                parent_id=world.extra["objective"].pk,
            )
        else:
            objectives.create_objective(
                actor,
                cycle,
                title=f"Personal goal {i}",
                level="personal",
                parent_id=team.pk,
                owner_id=world.users["extra"].pk,
            )


def test_the_tree_runs_from_company_down(world: Any) -> None:
    actor = world.actor("member")
    personal = objectives.create_objective(
        actor,
        world.extra["cycle"],
        title="Call 20 churned teams",
        level="personal",
        parent_id=world.extra["child_objective"].pk,
    )
    lonely = objectives.create_objective(
        actor, world.extra["cycle"], title="A loose team goal", level="team", team_id=world.team.pk
    )
    tree = queries.tree_for(actor, queries.tree_cycle(actor))
    assert tree.cycle == world.extra["cycle"]
    rows = [(row.objective.pk, row.depth) for row in tree.rows]
    assert rows == [
        (world.extra["objective"].pk, 0),
        (world.extra["child_objective"].pk, 1),
        (personal.pk, 2),
        (lonely.pk, 0),
    ]
    top = tree.rows[0].objective
    assert (top.progress, top.rolled_up) == (50.0, 25.0)


def test_filters_keep_matching_objectives_and_start_new_roots(world: Any) -> None:
    actor = world.actor("member")
    tree = queries.tree_for(
        actor, world.extra["cycle"], queries.check_objective_query({"level": "team"}, queries.TREE_FILTERS)
    )
    assert [(r.objective.pk, r.depth) for r in tree.rows] == [(world.extra["child_objective"].pk, 0)]
    assert tree.filtered
    by_owner = queries.tree_for(actor, world.extra["cycle"], {"owner": world.users["owner"].pk})
    assert [r.objective.pk for r in by_owner.rows] == [world.extra["objective"].pk]
    by_team = queries.tree_for(actor, world.extra["cycle"], {"team": world.other_team.pk})
    assert by_team.rows == []
    with pytest.raises(Exception) as error:
        queries.check_objective_query({"product": "1"}, queries.TREE_FILTERS)
    assert "product" in error.value.errors  # type: ignore[attr-defined]


def test_warnings_count_the_objective_and_its_key_results(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(smart, "check_objective", lambda **kw: [smart.Finding("specific", "vague")])
    monkeypatch.setattr(
        smart,
        "check_key_result",
        lambda **kw: [smart.Finding("time_bound", "late")] if "churn" in kw["title"] else [],
    )
    rows = queries.tree_for(world.actor("member"), world.extra["cycle"]).rows
    assert {r.objective.pk: r.warnings for r in rows} == {
        world.extra["objective"].pk: 1,
        world.extra["child_objective"].pk: 2,
    }


def test_the_tree_of_another_or_no_cycle(world: Any) -> None:
    actor = world.actor("member")
    assert queries.tree_for(actor, world.extra["closed_cycle"]).rows == []
    with pytest.raises(Exception) as error:
        queries.tree_cycle(actor, world.extra["other_cycle"].pk)
    assert type(error.value).__name__ == "NotFound"
    other = world.actor("outsider")
    assert [r.objective.title for r in queries.tree_for(other, queries.tree_cycle(other)).rows] == ["Hidden objective"]


def test_the_api_tree(world: Any) -> None:
    client = world.client("member")
    body = client.get(API + "/tree").json()
    assert body["cycle"]["name"] == "This quarter"
    assert [(o["title"], o["depth"], o["level"]) for o in body["objectives"]] == [
        ("Reach 10,000 paying teams by the end of the quarter", 0, "company"),
        ("Cut churn to 5% by the end of the quarter", 1, "team"),
    ]
    first = body["objectives"][0]
    assert (first["progress"], first["rolled_up"], first["owner"]["username"]) == (50.0, 25.0, "alice")
    assert {"warnings", "score", "parent_id", "unit"} <= set(first)
    closed = client.get(API + f"/tree?cycle={world.extra['closed_cycle'].pk}").json()
    assert (closed["cycle"]["status"], closed["objectives"]) == ("closed", [])
    assert client.get(API + f"/tree?cycle={world.extra['other_cycle'].pk}").status_code == 404
    assert client.get(API + "/tree?level=team").json()["objectives"][0]["depth"] == 0
    assert client.get(API + "/tree?level=galaxy").status_code == 422


@pytest.mark.parametrize("path", ["/tree", "/objectives"])
def test_queries_do_not_grow_with_the_objectives(world: Any, path: str, django_assert_max_num_queries: Any) -> None:
    client = world.client("owner")
    grow(world, 1)  # 3 objectives with the world's two
    with django_assert_max_num_queries(30) as small:
        assert client.get(API + path + "?limit=100").status_code == 200
    grow(world, 27)  # 30
    assert Objective.objects.filter(cycle=world.extra["cycle"]).count() == 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(API + path + "?limit=100")
    assert response.status_code == 200
    found = response.json()["objectives" if path == "/tree" else "items"]
    assert len(found) == 30
