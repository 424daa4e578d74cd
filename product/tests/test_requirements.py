"""Products and requirements: services (every rule), the PRD's versions and their comparison, the
workflow with reasons, the manual rank and its disagreement with the scores, links to work items,
the demand signal, the API's shapes and errors, and query counts that do not grow with the page."""

import base64
import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.api import api
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.models import Activity, TrashItem
from core.services import restore
from product import diff, queries
from product.models import Product, Requirement, RequirementItem, Revision, StatusChange
from product.schemas.requirements import RequirementRowOut
from product.services import feedback, products, requirements
from product.services.requirements import RANK_STEP
from projects import queries as project_queries
from projects.models import State
from projects.services import items
from tests.shapes import as_the_schema_writes

API = "/api/v1/workspaces/acme"


def fresh(requirement: Requirement) -> Requirement:
    return Requirement.all_objects.select_related("product").get(pk=requirement.pk)


def make(world: Any, title: str, role: str = "member", **fields: Any) -> Requirement:
    return requirements.create_requirement(world.actor(role), world.extra["product"], title=title, **fields)


def edit(world: Any, requirement: Requirement, role: str = "member", **fields: Any) -> Requirement:
    current = fresh(requirement)
    return requirements.update_requirement(world.actor(role), current, version=current.version, **fields)


def move(world: Any, requirement: Requirement, status: str, reason: str = "", role: str = "member") -> Requirement:
    current = fresh(requirement)
    return requirements.transition(world.actor(role), current, status=status, version=current.version, reason=reason)


def flags(page: Any) -> list[tuple[int, bool]]:
    """(number, score_disagrees) of each row of a backlog page."""
    return [(r.number, vars(r)["score_disagrees"]) for r in page.items]


def manual_order(world: Any) -> list[int]:
    page = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=200)
    return [r.number for r in page.items]


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(API + path, body or {}, content_type="application/json")


