"""The review and report pages: one form for a whole subtree, errors on their rows, nothing saved
on an error; the report with its chart, tables and exports; constant queries."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from goals.models import CheckIn, Cycle, CycleStatus, KeyResult, Objective
from goals.tests.test_report import setup_departments
from goals.tests.test_review import add_objectives


def signed_in(world: Any, role: str) -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def review_url(world: Any, name: str = "objective") -> str:
    return reverse("goals:review", args=["acme", world.extra[name].pk])


def report_url(world: Any) -> str:
    return reverse("goals:report", args=["acme", world.extra["cycle"].pk])


def page_values(world: Any) -> dict[str, Any]:
    """What the review form posts untouched, as the admin sees it."""
    kr, child_kr = world.extra["key_result"], world.extra["child_key_result"]
    objective, child = world.extra["objective"], world.extra["child_objective"]
    return {
        f"o{objective.pk}-version": objective.version,
        f"o{objective.pk}-review_note": "",
        f"k{kr.pk}-version": kr.version,
        f"k{kr.pk}-value": "150",
        f"k{kr.pk}-confidence": "",
        f"k{kr.pk}-note": "",
        f"k{kr.pk}-self_score": "",
        f"k{kr.pk}-review_score": "",
        f"o{child.pk}-version": child.version,
        f"o{child.pk}-review_note": "",
        f"k{child_kr.pk}-version": child_kr.version,
        f"k{child_kr.pk}-value": "8",
        f"k{child_kr.pk}-confidence": "",
        f"k{child_kr.pk}-note": "",
        f"k{child_kr.pk}-self_score": "",
        f"k{child_kr.pk}-review_score": "",
    }


def test_review_page_shows_the_subtree_with_the_inputs_each_may_change(world: Any) -> None:
    response = signed_in(world, "member").get(review_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    kr, child = world.extra["key_result"], world.extra["child_objective"]
    assert world.extra["objective"].title in html and child.title in html
    assert f'name="k{kr.pk}-self_score"' in html  # the member owns it
    assert f'name="k{kr.pk}-review_score"' not in html  # and so does not review it
    assert f'name="o{world.extra["objective"].pk}-review_note"' in html
    assert f'name="o{child.pk}-self_assessment"' in html
    assert "Save the review" in html


def test_review_saves_everything_at_once(world: Any) -> None:
    kr, child_kr, child = world.extra["key_result"], world.extra["child_key_result"], world.extra["child_objective"]
    data = page_values(world) | {
        f"k{kr.pk}-value": "170",
        f"k{kr.pk}-confidence": "on_track",
        f"k{kr.pk}-review_score": "0.8",
        f"k{child_kr.pk}-confidence": "off_track",
        f"k{child_kr.pk}-note": "Churn is stuck",
        f"o{child.pk}-review_note": "Needs help",
    }
    response = signed_in(world, "admin").post(review_url(world), data)
    assert response.status_code == 302
    assert response["Location"] == review_url(world)
    kr.refresh_from_db()
    child_kr.refresh_from_db()
    child.refresh_from_db()
    assert (kr.current_value, kr.review_score) == (Decimal(170), Decimal("0.80"))
    assert child_kr.confidence == "off_track"
    assert CheckIn.objects.filter(key_result=child_kr, note="Churn is stuck").exists()
    assert (child.review_note, child.reviewer_id) == ("Needs help", world.users["admin"].pk)


def test_an_error_saves_nothing_and_shows_on_its_row(world: Any) -> None:
    kr, child_kr = world.extra["key_result"], world.extra["child_key_result"]
    data = page_values(world) | {
        f"k{kr.pk}-value": "170",
        f"k{kr.pk}-confidence": "on_track",
        f"k{child_kr.pk}-review_score": "0.33",
    }
    before = CheckIn.objects.count()
    response = signed_in(world, "admin").post(review_url(world), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert f'id="k{child_kr.pk}-review_score-error"' in html
    assert "steps of 0.05" in html
    assert 'value="0.33"' in html and 'value="170"' in html  # what was typed stays
    assert CheckIn.objects.count() == before
    kr.refresh_from_db()
    assert kr.current_value == Decimal(150)


def test_a_stale_page_is_a_conflict(world: Any) -> None:
    child = world.extra["child_objective"]
    data = page_values(world) | {f"o{child.pk}-review_note": "Late", f"o{child.pk}-version": child.version + 3}
    response = signed_in(world, "admin").post(review_url(world), data)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()


def test_closed_cycle_review_is_read_only(world: Any) -> None:
    Cycle.objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    response = signed_in(world, "admin").get(review_url(world))
    html = response.content.decode()
    assert response.status_code == 200 and "read-only" in html and "Save the review" not in html
    response = signed_in(world, "admin").post(review_url(world), page_values(world))
    assert response.status_code == 422


def test_review_and_report_for_guests_and_outsiders(world: Any) -> None:
    assert signed_in(world, "guest").get(review_url(world)).status_code == 403
    assert signed_in(world, "guest").get(report_url(world)).status_code == 403
    assert signed_in(world, "outsider").get(review_url(world)).status_code == 404
    assert signed_in(world, "member").get(review_url(world, "other_objective")).status_code == 404
    foreign = reverse("goals:report", args=["acme", world.extra["other_cycle"].pk])
    assert signed_in(world, "member").get(foreign).status_code == 404


def test_report_page(world: Any) -> None:
    setup_departments(world)
    response = signed_in(world, "member").get(report_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and '<title id="chart-title">Average progress by level</title>' in html
    assert 'data-group="department-' in html and "By department" in html
    assert "Objectives without check-ins" in html
    assert "=HYPERLINK(evil)" in html  # shown as text on the page; only the exports quote it


def test_report_exports(world: Any) -> None:
    setup_departments(world)
    client = signed_in(world, "member")
    response = client.get(report_url(world) + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    response = client.get(report_url(world) + "?format=xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert client.get(report_url(world) + "?format=pdf").status_code == 422


@pytest.mark.parametrize("count", [3, 30])
def test_pages_take_constant_queries(world: Any, count: int, django_assert_max_num_queries: Any) -> None:
    add_objectives(world, count)
    setup_departments(world)
    client = signed_in(world, "admin")
    with django_assert_max_num_queries(12):
        response = client.get(review_url(world))
    assert response.content.decode().count('<section class="card" aria-labelledby="objective-') == count + 2
    with django_assert_max_num_queries(12):
        assert client.get(report_url(world)).status_code == 200


def test_review_page_counts_of_queries_match(world: Any, django_assert_num_queries: Any) -> None:
    """The same number of queries for a small and a big subtree, exactly."""
    client = signed_in(world, "admin")
    counts = []
    for more in (0, 12):
        add_objectives(world, more)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(review_url(world))
            client.get(report_url(world))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert KeyResult.objects.count() > 12 and Objective.objects.count() > 12
