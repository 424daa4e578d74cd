"""The key results in the browser's place: the panel on the objective page (values, progress,
confidence, check-ins, links, SMART findings, the history chart as SVG with a table), adding and
editing a key result with the live SMART check, deleting it, checking in, linking and unlinking work;
who sees the forms and who is refused; a bounded number of queries for 3 and 30 key results and
check-ins."""

from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import User
from goals.models import CheckIn, Confidence, CycleStatus, KeyResult, KeyResultLink, Metric
from goals.queries.key_results import panel
from goals.services import key_results


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"goals:{name}", args=["acme", *args])


def text(response: Any) -> str:
    return response.content.decode()


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


# --- The panel on the objective page --------------------------------------------------------------


def test_the_objective_page_shows_its_key_results_with_chart_check_ins_and_links(world: Any) -> None:
    kr = world.extra["key_result"]
    response = client_for(world).get(url("objective", world.extra["objective"].pk))
    assert response.status_code == 200
    page = text(response)
    assert f'id="kr-{kr.pk}"' in page
    assert "Weekly active teams from 100 to 200" in page
    assert "50 %" in page and "Half way" in page and "On track" in page
    assert f'aria-labelledby="chart-{kr.pk}-title chart-{kr.pk}-desc"' in page and "<polyline" in page
    assert "Show the data as a table" in page
    assert world.extra["item"].key in page  # the linked work item
    assert url("key-result-check-in", kr.pk) in page
    assert url("key-result-new", world.extra["objective"].pk) in page
    assert url("key-result-unlink", kr.pk, KeyResultLink.objects.get(key_result=kr).pk) in page


def test_a_guest_sees_no_panel_and_a_closed_cycle_offers_no_forms(world: Any) -> None:
    assert client_for(world, "guest").get(url("objective", world.extra["objective"].pk)).status_code == 403
    type(world.extra["cycle"]).objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    page = text(client_for(world).get(url("objective", world.extra["objective"].pk)))
    assert "Weekly active teams from 100 to 200" in page
    assert url("key-result-check-in", world.extra["key_result"].pk) not in page
    assert url("key-result-new", world.extra["objective"].pk) not in page


def test_the_panel_shows_each_metric_its_own_way(world: Any) -> None:
    member, objective = world.actor("member"), world.extra["objective"]
    key_results.create_key_result(member, objective, title="Launch the app", metric=Metric.YES_NO, current_value=1)
    key_results.create_key_result(
        member, objective, title="Beta programme", metric=Metric.MILESTONE, milestones=["Recruit", "Survey"]
    )
    context = {**panel(member, fresh(objective)), "actor": member}
    html = render_to_string("goals/_key_results.html", context)
    assert "Launch the app" in html and "Recruit" in html and "0 of 2" in html


# --- Adding, editing, deleting ------------------------------------------------------------------


def new_form(world: Any, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Paying teams from 40 to 60 by the end of the quarter",
        "metric": "number",
        "start_value": "40",
        "target_value": "60",
        "unit": "teams",
        "milestones": "",
        "owner_id": world.users["member"].pk,
        "due_date": world.extra["cycle"].end_date.isoformat(),
        "weight": "1",
        "source": "check_ins",
        **fields,
    }


def test_a_key_result_is_added_from_its_form(world: Any) -> None:
    client, objective = client_for(world), world.extra["objective"]
    form = client.get(url("key-result-new", objective.pk))
    assert form.status_code == 200
    page = text(form)
    assert url("smart-check") in page and 'hx-trigger="input changed delay:300ms' in page
    assert 'name="kind" value="key_result"' in page
    response = client.post(url("key-result-new", objective.pk), new_form(world))
    created = KeyResult.objects.get(title__startswith="Paying teams")
    assert response.status_code == 302
    assert response["Location"] == url("objective", objective.pk) + f"#kr-{created.pk}"
    assert (created.start_value, created.target_value, created.unit) == (40, 60, "teams")


def test_a_keep_at_target_is_added_from_its_form(world: Any) -> None:
    client, objective = client_for(world), world.extra["objective"]
    body = new_form(
        world, title="Keep availability at 99.9%", metric="percentage", start_value="99.9", target_value="99.9"
    )
    assert client.post(url("key-result-new", objective.pk), body).status_code == 302
    assert KeyResult.objects.get(title="Keep availability at 99.9%").progress == 100.0


def test_milestones_are_typed_one_a_line(world: Any) -> None:
    client, objective = client_for(world), world.extra["objective"]
    body = new_form(
        world, metric="milestone", start_value="", target_value="", milestones="Design\r\nBuild\r\n\r\nShip"
    )
    assert client.post(url("key-result-new", objective.pk), body).status_code == 302
    created = KeyResult.objects.get(title__startswith="Paying teams")
    assert created.milestones == ["Design", "Build", "Ship"]
    edit = text(client.get(url("key-result-edit", created.pk)))
    assert "Design\nBuild\nShip" in edit


