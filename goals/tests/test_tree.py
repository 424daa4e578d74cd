"""The alignment tree of a cycle: company first, each objective followed by those aligned to it
(depth first), with own progress, roll-up and SMART warnings; filters; the active cycle by
default; a constant number of queries whatever the number of objectives."""

from typing import Any

import pytest

from goals import queries, smart
from goals.models import Objective
from goals.services import objectives

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
                owner_id=actor.user_id,
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
        owner_id=actor.user_id,
        parent_id=world.extra["child_objective"].pk,
    )
    lonely = objectives.create_objective(
        actor,
        world.extra["cycle"],
        title="A loose team goal",
        level="team",
        team_id=world.team.pk,
        owner_id=actor.user_id,
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


# The row markup goals/tree.html had before goals.views.tree_html wrote it in Python.
TEMPLATE_ROW = """{% load i18n %}{% for row in rows %}{% with o=row.objective %}
<li class="depth-{{ row.depth }}" id="objective-{{ o.pk }}" data-depth="{{ row.depth }}">
  <a href="{% url 'goals:objective' slug o.pk %}">{{ o.title }}</a>
  <span class="badge">{{ o.get_level_display }}</span>
  {% if o.department %}<span class="muted small">{{ o.department.name }}</span>{% elif o.team %}<span class="muted small">{{ o.team.name }}</span>{% elif o.product %}<span class="muted small">{{ o.product.name }}</span>{% endif %}
  <span class="small">· {{ o.owner }}</span>
  <span class="small" data-progress="own">
    · {% translate "Own" %}
    {% if o.progress is not None %}<progress max="100" value="{{ o.progress|floatformat:0 }}" aria-label="{% blocktranslate with title=o.title %}Own progress of {{ title }}{% endblocktranslate %}"></progress> {{ o.progress|floatformat:0 }} %{% else %}<span class="muted">{% translate "no key results" %}</span>{% endif %}
  </span>
  <span class="small" data-progress="rolled-up">
    · {% translate "Rolled up" %}
    {% if o.rolled_up is not None %}<progress max="100" value="{{ o.rolled_up|floatformat:0 }}" aria-label="{% blocktranslate with title=o.title %}Rolled-up progress of {{ title }}{% endblocktranslate %}"></progress> {{ o.rolled_up|floatformat:0 }} %{% else %}—{% endif %}
  </span>
  {% if o.score is not None %}<span class="small">· {% translate "Score" %} {{ o.score }}</span>{% endif %}
  {% if row.warnings %}<span class="badge over" data-warnings="{{ row.warnings }}">{% blocktranslate count counter=row.warnings %}{{ counter }} SMART warning{% plural %}{{ counter }} SMART warnings{% endblocktranslate %}</span>{% endif %}
</li>{% endwith %}{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_written_in_python_are_the_template_rows(world: Any, language: str) -> None:
    import re
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation

    from goals.views.tree_html import percent, tree_rows_html

    actor = world.actor("owner")
    objectives.create_objective(
        actor,
        world.extra["cycle"],
        title='Ship <b>"v2"</b> & 50 % O\'Reilly',
        level="team",
        team_id=world.team.pk,
        owner_id=actor.user_id,
    )
    rows = queries.tree_for(actor, world.extra["cycle"]).rows
    rows[0].objective.score = Decimal("0.75")
    rows[1].objective.progress, rows[1].objective.rolled_up = 37.5, 99.49
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROW).render({"rows": rows, "slug": "acme"})
        written = str(tree_rows_html(rows, "acme"))
    assert len(rows) == 3
    assert re.sub(r"\s+", " ", written).strip() == re.sub(r"\s+", " ", expected).strip()
    from django.template.defaultfilters import floatformat

    for value in (0.0, 0.5, 1.4999, 2.5, 37.5, 49.999, 99.5, 100.0, 12.345678):
        assert percent(value) == floatformat(value, 0)


def test_the_api_tree_nodes_are_the_schema_nodes(world: Any) -> None:
    from goals.schemas.objectives import GoalsTreeOut, ObjectiveOut
    from tests.shapes import as_the_schema_writes, as_written

    actor = world.actor("owner")
    grow(world, 3)
    found = queries.tree_for(actor, queries.tree_cycle(actor))
    nodes = [
        {
            "id": row.objective.pk,
            "title": row.objective.title,
            "level": row.objective.level,
            "depth": row.depth,
            "parent_id": row.objective.parent_id,
            "unit": ObjectiveOut.resolve_unit(row.objective),
            "owner": row.objective.owner,
            "progress": row.objective.progress,
            "rolled_up": row.objective.rolled_up,
            "score": row.objective.score,
            "warnings": row.warnings,
        }
        for row in found.rows
    ]
    response = world.client("owner").get(API + "/tree")
    assert (
        as_written(response.content)
        == as_the_schema_writes(
            GoalsTreeOut, [{"cycle": found.cycle, "objectives": nodes, "page": 1, "pages": 1, "total": len(nodes)}]
        )[0]
    )


def test_the_tree_is_paged_in_alignment_order(world: Any, client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(queries, "TREE_PAGE", 3)
    grow(world, 5)  # the company objective and its team objective, then five more: seven in all
    actor = world.actor("member")
    with monkeypatch.context() as unpaged:
        unpaged.setattr(queries, "TREE_PAGE", 200)
        whole = [r.objective.pk for r in queries.tree_for(actor, world.extra["cycle"]).rows]
    assert len(whole) == 7
    first, last = queries.tree_for(actor, world.extra["cycle"]), queries.tree_for(actor, world.extra["cycle"], page=3)
    assert (first.total, first.pages, first.has_next, len(first.rows)) == (7, 3, True, 3)
    assert (last.page, last.has_next, len(last.rows)) == (3, False, 1)
    # Deep pages clamp to the last; the pages together are the whole tree, once each.
    assert queries.tree_for(actor, world.extra["cycle"], page=99).page == 3
    pages = [queries.tree_for(actor, world.extra["cycle"], page=n).rows for n in (1, 2, 3)]
    assert [r.objective.pk for rows in pages for r in rows] == whole

    client.force_login(world.users["member"])
    body = client.get(f"{API}/tree?page=2", HTTP_AUTHORIZATION=f"Bearer {world.tokens['member']}").json()
    assert (body["page"], body["pages"], body["total"], len(body["objectives"])) == (2, 3, 7, 3)
    page = client.get("/w/acme/goals/?level=&page=2").content.decode()
    assert 'rel="prev"' in page and 'rel="next"' in page and "page=3" in page and "level=&amp;page=3" in page
    assert client.get("/w/acme/goals/?page=abc").status_code == 200