def patch(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.patch(API + path, body, content_type="application/json")


def fields_of(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# --- Products ------------------------------------------------------------------------------------


def test_products_are_scoped_to_the_workspace(world: Any) -> None:
    member = world.actor("member")
    assert [p.name for p in queries.products_for(member)] == ["Cadence App"]
    with pytest.raises(NotFound):
        queries.get_product(member, world.extra["other_product"].pk)
    with pytest.raises(ValidationFailed) as refused:
        queries.product_named_in_body(member, world.extra["other_product"].pk)
    assert list(refused.value.errors) == ["product_id"]
    with pytest.raises(ValidationFailed) as owner:
        products.create_product(member, name="Mobile", owner_id=world.users["outsider"].pk)
    assert list(owner.value.errors) == ["owner_id"]
    with pytest.raises(PermissionDenied):
        products.create_product(world.actor("guest"), name="Mobile")


def test_product_api_edits_modules_and_the_public_form(world: Any) -> None:
    client, product = world.client("member"), world.extra["product"]
    created = post(client, "/products", {"name": "Mobile app", "vision": "Everywhere", "goals": "10k users"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"]["id"] == world.users["member"].pk and body["form_enabled"] is False
    assert body["form_url"].startswith("/feedback/") and body["modules"] == []
    path = f"/products/{product.pk}"
    current = client.get(API + path).json()
    assert [m["name"] for m in current["modules"]] == ["Login"]
    changed = patch(client, path, {"version": current["version"], "form_enabled": False, "target_users": "SMEs"})
    assert changed.status_code == 200 and changed.json()["target_users"] == "SMEs"
    assert not changed.json()["form_enabled"]
    stale = patch(client, path, {"version": current["version"], "name": "Lost"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == current["version"] + 1
    renewed = post(client, path + "/form-link")
    assert renewed.status_code == 200 and renewed.json()["form_url"] != current["form_url"]
    added = post(client, path + "/modules", {"name": "Billing"})
    assert added.status_code == 201 and [m["name"] for m in added.json()["modules"]] == ["Billing", "Login"]
    twice = post(client, path + "/modules", {"name": "Billing"})
    assert twice.status_code == 422 and fields_of(twice) == ["name"]
    module = world.extra["module"]
    assert client.delete(API + f"{path}/modules/{module.pk}").status_code == 204
    assert fresh(world.extra["requirement"]).module_id is None  # the requirement stays, without it
    other = world.extra["other_product"].pk
    assert client.get(API + f"/products/{other}").status_code == 404
    assert client.delete(API + f"/products/{other}/modules/{module.pk}").status_code == 404


def test_deleting_a_product_hides_its_requirements_until_it_is_restored(world: Any) -> None:
    member, product = world.actor("member"), world.extra["product"]
    products.delete_product(member, Product.objects.get(pk=product.pk))
    assert not queries.requirements_for(member).exists()
    with pytest.raises(NotFound):
        queries.get_requirement(member, 1)
    restore(member, TrashItem.objects.get(target_type="product", target_id=product.pk))
    assert queries.get_requirement(member, 1).title == "Sign in with WeCom"


def test_settings_api(world: Any) -> None:
    got = world.client("member").get(API + "/product-settings").json()
    assert got["scoring_model"] == "rice" and Decimal(got["demand_weight"]) == 0
    denied = patch(world.client("member"), "/product-settings", {"version": got["version"], "scoring_model": "wsjf"})
    assert denied.status_code == 403
    bad = patch(world.client("admin"), "/product-settings", {"version": got["version"], "scoring_model": "vibes"})
    assert bad.status_code == 422 and fields_of(bad) == ["scoring_model"]
    ok = patch(world.client("admin"), "/product-settings", {"version": got["version"], "demand_weight": "0.25"})
    assert ok.status_code == 200 and Decimal(ok.json()["demand_weight"]) == Decimal("0.25")


# --- Creating and editing: every version of the PRD kept -----------------------------------------


def test_new_requirements_get_numbers_ranks_watchers_and_a_first_revision(world: Any) -> None:
    first = make(world, "Export to Excel", owner_id=world.users["extra"].pk, tags=["export", "export", " "])
    second = make(world, "Import from Jira")
    assert second.number == first.number + 1 and second.rank == first.rank + RANK_STEP
    assert (first.status, first.proposer_id, first.tags) == ("new", world.users["member"].pk, ["export"])
    assert [r.number for r in Revision.objects.filter(requirement=first)] == [1]
    from core.models import Watcher

    watchers = set(Watcher.objects.filter(target_type="requirement", target_id=first.pk).values_list("user", flat=True))
    assert watchers == {world.users["member"].pk, world.users["extra"].pk}


def test_editing_the_text_writes_a_revision_and_nothing_else_does(world: Any) -> None:
    requirement = world.extra["requirement"]
    edit(world, requirement, description="# Goal\n\nSign in with one click.", tags=["login"])
    assert fresh(requirement).revision == 1
    assert Revision.objects.filter(requirement=requirement).count() == 1
    edit(world, requirement, description="# Goal\n\nSign in with **one** click, on every device.")
    edit(world, requirement, title="Sign in with WeCom and DingTalk")
    current = fresh(requirement)
    assert current.revision == 3
    versions = list(Revision.objects.filter(requirement=requirement).order_by("number"))
    assert [(v.number, v.title) for v in versions] == [
        (1, "Sign in with WeCom"),
        (2, "Sign in with WeCom"),
        (3, "Sign in with WeCom and DingTalk"),
    ]
    assert versions[0].description == "# Goal\n\nSign in with one click."
    assert versions[2].author_id == world.users["member"].pk
    assert "<strong>one</strong>" in current.description_html
    changes = Activity.objects.filter(target_type="requirement", target_id=requirement.pk, verb="updated")
    assert changes.order_by("-id").first().changes == {  # type: ignore[union-attr]
        "title": ["Sign in with WeCom", "Sign in with WeCom and DingTalk"],
        "revision": [2, 3],
    }


def test_the_description_is_rendered_safely(world: Any) -> None:
    requirement = make(
        world,
        "<img src=x onerror=alert(1)>",
        description='<script>alert(1)</script>\n\n[click](javascript:alert(1)) <a href="x" onclick="y">a</a>',
    )
    html = requirement.description_html
    assert "<script" not in html and "<a " not in html and "&lt;script&gt;" in html
    assert requirement.title == "<img src=x onerror=alert(1)>"  # titles are text, escaped where shown


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: Any) -> None:
    requirement = fresh(world.extra["requirement"])
    version = requirement.version
    edit(world, requirement, title="Changed by carol")
    with pytest.raises(Conflict) as conflict:
        requirements.update_requirement(world.actor("admin"), requirement, version=version, title="Changed by bob")
    assert conflict.value.current is not None and conflict.value.current["title"] == "Changed by carol"
    assert fresh(requirement).title == "Changed by carol"
    assert Revision.objects.filter(requirement=requirement).count() == 2
    with pytest.raises(Conflict):
        requirements.transition(world.actor("admin"), requirement, status="in_review", version=version)
    assert fresh(requirement).status == "new"


def test_ids_of_other_workspaces_and_products_are_refused(world: Any) -> None:
    requirement = world.extra["requirement"]
    refused_ids: list[tuple[str, Any]] = [
        ("owner_id", world.users["outsider"].pk),
        ("proposer_id", world.users["outsider_owner"].pk),
        ("owner_id", world.users["removed"].pk),
        ("module_id", 999_999),
    ]
    for field, value in refused_ids:
        with pytest.raises(ValidationFailed) as refused:
            edit(world, requirement, **{field: value})
        assert list(refused.value.errors) == [field]
    other_module = products.create_module(
        world.actor("owner"), products.create_product(world.actor("owner"), name="B"), name="X"
    )
    with pytest.raises(ValidationFailed) as module:
        edit(world, requirement, module_id=other_module.pk)
    assert list(module.value.errors) == ["module_id"]
    with pytest.raises(ValidationFailed) as unknown:
        edit(world, requirement, status="released")
    assert list(unknown.value.errors) == ["status"]
    with pytest.raises(NotFound):
        queries.get_requirement(world.actor("member"), world.extra["other_requirement"].number)
    with pytest.raises(PermissionDenied):
        edit(world, requirement, role="guest", title="Guest edit")


def test_delete_is_soft_and_restorable(world: Any) -> None:
    member, requirement = world.actor("member"), world.extra["requirement"]
    requirements.delete_requirement(member, fresh(requirement))
    with pytest.raises(NotFound):
        queries.get_requirement(member, requirement.number)
    assert requirement.number not in manual_order(world)
    restore(member, TrashItem.objects.get(target_type="requirement", target_id=requirement.pk))
    assert queries.get_requirement(member, requirement.number).revision == 1


# --- Comparing versions --------------------------------------------------------------------------


def test_diff_marks_changed_lines_and_words_and_escapes_everything() -> None:
    old = "# Goal\n\nSign in with one click.\nKeep <b>it</b>\n登录页面很慢"
    new = "# Goal\n\nSign in with two clicks.\nA new line\n登录页面很快"
    comparison = diff.compare("Sign in", old, "Sign in with WeCom", new)
    ops = [(line.op, line.old, line.new) for line in comparison.lines]
    assert ops[:2] == [("equal", 1, 1), ("equal", 2, 2)]
    assert ("delete", 3, None) in ops and ("insert", None, 3) in ops
    changed = next(line for line in comparison.lines if line.op == "insert" and line.new == 3)
    assert [(s.op, s.text) for s in changed.segments if s.op != "equal"] == [("insert", "two"), ("insert", "clicks")]
    chinese = next(line for line in comparison.lines if line.op == "insert" and line.new == 5)
    assert [(s.op, s.text) for s in chinese.segments] == [("equal", "登录页面很"), ("insert", "快")]
    assert (comparison.added, comparison.removed) == (3, 3)
    assert [(s.op, s.text) for s in comparison.title] == [("equal", "Sign in"), ("insert", " with WeCom")]
    html = diff.as_html(comparison)
    assert "&lt;b&gt;it&lt;/b&gt;" in html and "<b>" not in html
    assert "<ins>two</ins>" in html and "<del>one</del>" in html
    assert diff.title_html(comparison) == "Sign in<ins> with WeCom</ins>"
    hostile = diff.compare("<script>", "<img src=x onerror=alert(1)>", "x", "")
    assert "<img" not in diff.as_html(hostile) and "<script" not in diff.title_html(hostile)
    assert not diff.compare("Same", "a\nb", "Same", "a\nb").changed


def test_api_lists_revisions_and_compares_any_two(world: Any) -> None:
    requirement = world.extra["requirement"]
    edit(world, requirement, description="# Goal\n\nSign in with two clicks.")
    edit(
        world, requirement, title="WeCom sign-in", description="# Goal\n\nSign in with two clicks.\n\nLater: DingTalk."
    )
    client = world.client("member")
    listed = client.get(API + "/requirements/1/revisions").json()["items"]
    assert [r["number"] for r in listed] == [3, 2, 1]
    assert listed[0]["author"]["username"] == "carol"
    compared = client.get(API + "/requirements/1/revisions/1/compare/3").json()
    assert (compared["a"]["number"], compared["b"]["number"]) == (1, 3)
    assert compared["added"] == 3 and compared["removed"] == 1
    changed = [line for line in compared["lines"] if line["op"] == "insert"]
    assert changed[0]["text"] == "Sign in with two clicks." and changed[0]["new"] == 3
    assert {"op": "insert", "text": "two"} in changed[0]["segments"]
    assert any(s["op"] == "delete" for s in compared["title"])
    assert compared["swapped"] is False
    # The newer version named first is still compared older → newer, and the answer says so.
    backwards = client.get(API + "/requirements/1/revisions/3/compare/1").json()
    assert backwards["swapped"] is True
    assert (backwards["a"]["number"], backwards["b"]["number"]) == (1, 3)
    assert {k: backwards[k] for k in ("title", "lines", "added", "removed")} == {
        k: compared[k] for k in ("title", "lines", "added", "removed")
    }
    assert client.get(API + "/requirements/1/revisions/1/compare/9").status_code == 404


# --- The workflow --------------------------------------------------------------------------------


def test_transitions_follow_the_workflow_and_record_who_when_and_why(world: Any) -> None:
    requirement = world.extra["second_requirement"]
    with pytest.raises(ValidationFailed) as refused:
        move(world, requirement, "approved")
    assert list(refused.value.errors) == ["status"]
    message = refused.value.errors["status"][0]
    assert "In review (in_review)" in message and "Rejected (rejected)" in message and "Closed (closed)" in message
    move(world, requirement, "in_review")
    for target in ("rejected", "needs_clarification"):
        with pytest.raises(ValidationFailed) as no_reason:
            move(world, requirement, target, reason="   ")
        assert list(no_reason.value.errors) == ["reason"]
    move(world, requirement, "needs_clarification", reason="Which devices?")
    move(world, requirement, "in_review", reason="Answered: all of them.")
    move(world, requirement, "approved")
    with pytest.raises(ValidationFailed) as unplanned:
        move(world, requirement, "planned")
    assert list(unplanned.value.errors) == ["release_id"]
    history = list(StatusChange.objects.filter(requirement=requirement).order_by("id"))
    assert [(h.source, h.target, h.reason) for h in history] == [
        ("new", "in_review", ""),
        ("in_review", "needs_clarification", "Which devices?"),
        ("needs_clarification", "in_review", "Answered: all of them."),
        ("in_review", "approved", ""),
    ]
    assert {h.actor_id for h in history} == {world.users["member"].pk}
    assert fresh(requirement).status == "approved" and fresh(requirement).version == 5


def test_planned_needs_a_release_which_the_releases_module_sets(world: Any) -> None:
    requirement = world.extra["requirement"]  # planned into release 2.0 by the cast, still `new`
    assert fresh(requirement).release_id is not None
    move(world, requirement, "in_review")
    move(world, requirement, "approved")
    move(world, requirement, "planned")
    assert fresh(requirement).status == "planned"


def test_a_rejected_requirement_keeps_its_reason_and_can_be_reopened(world: Any) -> None:
    requirement = world.extra["second_requirement"]
    move(world, requirement, "rejected", reason="Not for our users.")
    member = world.actor("member")
    assert queries.status_reason(queries.get_requirement(member, requirement.number)) == "Not for our users."
    move(world, requirement, "new", reason="")
    assert fresh(requirement).status == "new"
    move(world, requirement, "rejected", reason="Still not.")
    move(world, requirement, "in_review")
    assert fresh(requirement).status == "in_review"
    reasons = StatusChange.objects.filter(requirement=requirement, target="rejected").values_list("reason", flat=True)
    assert sorted(reasons) == ["Not for our users.", "Still not."]
    with pytest.raises(ValidationFailed) as closing:
        move(world, requirement, "closed")
    assert list(closing.value.errors) == ["status"]  # in review cannot close; from rejected it could


def test_transition_and_history_api(world: Any) -> None:
    client = world.client("member")
    detail = client.get(API + "/requirements/2").json()
    assert detail["allowed_statuses"] == ["in_review", "rejected", "closed"]
    refused = post(client, "/requirements/2/transitions", {"status": "released", "version": detail["version"]})
    assert refused.status_code == 422 and fields_of(refused) == ["status"]
    assert "(in_review)" in refused.json()["errors"][0]["message"]  # the allowed targets, named
    no_reason = post(client, "/requirements/2/transitions", {"status": "rejected", "version": detail["version"]})
    assert no_reason.status_code == 422 and fields_of(no_reason) == ["reason"]
    rejected = post(
        client, "/requirements/2/transitions", {"status": "rejected", "version": detail["version"], "reason": "Later"}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "Later"
    assert rejected.json()["allowed_statuses"] == ["new", "in_review", "closed"]
    stale = post(client, "/requirements/2/transitions", {"status": "new", "version": detail["version"]})
    assert stale.status_code == 409
    history = client.get(API + "/requirements/2/history").json()["items"]
    assert [(h["source"], h["target"], h["reason"], h["actor"]["username"]) for h in history] == [
        ("new", "rejected", "Later", "carol")
    ]
    planned = post(client, "/requirements/2/transitions", {"status": "planned", "version": rejected.json()["version"]})
    assert planned.status_code == 422 and fields_of(planned) == ["status"]


# --- The manual rank -----------------------------------------------------------------------------


def test_moving_between_neighbours_changes_one_row(world: Any) -> None:
    third, fourth = make(world, "Third"), make(world, "Fourth")
    assert manual_order(world) == [1, 2, 3, 4]
    ranks_before = dict(Requirement.objects.values_list("number", "rank"))
    renumbered = requirements.move_rank(world.actor("member"), fresh(fourth), after=1, before=2)
    assert not renumbered and manual_order(world) == [1, 4, 2, 3]
    ranks_after = dict(Requirement.objects.values_list("number", "rank"))
    assert {n for n in ranks_before if ranks_before[n] != ranks_after[n]} == {4}
    assert ranks_after[1] < ranks_after[4] < ranks_after[2]
    requirements.move_rank(world.actor("member"), fresh(world.extra["requirement"]), after=3)
    assert manual_order(world) == [4, 2, 3, 1]
    requirements.move_rank(world.actor("member"), fresh(third), before=4)
    assert manual_order(world) == [3, 4, 2, 1]
    assert Activity.objects.filter(verb="reranked", target_id=third.pk).exists()


def test_without_a_gap_every_rank_is_respaced_in_one_go(world: Any) -> None:
    third = make(world, "Third")
    Requirement.objects.filter(number=1).update(rank=10)
    Requirement.objects.filter(number=2).update(rank=11)
    renumbered = requirements.move_rank(world.actor("member"), fresh(third), after=1, before=2)
    assert renumbered
    assert manual_order(world) == [1, 3, 2]
    ranks = dict(Requirement.all_objects.filter(workspace=world.acme).values_list("number", "rank"))
    assert ranks[1] == RANK_STEP and ranks[2] == 2 * RANK_STEP
    assert ranks[1] < ranks[3] < ranks[2]
    # Ties are respaced too: the move still lands between the two named rows.
    Requirement.objects.filter(number__in=[1, 2, 3]).update(rank=5)
    requirements.move_rank(world.actor("member"), fresh(third), before=1)
    assert manual_order(world)[0] == 3


def test_rank_moves_refuse_unknown_foreign_or_own_numbers(world: Any) -> None:
    member, third = world.actor("member"), make(world, "Third")
    for kwargs, field in (
        ({}, "before"),
        ({"before": 999}, "before"),
        ({"after": world.extra["other_requirement"].number}, "after"),
        ({"after": third.number}, "after"),
        ({"after": 2, "before": 1}, "after"),  # "after" must be the upper neighbour
    ):
        with pytest.raises(ValidationFailed) as refused:
            requirements.move_rank(member, fresh(third), **kwargs)
        assert list(refused.value.errors) == [field], kwargs
    with pytest.raises(PermissionDenied):
        requirements.move_rank(world.actor("guest"), fresh(third), before=2)
    assert manual_order(world) == [1, 2, 3]


def test_disagreement_marks_rows_that_score_higher_than_the_row_above(world: Any) -> None:
    # REQ-1 scores 400; REQ-2 none; REQ-3 1800; REQ-4 50.
    make(world, "Offline", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    make(world, "Small", reach=100, impact=Decimal("1"), confidence=50, effort=Decimal("1"))
    page = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=50)
    # 1 is first; 2 has no score; 3 (1800) sits below an unscored row; 4 (50) is below 1800.
    assert flags(page) == [(1, False), (2, False), (3, True), (4, False)]
    requirements.move_rank(world.actor("member"), fresh(Requirement.objects.get(number=4)), after=1)
    page = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=50)
    assert flags(page) == [(1, False), (4, False), (2, False), (3, True)]
    requirements.move_rank(world.actor("member"), fresh(Requirement.objects.get(number=1)), after=4)
    page = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=50)
    assert flags(page) == [(4, False), (1, True), (2, False), (3, True)]
    # Across pages, the row above the first of a page is the last of the one before.
    first = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=1)
    second = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=first.next_cursor, limit=1)
    row = vars(second.items[0])
    assert (row["number"], row["score_disagrees"], row["above"], row["below"]) == (1, True, 4, 2)
    # In the score order nothing disagrees: it is the order of the scores.
    ranked = queries.backlog_page(world.actor("member"), {}, cursor=None, limit=50)
    assert [r.number for r in ranked.items] == [3, 1, 4, 2]
    assert not any(disagrees for _number, disagrees in flags(ranked))


def test_rank_by_score_rewrites_the_manual_order(world: Any) -> None:
    make(world, "Offline", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    make(world, "Unscored")
    assert requirements.rank_by_score(world.actor("member")) == 4
    assert manual_order(world) == [3, 1, 2, 4]  # 1800, 400, then the unscored by their old order
    page = queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=50)
    assert not any(disagrees for _number, disagrees in flags(page))
    with pytest.raises(PermissionDenied):
        requirements.rank_by_score(world.actor("guest"))


def test_rank_api_and_score_disagrees_in_the_list(world: Any) -> None:
    make(world, "Offline", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    client = world.client("member")
    listed = client.get(API + "/requirements?sort=rank").json()["items"]
    assert [(r["key"], r["score_disagrees"]) for r in listed] == [("REQ-1", False), ("REQ-2", False), ("REQ-3", True)]
    moved = post(client, "/requirements/3/rank", {"before": 1})
    assert moved.status_code == 200 and moved.json()["number"] == 3 and not moved.json()["renumbered"]
    listed = client.get(API + "/requirements?sort=rank").json()["items"]
    assert [(r["key"], r["score_disagrees"]) for r in listed] == [("REQ-3", False), ("REQ-1", False), ("REQ-2", False)]
    refused = post(client, "/requirements/3/rank", {"before": 900})
    assert refused.status_code == 422 and fields_of(refused) == ["before"]
    ranked = post(client, "/requirements/rank-by-score")
    assert ranked.status_code == 200 and ranked.json() == {"ranked": 3}


# --- Links to work items -------------------------------------------------------------------------


def test_links_to_work_items_and_their_progress(world: Any, django_assert_max_num_queries: Any) -> None:
    member, requirement = world.actor("member"), fresh(world.extra["requirement"])
    owner, project = world.actor("owner"), world.extra["project"]
    estimated = items.create_item(owner, project, title="API", points=Decimal("5"))
    requirements.link_item(member, requirement, item_key="WEB-1")
    requirements.link_item(member, requirement, item_key="web-2")
    requirements.link_item(member, requirement, item_key=estimated.key)
    requirements.link_item(member, requirement, item_key="WEB-1")  # again: nothing changes
    assert RequirementItem.objects.filter(requirement=requirement).count() == 3
    with django_assert_max_num_queries(1):
        progress = queries.progress_of(member, requirement)
    assert (progress.total, progress.done, progress.percent, progress.points_percent) == (3, 0, 0, 0)
    done = State.objects.get(workflow__project=project, workflow__name="Scrum", name="Done")
    items.transition(owner, project_queries.get_item(owner, estimated.key), state_id=done.pk)
    progress = queries.progress_of(member, requirement)
    assert (progress.total, progress.done, progress.percent) == (3, 1, 33)
    assert (progress.total_points, progress.done_points, progress.points_percent) == (5, 5, 100)
    assert [i.key for i in queries.linked_items(member, requirement)] == ["WEB-1", "WEB-2", estimated.key]
    for key in ("SEC-1", "NOPE-1", "not a key"):
        with pytest.raises(ValidationFailed) as refused:
            requirements.link_item(member, requirement, item_key=key)
        assert list(refused.value.errors) == ["item_key"]
    requirements.unlink_item(member, requirement, item_key="WEB-2")
    requirements.unlink_item(member, requirement, item_key="WEB-2")  # not linked: nothing to do
    assert [i.key for i in queries.linked_items(member, requirement)] == ["WEB-1", estimated.key]
    with pytest.raises(NotFound):
        requirements.unlink_item(member, requirement, item_key="SEC-1")
    # A deleted item drops out of the list and the progress.
    items.delete_item(owner, project_queries.get_item(owner, estimated.key))
    assert queries.progress_of(member, requirement).total == 1


def test_work_items_api(world: Any) -> None:
    client = world.client("member")
    linked = post(client, "/requirements/1/work-items", {"item_key": "WEB-1"})
    assert linked.status_code == 201
    assert linked.json()["items"][0]["key"] == "WEB-1" and linked.json()["items"][0]["state"] == "To do"
    assert linked.json()["progress"] == {
        "total": 1,
        "done": 0,
        "percent": 0,
        "total_points": None,
        "done_points": None,
        "points_percent": None,
    }
    foreign = post(client, "/requirements/1/work-items", {"item_key": "SEC-1"})
    assert foreign.status_code == 422 and fields_of(foreign) == ["item_key"]
    detail = client.get(API + "/requirements/1").json()
    assert [i["key"] for i in detail["work_items"]] == ["WEB-1"]
    assert client.delete(API + "/requirements/1/work-items/WEB-1").status_code == 204
    assert client.get(API + "/requirements/1").json()["work_items"] == []


# --- The demand signal ---------------------------------------------------------------------------


def test_demand_signal_reads_counts_segments_and_the_first_feedback(world: Any) -> None:
    owner, requirement = world.actor("owner"), world.extra["requirement"]
    for i, (name, segment) in enumerate((("Li Lei", "small_business"), ("Han Meimei", "enterprise"), ("Zhao", ""))):
        item = feedback.create_feedback(
            owner,
            product_id=world.extra["product"].pk,
            content=f"Feedback {i}",
            channel="survey",
            customer_name=name,
            customer_segment=segment,
        )
        feedback.link_requirement(owner, item, fresh(requirement))
    current = fresh(requirement)
    with CaptureQueriesContext(connection) as captured:
        demand = queries.demand_of(current)
    assert len(captured.captured_queries) == 1  # the first feedback; counts and segments are kept
    assert (demand.feedback_count, demand.customer_count) == (4, 4)
    assert demand.segments == ["enterprise", "small_business"]
    assert demand.segment_labels == ["Enterprise", "Small business"]
    assert [f.content for f in demand.feedback][:2] == ["Feedback 2", "Feedback 1"]
    detail = world.client("member").get(API + "/requirements/1").json()["demand"]
    assert detail["feedback_count"] == 4 and detail["segments"] == ["enterprise", "small_business"]
    assert detail["feedback"][0]["customer"]["name"] == "Zhao"


# --- The API: lists, filters, shapes -------------------------------------------------------------


def test_create_and_patch_through_the_api(world: Any) -> None:
    client, product = world.client("member"), world.extra["product"]
    created = post(
        client,
        "/requirements",
        {
            "product_id": product.pk,
            "title": "Export to Excel",
            "description": "Export **everything**.",
            "type": "improvement",
            "source": "customer",
            "module_id": world.extra["module"].pk,
            "tags": ["export"],
            "reach": 200,
            "impact": "1",
            "confidence": 50,
            "effort": "2",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["key"] == f"REQ-{body['number']}" and body["status"] == "new"
    assert body["score"] == pytest.approx(50.0)  # 200 × 1 × 0.5 ÷ 2
    assert body["description_html"] == "<p>Export <strong>everything</strong>.</p>\n"
    assert body["module"]["name"] == "Login" and body["scoring_model"] == "rice"
    number = body["number"]
    zero = patch(client, f"/requirements/{number}", {"version": body["version"], "effort": 0})
    assert zero.status_code == 422 and fields_of(zero) == ["effort"]
    cleared = patch(client, f"/requirements/{number}", {"version": body["version"], "effort": None, "module_id": None})
    assert cleared.status_code == 200 and cleared.json()["score"] is None and cleared.json()["module"] is None
    rice = next(s for s in cleared.json()["scores"] if s["model"] == "rice")
    assert rice == {"model": "rice", "label": "RICE", "value": None, "missing": ["effort"], "default": True}
    assert cleared.json()["revision"] == 1
    retitled = patch(client, f"/requirements/{number}", {"version": cleared.json()["version"], "title": "Export"})
    assert retitled.json()["revision"] == 2
    wsjf = {"user_value": 20, "time_criticality": 13, "risk_reduction": 1, "job_size": 8, "effort": "0.25"}
    scaled = patch(client, f"/requirements/{number}", {"version": retitled.json()["version"], **wsjf})
    assert scaled.status_code == 200 and scaled.json()["job_size"] == 8 and scaled.json()["effort"] == "0.25"
    off_scale = patch(client, f"/requirements/{number}", {"version": scaled.json()["version"], "user_value": 10})
    assert off_scale.status_code == 422 and fields_of(off_scale) == ["user_value"]
    wrong = post(client, "/requirements", {"product_id": world.extra["other_product"].pk, "title": "x"})
    assert wrong.status_code == 422 and fields_of(wrong) == ["product_id"]
    assert client.delete(API + f"/requirements/{number}").status_code == 204
    assert client.get(API + f"/requirements/{number}").status_code == 404


def test_list_filters_and_sorts_through_the_allow_list(world: Any) -> None:
    owner = world.actor("owner")
    make(
        world,
        "Dark mode for reports",
        type="improvement",
        source="customer",
        tags=["ui"],
        owner_id=world.users["extra"].pk,
    )
    other = products.create_product(owner, name="Second product")
    requirements.create_requirement(owner, other, title="Billing page")
    client = world.client("member")

    def keys(query: str) -> list[str]:
        response = client.get(f"{API}/requirements?{query}")
        assert response.status_code == 200, response.content
        return [r["key"] for r in response.json()["items"]]

    assert keys("sort=key") == ["REQ-1", "REQ-2", "REQ-3", "REQ-4"]
    assert keys("sort=-created") == ["REQ-4", "REQ-3", "REQ-2", "REQ-1"]
    assert keys("") == ["REQ-1", "REQ-2", "REQ-3", "REQ-4"]  # scored REQ-1 first, the rest by rank
    assert keys(f"product={other.pk}") == ["REQ-4"]
    assert keys(f"module={world.extra['module'].pk}") == ["REQ-1"]
    assert keys("type=improvement") == ["REQ-3"]
    assert keys("source=customer") == ["REQ-3"]
    assert keys(f"owner={world.users['extra'].pk}") == ["REQ-3"]
    assert keys("tag=ui") == ["REQ-3"]
    assert keys("text=dark") == ["REQ-2", "REQ-3"]
    assert keys("text=REQ-4") == ["REQ-4"]
    assert keys(f"release={world.extra['release'].pk}") == ["REQ-1"]
    assert keys("release=none&sort=key") == ["REQ-2", "REQ-3", "REQ-4"]
    assert keys("status=rejected") == []
    for query, field in (
        ("sort=title", "sort"),
        ("status=done", "status"),
        ("owner=me", "owner"),
        ("colour=red", None),
    ):
        response = client.get(f"{API}/requirements?{query}")
        if field is None:  # an unknown parameter is ignored by the API, and refused by name on the web page
            assert response.status_code == 200
            continue
        assert response.status_code == 422, query
        assert fields_of(response) == [field]
    bad_cursor = client.get(f"{API}/requirements?cursor=abc")
    assert bad_cursor.status_code == 422 and fields_of(bad_cursor) == ["cursor"]


def test_score_order_pages_with_its_own_cursor(world: Any) -> None:
    for reach in (100, 100, 300):
        make(world, f"Reach {reach}", reach=reach, impact=Decimal("1"), confidence=100, effort=Decimal("1"))
    make(world, "Unscored")
    client = world.client("member")
    seen, cursor = [], ""
    while True:
        page = client.get(f"{API}/requirements?limit=2{cursor}").json()
        seen += [(r["key"], r["score"]) for r in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    for forged in ("[1e400,1,1]", "[1" + "0" * 400 + ",1,1]", '["x",1,1]', "[1,true,1]", "[1,1]", "{}"):
        cursor = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
        response = client.get(f"{API}/requirements?cursor={cursor}")
        assert response.status_code == 422 and fields_of(response) == ["cursor"], forged
    cursor = ""
    assert seen == [
        ("REQ-1", 400.0),
        ("REQ-5", 300.0),
        ("REQ-3", 100.0),
        ("REQ-4", 100.0),
        ("REQ-2", None),
        ("REQ-6", None),
    ]


def test_the_fast_list_writes_what_the_row_schema_writes(world: Any) -> None:
    """The API's backlog is written by hand from plain rows: in every order and across pages, it must
    be what RequirementRowOut writes from the models, to the order of the keys and the spelling of
    the dates, for a row with every field set (REQ-1) and one with the optional ones empty (REQ-2)."""
    edit(
        world,
        world.extra["requirement"],
        tags=["sso", "wecom"],
        feasibility=4,
        market_potential=3,
        user_value=8,
        time_criticality=5,
        risk_reduction=2,
        job_size=3,
        moscow="must",
        kano="performance",
    )
    # Scored, and last in the manual order under the unscored REQ-2: its score disagrees.
    make(world, "Offline", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    member, client = world.actor("member"), world.client("member")
    written: dict[str, list[Any]] = {}
    for sort in queries.SORTS:
        cursor, pages = None, 0
        while True:
            page = queries.backlog_page(member, {"sort": sort}, cursor=cursor, limit=2)
            response = client.get(f"{API}/requirements?sort={sort}&limit=2" + (f"&cursor={cursor}" if cursor else ""))
            assert response.status_code == 200 and response["Content-Type"] == "application/json"
            expected = [
                ("items", as_the_schema_writes(RequirementRowOut, page.items)),
                ("next_cursor", page.next_cursor),
            ]
            assert json.loads(response.content, object_pairs_hook=list) == expected, sort
            written.setdefault(sort, []).extend(dict(row) for row in expected[0][1])
            cursor, pages = page.next_cursor, pages + 1
            if not cursor:
                break
        assert pages == 2 and len(written[sort]) == 3, sort
    rows = {row["key"]: row for row in written["key"]}
    full, empty = rows["REQ-1"], rows["REQ-2"]
    assert [name for name, value in full.items() if value is None or value == "" or value == []] == []
    assert dict(full["module"]) == {"id": world.extra["module"].pk, "name": "Login"}
    assert dict(full["release"]) == {"id": world.extra["release"].pk, "name": world.extra["release"].name}
    assert full["feedback_count"] == 1 and full["effort"] == "4.00" and full["updated_at"].endswith("Z")
    optional = [name for name, value in empty.items() if value is None or value == "" or value == []]
    assert sorted(optional) == sorted([*requirements.ANALYSIS_FIELDS, "module", "release", "score", "tags"])
    assert [(row["key"], row["score_disagrees"]) for row in written["rank"]] == [
        ("REQ-1", False),
        ("REQ-2", False),
        ("REQ-3", True),
    ]


@pytest.mark.parametrize(
    "path", ["/requirements?limit=100", "/requirements?limit=100&sort=rank", "/products?limit=100"]
)
def test_list_queries_do_not_grow_with_the_page(world: Any, path: str, django_assert_max_num_queries: Any) -> None:
    client = world.client("owner")
    member = world.actor("member")

    def more(n: int) -> None:
        for i in range(n):
            make(world, f"Requirement {i}", reach=i, impact=Decimal("1"), confidence=50, effort=Decimal("1"))
            if "products" in path:
                products.create_product(member, name=f"Product {i}")

    more(1)  # with the cast's two: 3 requirements
    with django_assert_max_num_queries(30) as few:
        assert client.get(API + path).status_code == 200
    more(27)  # 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(API + path)
    assert response.status_code == 200 and len(response.json()["items"]) >= 28


def test_detail_queries_are_bounded(world: Any, django_assert_max_num_queries: Any) -> None:
    client, requirement = world.client("owner"), world.extra["requirement"]
    with django_assert_max_num_queries(30) as few:
        assert client.get(API + "/requirements/1").status_code == 200
    owner, project = world.actor("owner"), world.extra["project"]
    for i in range(10):
        item = items.create_item(owner, project, title=f"Task {i}", points=Decimal("1"))
        requirements.link_item(owner, fresh(requirement), item_key=item.key)
        feedback.link_requirement(
            owner,
            feedback.create_feedback(
                owner, product_id=world.extra["product"].pk, content=f"F{i}", channel="survey", customer_name=f"C{i}"
            ),
            fresh(requirement),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(API + "/requirements/1")
    assert len(response.json()["work_items"]) == 10 and len(response.json()["demand"]["feedback"]) == 11


def test_the_export_route_is_not_taken_for_a_requirement_number(world: Any) -> None:
    """/requirements/export belongs to the feedback module's exports; /requirements/{number} takes numbers only."""
    assert world.client("member").get(API + "/requirements/export").status_code == 200
    assert world.client("member").get(API + "/requirements/rank-by-score").status_code == 405


def test_released_and_dates_in_the_detail(world: Any) -> None:
    requirement = world.extra["requirement"]
    release = world.extra["release"]
    move(world, requirement, "in_review")
    move(world, requirement, "approved")
    move(world, requirement, "planned")
    move(world, requirement, "in_progress")
    move(world, requirement, "released")
    detail = world.client("member").get(API + "/requirements/1").json()
    assert detail["status"] == "released" and detail["released_at"] is not None
    assert detail["release"] == {"id": release.pk, "name": "2.0"}
    assert datetime.datetime.fromisoformat(detail["released_at"]).year >= 2024


def test_the_schema_names_each_input_s_unit_and_scale() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name in ("RequirementIn", "RequirementPatch"):
        fields = schemas[name]["properties"]
        assert "person-months" in fields["effort"]["description"], name
        assert "people a quarter" in fields["reach"]["description"], name
        for relative in ("user_value", "time_criticality", "risk_reduction", "job_size"):
            assert "1, 2, 3, 5, 8, 13, 20" in fields[relative]["description"], (name, relative)
            scale = next(s for s in fields[relative]["anyOf"] if s.get("type") == "integer")
            assert scale["enum"] == [1, 2, 3, 5, 8, 13, 20], (name, relative)
        for field in ("feasibility", "market_potential", "impact", "confidence"):
            assert fields[field]["description"], (name, field)