def test_errors_come_back_on_the_form_by_field(world: Any) -> None:
    client, objective = client_for(world), world.extra["objective"]
    response = client.post(url("key-result-new", objective.pk), new_form(world, target_value=""))
    assert response.status_code == 422
    assert "Enter the target to reach." in text(response)
    response = client.post(url("key-result-new", objective.pk), new_form(world, owner_id=world.users["outsider"].pk))
    assert response.status_code == 422
    assert not KeyResult.objects.filter(title__startswith="Paying teams").exists()


def test_the_form_shows_the_smart_findings_of_what_was_typed(world: Any, monkeypatch: Any) -> None:
    from goals import smart

    seen: list[dict[str, Any]] = []

    def check(**fields: Any) -> list[smart.Finding]:
        seen.append(fields)
        return [smart.Finding("measurable", "Name a number to reach.")]

    monkeypatch.setattr(smart, "check_key_result", check)
    response = client_for(world).post(url("key-result-new", world.extra["objective"].pk), new_form(world, weight="0"))
    assert response.status_code == 422
    assert "Name a number to reach." in text(response)
    assert seen[-1]["title"].startswith("Paying teams") and seen[-1]["cycle"] == world.extra["cycle"]


def test_a_key_result_is_edited_at_its_version(world: Any) -> None:
    kr, client = world.extra["key_result"], client_for(world)
    page = text(client.get(url("key-result-edit", kr.pk)))
    assert f'name="version" value="{kr.version}"' in page
    assert f'name="key_result_id" value="{kr.pk}"' in page
    body = new_form(world, title="Weekly active teams from 100 to 300", start_value="100", target_value="300")
    response = client.post(url("key-result-edit", kr.pk), {**body, "version": kr.version})
    assert response.status_code == 302
    assert fresh(kr).progress == 25.0
    stale = client.post(url("key-result-edit", kr.pk), {**body, "title": "Stale", "version": kr.version})
    assert stale.status_code == 409
    assert "Someone else changed this" in text(stale)
    assert fresh(kr).title == "Weekly active teams from 100 to 300"


def test_a_key_result_is_deleted_from_its_edit_page(world: Any) -> None:
    kr, client = world.extra["key_result"], client_for(world)
    assert client.get(url("key-result-delete", kr.pk)).status_code == 405
    response = client.post(url("key-result-delete", kr.pk))
    assert response.status_code == 302
    assert fresh(kr).deleted_at is not None
    assert client.get(url("key-result-edit", kr.pk)).status_code == 404


# --- Checking in ----------------------------------------------------------------------------------


def test_a_check_in_from_its_page_moves_the_objective(world: Any) -> None:
    kr, client = world.extra["child_key_result"], client_for(world)
    page = text(client.get(url("key-result-check-in", kr.pk)))
    assert "Check in: Monthly churn from 8% to 5%" in page
    assert "<svg" in page and "<table" in page
    body = {"value": "6.5", "confidence": "at_risk", "note": "Support backlog"}
    response = client.post(url("key-result-check-in", kr.pk), body)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#kr-{kr.pk}")
    assert fresh(kr).progress == 50.0
    assert fresh(world.extra["objective"]).rolled_up == pytest.approx(50.0)
    page = text(client.get(url("objective", world.extra["child_objective"].pk)))
    assert "Support backlog" in page and "At risk" in page


def test_a_bad_check_in_comes_back_with_its_error(world: Any) -> None:
    kr = world.extra["key_result"]
    response = client_for(world).post(url("key-result-check-in", kr.pk), {"value": "", "confidence": "on_track"})
    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_yes_no_and_milestones_check_in_by_choice(world: Any) -> None:
    member, objective, client = world.actor("member"), world.extra["objective"], client_for(world)
    yes_no = key_results.create_key_result(member, objective, title="Launch the app", metric=Metric.YES_NO)
    page = text(client.get(url("key-result-check-in", yes_no.pk)))
    assert '<option value="1">Yes</option>' in page
    assert (
        client.post(url("key-result-check-in", yes_no.pk), {"value": "1", "confidence": "on_track"}).status_code == 302
    )
    assert fresh(yes_no).progress == 100.0
    steps = key_results.create_key_result(
        member, objective, title="Beta", metric=Metric.MILESTONE, milestones=["Recruit", "Survey"]
    )
    assert "2. Survey" in text(client.get(url("key-result-check-in", steps.pk)))
    client.post(url("key-result-check-in", steps.pk), {"value": "1", "confidence": "on_track"})
    assert fresh(steps).current_value == Decimal(1)


# --- Links ----------------------------------------------------------------------------------------


def test_work_is_linked_by_key_and_unlinked(world: Any) -> None:
    kr, client = world.extra["child_key_result"], client_for(world)
    assert "No linked work." in text(client.get(url("key-result-link", kr.pk)))
    response = client.post(url("key-result-link", kr.pk), {"reference": "WEB"})
    assert response.status_code == 302
    link = KeyResultLink.objects.get(key_result=kr)
    assert link.project_id == world.extra["project"].pk
    page = text(client.get(url("key-result-link", kr.pk)))
    assert "WEB Website" in page
    refused = client.post(url("key-result-link", kr.pk), {"reference": "SEC"})
    assert refused.status_code == 422
    assert "No project, requirement or work item of this workspace has this key." in text(refused)
    response = client.post(url("key-result-unlink", kr.pk, link.pk), {"from": "links"})
    assert response["Location"] == url("key-result-link", kr.pk)
    assert not KeyResultLink.objects.filter(key_result=kr).exists()


