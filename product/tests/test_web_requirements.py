"""The product and requirement pages: products, settings, the backlog in both orders (drag and drop,
the keyboard's move buttons, the disagreement marker), a requirement (workflow, scores, links,
demand, edits and conflicts), the comparison of versions, both languages and query counts."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from product import queries
from product.models import Product, ProductSettings, Requirement, Revision
from product.services import feedback, requirements

W = "/w/acme"
BACKLOG = W + "/requirements/"


def client_for(world: Any, role: str = "member", language: str = "en") -> Client:
    """Signed in, in English unless told (the cast's default language is Chinese)."""
    User.objects.filter(pk=world.users[role].pk).update(language=language)
    client = Client()
    client.force_login(world.users[role])
    return client


def fresh(requirement: Requirement) -> Requirement:
    return Requirement.all_objects.get(pk=requirement.pk)


def make(world: Any, title: str, **fields: Any) -> Requirement:
    return requirements.create_requirement(world.actor("member"), world.extra["product"], title=title, **fields)


def numbers_in(response: Any) -> list[int]:
    """The rows of the backlog, in order, as the page shows them (htmx partials included)."""
    return [int(n) for n in re.findall(r'<tr data-row [^>]*data-number="(\d+)"', response.content.decode())]


def text(response: Any) -> str:
    return response.content.decode()


# --- Every page, in both languages ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_in_both_languages(world: Any, language: str) -> None:
    product = world.extra["product"]
    requirements.update_requirement(
        world.actor("member"),
        fresh(world.extra["requirement"]),
        version=fresh(world.extra["requirement"]).version,
        description="# 目标\n\n一键登录。",
    )
    client = client_for(world, "owner", language)
    for path in (
        W + "/products/",
        W + "/products/new/",
        f"{W}/products/{product.pk}/",
        f"{W}/products/{product.pk}/edit/",
        W + "/settings/product/",
        BACKLOG,
        BACKLOG + "?sort=rank",
        BACKLOG + "new/",
        BACKLOG + "1/",
        BACKLOG + "1/edit/",
        BACKLOG + "1/compare/",
        BACKLOG + "1/compare/?a=2&b=1",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = text(response)
        assert f'<html lang="{language}" ' in page, path
        assert re.search(r'<main id="main" tabindex="-1">.*?<h1>', page, re.S), path
    if language == "en":
        assert "Backlog" in text(client.get(BACKLOG))


def test_guests_and_outsiders_see_nothing(world: Any) -> None:
    assert client_for(world, "guest").get(BACKLOG).status_code == 403
    assert client_for(world, "guest").get(W + "/products/").status_code == 403
    assert client_for(world, "outsider").get(BACKLOG + "1/").status_code == 404
    other = world.extra["other_product"]
    assert client_for(world, "owner").get(f"{W}/products/{other.pk}/").status_code == 404
    assert client_for(world, "owner").get(BACKLOG + f"{world.extra['other_requirement'].number}/").status_code == 404


# --- Products and settings -----------------------------------------------------------------------


def test_product_page_shows_vision_modules_and_the_public_form(world: Any) -> None:
    product = world.extra["product"]
    client = client_for(world)
    page = text(client.get(f"{W}/products/{product.pk}/"))
    assert "Plan less, ship more" in page and "Login" in page
    assert f"http://testserver/feedback/{product.form_token}/" in page
    assert "Close the form" in page  # the cast opened it
    closed = client.post(f"{W}/products/{product.pk}/form/", {"enabled": "0", "version": product.version}, follow=True)
    assert "The public form is closed." in text(closed)
    assert not Product.objects.get(pk=product.pk).form_enabled
    current = Product.objects.get(pk=product.pk)
    stale = client.post(f"{W}/products/{product.pk}/form/", {"enabled": "1", "version": product.version})
    assert stale.status_code == 409 and not Product.objects.get(pk=product.pk).form_enabled
    client.post(f"{W}/products/{product.pk}/form-link/")
    assert Product.objects.get(pk=product.pk).form_token != current.form_token
    added = client.post(f"{W}/products/{product.pk}/modules/", {"name": "Billing"}, follow=True)
    assert "The module “Billing” was added." in text(added)
    twice = client.post(f"{W}/products/{product.pk}/modules/", {"name": "Billing"})
    assert twice.status_code == 422 and "already has a module" in text(twice)
    module = world.extra["module"]
    client.post(f"{W}/products/{product.pk}/modules/{module.pk}/delete/")
    assert "Login" not in [m.name for m in queries.modules_of(product)]


def test_product_forms_create_edit_and_delete(world: Any) -> None:
    client = client_for(world)
    created = client.post(
        W + "/products/new/",
        {"name": "Mobile", "vision": "Pocket", "owner_id": world.users["member"].pk, "form_enabled": "on"},
    )
    product = Product.objects.get(name="Mobile")
    assert created.status_code == 302 and created["Location"] == f"{W}/products/{product.pk}/"
    assert product.form_enabled and product.vision == "Pocket"
    missing = client.post(W + "/products/new/", {"name": "", "owner_id": world.users["member"].pk})
    assert missing.status_code == 422
    edit = f"{W}/products/{product.pk}/edit/"
    data = {"name": "Mobile app", "owner_id": world.users["extra"].pk, "version": product.version, "goals": "1M users"}
    assert client.post(edit, data).status_code == 302
    assert Product.objects.get(pk=product.pk).owner_id == world.users["extra"].pk
    stale = client.post(edit, {**data, "name": "Lost"})
    assert stale.status_code == 409 and "Someone else changed this" in text(stale)
    foreign = client.post(edit, {**data, "version": product.version + 1, "owner_id": world.users["outsider"].pk})
    assert foreign.status_code == 422
    gone = client.post(f"{W}/products/{product.pk}/delete/", follow=True)
    assert "was moved to the trash" in text(gone)
    assert Product.all_objects.get(pk=product.pk).deleted_at is not None


def test_settings_page_is_for_staff_and_rescoring(world: Any) -> None:
    assert client_for(world, "member").get(W + "/settings/product/").status_code == 403
    client = client_for(world, "admin")
    version = ProductSettings.objects.get(workspace=world.acme).version
    saved = client.post(
        W + "/settings/product/", {"scoring_model": "value_effort", "demand_weight": "0", "version": version}
    )
    assert saved.status_code == 302
    assert fresh(world.extra["requirement"]).score is None  # no user value yet
    refused = client.post(
        W + "/settings/product/", {"scoring_model": "rice", "demand_weight": "12", "version": version + 1}
    )
    assert refused.status_code == 422
    stale = client.post(W + "/settings/product/", {"scoring_model": "rice", "demand_weight": "0", "version": version})
    assert stale.status_code == 409


# --- The backlog ---------------------------------------------------------------------------------


def test_backlog_orders_filters_and_refuses_undeclared_parameters(world: Any) -> None:
    make(world, "Offline mode", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"), tags=["ux"])
    client = client_for(world)
    assert numbers_in(client.get(BACKLOG)) == [3, 1, 2]  # by score, the unscored last
    assert numbers_in(client.get(BACKLOG, {"sort": "rank"})) == [1, 2, 3]
    assert numbers_in(client.get(BACKLOG, {"tag": "ux"})) == [3]
    assert numbers_in(client.get(BACKLOG, {"text": "dark"})) == [2]
    assert numbers_in(client.get(BACKLOG, {"status": "new", "sort": "key"})) == [1, 2, 3]
    page = text(client.get(BACKLOG, {"status": "new"}))
    assert '<option value="new" selected>' in page
    assert "/w/acme/requirements/export/?status=new&amp;format=xlsx" in page  # exports follow the filters
    refused = client.get(BACKLOG, {"sort": "password"})
    assert refused.status_code == 422 and "Choose one of" in text(refused)
    assert numbers_in(refused) == [3, 1, 2]
    unknown = client.get(BACKLOG, {"order_by": "title"})
    assert unknown.status_code == 200  # not a filter of the list: the page's own parameters pass


def test_the_backlog_shows_when_each_requirement_was_updated_in_the_readers_language(world: Any) -> None:
    stale = make(world, "Stale idea")
    Requirement.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2, hours=1))
    page = text(client_for(world, language="zh-hans").get(BACKLOG))
    assert '<th scope="col">更新时间</th>' in page
    row = page[page.index("Stale idea") :]
    assert re.match(r'.*?<td><time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d">2\xa0日前</time></td>', row, re.S)


def test_manual_order_marks_disagreement_and_offers_moves(world: Any) -> None:
    make(world, "Offline mode", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    client = client_for(world)
    response = client.get(BACKLOG, {"sort": "rank"})
    page = text(response)
    assert [(r.number, r.score_disagrees) for r in response.context["rows"]] == [(1, False), (2, False), (3, True)]
    assert page.count("Scores higher than the requirement above") == 1
    rows = re.findall(r'<tr data-row [^>]*data-number="(\d+)"[^>]*draggable="true"', page)
    assert rows == ["1", "2", "3"]
    assert "Move REQ-2 up" in page and "Move REQ-2 down" in page
    assert "Move REQ-1 up" not in page and "Move REQ-3 down" not in page
    assert "/static/js/product-rank.js" in page
    assert 'data-rank-url="/w/acme/requirements/0/rank/"' in page
    # The score order has no drag handles and no marker.
    scored = text(client.get(BACKLOG))
    assert 'draggable="true"' not in scored and "Scores higher than" not in scored


def test_keyboard_move_buttons_answer_htmx_with_the_list(world: Any) -> None:
    make(world, "Third")
    client = client_for(world)
    moved = client.post(
        BACKLOG + "3/rank/",
        {"before": "2", "query": "sort=rank", "direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert moved.status_code == 200
    assert numbers_in(moved) == [1, 3, 2]
    page = text(moved)
    assert page.lstrip().startswith('<div id="backlog"') and "<html" not in page
    assert re.search(r'data-refocus><span aria-hidden="true">↑</span><span class="visually-hidden">Move REQ-3 up', page)
    down = client.post(
        BACKLOG + "1/rank/", {"after": "2", "query": "sort=rank", "direction": "down"}, HTTP_HX_REQUEST="true"
    )
    assert numbers_in(down) == [3, 2, 1]
    refused = client.post(BACKLOG + "1/rank/", {"after": "1", "query": "sort=rank"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "cannot be placed next to itself" in text(refused)
    assert numbers_in(refused) == [3, 2, 1]
    # Without htmx, a plain form post goes back to the list.
    plain = client.post(BACKLOG + "3/rank/", {"after": "1", "query": "sort=rank&status=new"})
    assert plain.status_code == 302 and plain["Location"] == BACKLOG + "?status=new&sort=rank"
    assert [
        r.number for r in queries.backlog_page(world.actor("member"), {"sort": "rank"}, cursor=None, limit=9).items
    ] == [
        2,
        1,
        3,
    ]


def test_drag_endpoint_answers_fetch_with_json(world: Any) -> None:
    third = make(world, "Third")
    client = client_for(world)
    dropped = client.post(BACKLOG + "3/rank/", {"after": "1", "before": "2"}, HTTP_ACCEPT="application/json")
    assert dropped.status_code == 200
    assert dropped.json() == {"number": 3, "rank": fresh(third).rank, "renumbered": False}
    refused = client.post(BACKLOG + "3/rank/", {"after": "2", "before": "1"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 422 and refused.json()["errors"]
    bad = client.post(BACKLOG + "3/rank/", {"after": "x"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 422
    # The CSRF token is required, as for every post of the page.
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(world.users["member"])
    assert guarded.post(BACKLOG + "3/rank/", {"before": "1"}, HTTP_ACCEPT="application/json").status_code == 403
    assert client_for(world, "guest").post(BACKLOG + "3/rank/", {"before": "1"}).status_code == 403


def test_rank_by_score_button(world: Any) -> None:
    make(world, "Offline mode", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5"))
    client = client_for(world)
    done = client.post(BACKLOG + "rank-by-score/", follow=True)
    assert "now follows the scores (3 requirements)" in text(done)
    assert numbers_in(done) == [3, 1, 2]
    assert "Scores higher than the requirement above" not in text(done)


def test_htmx_reload_of_the_list_is_the_partial(world: Any) -> None:
    response = client_for(world).get(BACKLOG, {"sort": "rank"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and text(response).lstrip().startswith('<div id="backlog"')


@pytest.mark.parametrize("query", ["", "?sort=rank"])
def test_backlog_queries_do_not_grow(world: Any, query: str, django_assert_max_num_queries: Any) -> None:
    def grow(n: int) -> None:
        for i in range(n):
            make(world, f"R{i}", reach=i + 1, impact=Decimal("1"), confidence=50, effort=Decimal("1"), tags=["t"])

    client = client_for(world)
    grow(1)  # 3 with the cast's two
    client.get(BACKLOG + query)
    with django_assert_max_num_queries(40) as small:
        assert client.get(BACKLOG + query).status_code == 200
    grow(27)  # 30
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(BACKLOG + query)
    assert len(response.context["rows"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


# --- One requirement -----------------------------------------------------------------------------


def test_requirement_page_shows_scores_demand_and_history(world: Any) -> None:
    client = client_for(world)
    page = text(client.get(BACKLOG + "1/"))
    assert "REQ-1" in page and "Sign in with WeCom" in page
    assert "<h1>Goal</h1>" in page or "<h1>Goal" in page  # the PRD, rendered
    scores = page[page.index('id="scores"') : page.index("</table>", page.index('id="scores"'))]
    assert "RICE" in scores and "Workspace default" in scores and "400.00" in scores
    assert (
        "Missing: User-business value (1, 2, 3, 5, 8, 13, 20), Time criticality (1, 2, 3, 5, 8, 13, 20), "
        "Risk reduction / opportunity enablement (1, 2, 3, 5, 8, 13, 20), Job size (1, 2, 3, 5, 8, 13, 20)<"
    ) in scores  # WSJF
    # Each model says in one line what its score means, next to it.
    assert "Reach (people a quarter) × impact × confidence ÷ effort (person-months)" in scores
    assert "÷ job size" in scores and "MoSCoW" in scores
    demand = page[page.index('id="demand"') :]
    assert "Enterprise" in demand and "Please let us sign in with WeCom." in demand
    assert "/w/acme/feedback/?requirement=1" in page
    assert "It has not moved yet." in page
    assert "Move to In review" in page and "Move to Approved" not in page


def test_requirement_page_explains_each_model_in_chinese(world: Any) -> None:
    page = text(client_for(world, language="zh-hans").get(BACKLOG + "1/"))
    scores = page[page.index('id="scores"') : page.index("</table>", page.index('id="scores"'))]
    assert "（人月）" in scores and "工作规模" in scores


def test_the_form_takes_wsjf_inputs_on_their_own_scale(world: Any) -> None:
    client = client_for(world)
    requirement = fresh(world.extra["requirement"])
    edit_url = f"{BACKLOG}{requirement.number}/edit/"
    form = client.get(edit_url).context["form"]
    assert "person-months" in str(form["effort"].label) and "person-months" in str(form["effort"].help_text)
    assert [value for value, _ in form.fields["job_size"].choices] == ["", 1, 2, 3, 5, 8, 13, 20]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    wsjf = {"user_value": "20", "time_criticality": "13", "risk_reduction": "3", "job_size": "8"}
    assert client.post(edit_url, {**data, **wsjf}).status_code == 302
    saved = fresh(requirement)
    assert (saved.user_value, saved.time_criticality, saved.risk_reduction, saved.job_size) == (20, 13, 3, 8)
    assert saved.effort == Decimal("4")  # RICE's effort is untouched by WSJF's job size
    off_scale = client.post(edit_url, {**data, **wsjf, "version": saved.version, "job_size": "10"})
    assert off_scale.status_code == 422 and fresh(requirement).job_size == 8


def test_transition_form_needs_a_reason_to_reject_and_keeps_it(world: Any) -> None:
    client = client_for(world)
    second = fresh(world.extra["second_requirement"])
    url = BACKLOG + "2/transition/"
    missing = client.post(url, {"status": "rejected", "version": second.version, "reason": ""})
    assert missing.status_code == 422 and "needs a reason" in text(missing)
    refused = client.post(url, {"status": "released", "version": second.version})
    assert refused.status_code == 422 and "(in_review)" in text(refused)
    done = client.post(
        url, {"status": "rejected", "version": second.version, "reason": "Not now <b>sorry</b>"}, follow=True
    )
    page = text(done)
    assert "REQ-2 is now “Rejected”." in page
    assert "Reason:</strong> Not now &lt;b&gt;sorry&lt;/b&gt;" in page
    assert "Move to New" in page and "Move to In review" in page
    history = page[page.index('id="status-history"') :]
    assert "Carol" in history and "“New” to “Rejected”" in history
    stale = client.post(url, {"status": "new", "version": second.version})
    assert stale.status_code == 409 and "Someone else changed this requirement meanwhile" in text(stale)
    reopened = client.post(url, {"status": "in_review", "version": fresh(second).version}, follow=True)
    assert "REQ-2 is now “In review”." in text(reopened)


def test_new_and_edit_forms_keep_versions(world: Any) -> None:
    client = client_for(world)
    product = world.extra["product"]
    created = client.post(
        BACKLOG + "new/",
        {
            "product_id": product.pk,
            "title": "Export to Excel",
            "description": "Line one\r\nLine two",
            "type": "feature",
            "source": "customer",
            "owner_id": world.users["member"].pk,
            "proposer_id": world.users["extra"].pk,
            "tags": "export， reports,export",
            "reach": "100",
            "impact": "0.5",
            "confidence": "80",
            "effort": "2",
        },
    )
    requirement = Requirement.objects.get(title="Export to Excel")
    assert created.status_code == 302 and created["Location"] == f"{BACKLOG}{requirement.number}/"
    assert requirement.description == "Line one\nLine two" and requirement.tags == ["export", "reports"]
    assert requirement.score == pytest.approx(20.0)  # 100 × 0.5 × 0.8 ÷ 2
    edit_url = f"{BACKLOG}{requirement.number}/edit/"
    form = client.get(edit_url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data["description"] = "Line one\r\nLine two"  # as a browser sends it: no new version
    data["effort"] = "4"
    assert client.post(edit_url, data).status_code == 302
    assert fresh(requirement).revision == 1 and fresh(requirement).score == pytest.approx(10.0)
    zero = client.post(edit_url, {**data, "version": fresh(requirement).version, "effort": "0"})
    assert zero.status_code == 422 and "Effort must be more than zero." in text(zero)
    changed = client.post(edit_url, {**data, "version": fresh(requirement).version, "description": "Line one\nLine 2"})
    assert changed.status_code == 302
    assert [r.number for r in Revision.objects.filter(requirement=requirement).order_by("number")] == [1, 2]
    stale = client.post(edit_url, {**data, "title": "Lost"})
    assert stale.status_code == 409 and "Someone else changed this while you were editing." in text(stale)
    assert fresh(requirement).title == "Export to Excel"
    foreign = client.post(
        edit_url, {**data, "version": fresh(requirement).version, "owner_id": world.users["outsider"].pk}
    )
    assert foreign.status_code == 422


def test_compare_page_shows_a_readable_escaped_diff(world: Any) -> None:
    requirement = world.extra["requirement"]
    member = world.actor("member")
    current = fresh(requirement)
    requirements.update_requirement(
        member, current, version=current.version, description="# Goal\n\nSign in with two clicks. <script>x</script>"
    )
    client = client_for(world)
    page = text(client.get(BACKLOG + "1/compare/"))
    assert "Version 1 → version 2" in page
    assert "<ins>two</ins>" in page and "<del>one</del>" in page
    assert "&lt;script&gt;" in page and "<script>x" not in page
    assert '<select name="a"' in page and '<select name="b"' in page
    backwards = text(client.get(BACKLOG + "1/compare/", {"a": "2", "b": "1"}))
    assert "Version 1 → version 2" in backwards and "<ins>two</ins>" in backwards
    assert "Version 2 is the newer one: it is compared with version 1, older first." in backwards
    assert "the newer one" not in page
    chinese = text(client_for(world, language="zh-hans").get(BACKLOG + "1/compare/", {"a": "2", "b": "1"}))
    assert "版本 2 较新" in chinese
    bad = client.get(BACKLOG + "1/compare/", {"a": "7", "b": "1"})
    assert bad.status_code == 422
    detail = text(client.get(BACKLOG + "1/"))
    assert f'action="{BACKLOG}1/compare/"' in detail


def test_link_and_unlink_work_items_from_the_page(world: Any) -> None:
    client = client_for(world)
    linked = client.post(BACKLOG + "1/work-items/", {"item_key": "web-1"}, follow=True)
    page = text(linked)
    assert "WEB-1 was linked." in page and "0 of 1 done" in page
    foreign = client.post(BACKLOG + "1/work-items/", {"item_key": "SEC-1"})
    assert foreign.status_code == 422 and "Choose a work item of a project you can see" in text(foreign)
    unlinked = client.post(BACKLOG + "1/work-items/remove/", {"item_key": "WEB-1"}, follow=True)
    assert "No work items are linked yet." in text(unlinked)


def test_delete_requirement_from_the_page(world: Any) -> None:
    client = client_for(world)
    gone = client.post(BACKLOG + "2/delete/", follow=True)
    assert "REQ-2 was moved to the trash." in text(gone)
    assert client.get(BACKLOG + "2/").status_code == 404


def test_requirement_page_queries_do_not_grow(world: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(world)
    client.get(BACKLOG + "1/")
    with django_assert_max_num_queries(60) as small:
        assert client.get(BACKLOG + "1/").status_code == 200
    owner = world.actor("owner")
    from projects.services import items

    for i in range(10):
        item = items.create_item(owner, world.extra["project"], title=f"Task {i}")
        requirements.link_item(owner, fresh(world.extra["requirement"]), item_key=item.key)
        made = feedback.create_feedback(
            owner, product_id=world.extra["product"].pk, content=f"F{i}", channel="survey", customer_name=f"C{i}"
        )
        feedback.link_requirement(owner, made, fresh(world.extra["requirement"]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(BACKLOG + "1/").status_code == 200