def test_a_link_of_another_key_result_cannot_be_removed_through_this_one(world: Any) -> None:
    link = KeyResultLink.objects.get(key_result=world.extra["key_result"])
    response = client_for(world).post(url("key-result-unlink", world.extra["child_key_result"].pk, link.pk))
    assert response.status_code == 404
    assert KeyResultLink.objects.filter(pk=link.pk).exists()


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["key-result-edit", "key-result-check-in", "key-result-link"])
def test_guests_are_refused_and_other_workspaces_results_are_not_found(world: Any, name: str) -> None:
    kr, other = world.extra["key_result"], world.extra["other_key_result"]
    assert client_for(world, "guest").get(url(name, kr.pk)).status_code == 403
    assert client_for(world, "owner").get(url(name, other.pk)).status_code == 404
    assert Client().get(url(name, kr.pk)).status_code == 302  # to sign in


def test_another_workspaces_objective_takes_no_key_result(world: Any) -> None:
    other = world.extra["other_objective"]
    assert client_for(world, "owner").get(url("key-result-new", other.pk)).status_code == 404
    response = client_for(world, "owner").post(url("key-result-new", other.pk), new_form(world))
    assert response.status_code == 404
    assert not KeyResult.objects.filter(title__startswith="Paying teams").exists()


def test_a_closed_cycles_forms_are_refused(world: Any) -> None:
    type(world.extra["cycle"]).objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    kr = world.extra["key_result"]
    response = client_for(world).post(url("key-result-check-in", kr.pk), {"value": "190", "confidence": "on_track"})
    assert response.status_code == 422
    assert fresh(kr).current_value == 150


# --- Queries do not grow ----------------------------------------------------------------------------


def grow_key_results(world: Any, n: int) -> None:
    member, objective = world.actor("member"), world.extra["objective"]
    for i in range(n):
        kr = key_results.create_key_result(
            member, objective, title=f"Result {i} from 0 to 10", start_value=0, target_value=10
        )
        key_results.check_in(member, kr, value=i % 10, confidence=Confidence.ON_TRACK, note=f"Note {i}")
        key_results.link_work(member, kr, work_item_id=world.extra["blocker"].pk)


def test_the_objective_page_reads_the_same_for_3_and_30_key_results(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world)
    target = url("objective", world.extra["objective"].pk)
    grow_key_results(world, 2)
    with django_assert_max_num_queries(80) as small:
        assert client.get(target).status_code == 200
    grow_key_results(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert text(response).count('<svg class="chart-svg"') == 30


def test_the_panel_reads_three_queries_whatever_the_number(world: Any, django_assert_num_queries: Any) -> None:
    member = world.actor("member")
    grow_key_results(world, 29)
    objective = fresh(world.extra["objective"])
    objective.cycle  # noqa: B018  (the objective page loads it)
    with django_assert_num_queries(3):
        context = panel(member, objective)
    assert len(context["key_results"]) == 30


def test_the_check_in_page_reads_the_same_for_3_and_30_check_ins(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    kr, member, client = world.extra["key_result"], world.actor("member"), client_for(world)

    def check_in(n: int) -> None:
        for i in range(n):
            key_results.check_in(member, fresh(kr), value=150 + i, confidence=Confidence.ON_TRACK)

    check_in(2)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url("key-result-check-in", kr.pk)).status_code == 200
    check_in(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("key-result-check-in", kr.pk))
    assert text(response).count("<circle") == 30


def test_the_links_page_reads_the_same_for_3_and_30_links(world: Any, django_assert_max_num_queries: Any) -> None:
    from projects.services import items

    kr, client = world.extra["child_key_result"], client_for(world)

    def link(n: int) -> None:
        for i in range(n):
            item = items.create_item(world.actor("owner"), world.extra["project"], title=f"Task {i}")
            key_results.link_work(world.actor("member"), fresh(kr), work_item_id=item.pk)

    link(3)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url("key-result-link", kr.pk)).status_code == 200
    link(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("key-result-link", kr.pk)).status_code == 200


@pytest.mark.parametrize(("language", "money"), [("zh-hans", "¥5,000,000"), ("en", "CNY 5,000,000")])
def test_a_currency_result_shows_grouped_money_in_the_readers_language(world: Any, language: str, money: str) -> None:
    kr = world.extra["key_result"]
    KeyResult.objects.filter(pk=kr.pk).update(
        metric=Metric.CURRENCY, unit="CNY", start_value=0, target_value=Decimal(5000000), current_value=1250000
    )
    client = client_for(world)
    User.objects.filter(pk=world.users["member"].pk).update(language=language)
    page = text(client.get(url("objective", world.extra["objective"].pk)))
    assert money in page and "5000000" not in page
