"""The SMART check: a table of hand-written Chinese and English goals with the codes each must get,
the objective and key-result rules, the live check of the forms (web and API)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from goals import smart
from goals.models import Metric

START, END = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
CYCLE = SimpleNamespace(start_date=START, end_date=END)
OK_RESULT = SimpleNamespace(
    title="x", metric=Metric.NUMBER, start_value=Decimal(0), target_value=Decimal(10), due_date=END, deleted_at=None
)

# (title, the codes of the findings of an objective with this title, an owner and no key results).
# "measurable" comes from the missing number: these objectives have no key result yet.
OBJECTIVES = [
    # Chinese
    ("提升用户满意度", {"specific", "measurable"}),
    ("下季度客户满意度评分提高到4.5分", set()),
    ("优化产品体验", {"specific", "measurable"}),
    ("做好工作", {"specific", "measurable"}),
    ("增长", {"specific", "measurable"}),
    ("尽量减少线上故障", {"specific", "measurable"}),
    ("尽可能把月流失率降到5%", {"specific"}),
    ("把首页加载时间降到1秒以内", set()),
    ("第二季度签约50家新企业客户", set()),
    # The year's end lies outside this April–June cycle (this row expected no finding before the
    # dates in a title were read).
    ("年底前营收同比增长两倍", {"time_bound"}),
    ("市场部和销售部共同负责签约50家新客户", {"owner"}),
    ("大家一起把NPS提高到45", {"owner"}),
    ("让新用户引导流程更好", {"specific", "measurable"}),
    ("显著提升转化率20%", {"specific"}),
    ("上线移动端应用并覆盖三个城市", set()),
    ("进一步加强团队建设", {"specific", "measurable"}),
    ("发布移动端应用", {"measurable"}),
    ("客服首次响应时间缩短到百分之五十", set()),
    # English
    ("Improve customer satisfaction", {"specific", "measurable"}),
    ("Raise NPS from 30 to 45 by June", set()),
    ("Do our best this quarter", {"specific", "measurable"}),
    ("Ship v2", {"specific", "measurable"}),
    ("Grow", {"specific", "measurable"}),
    ("Make onboarding better", {"specific", "measurable"}),
    ("Sign 20 more enterprise customers", set()),
    ("Significantly increase revenue by 20%", {"specific"}),
    ("Reduce p95 page load time to 800 ms", set()),
    ("Sales and marketing jointly grow pipeline to $2M", {"owner"}),
    ("Launch the mobile app in two markets", set()),
    ("Reduce support tickets as much as possible", {"specific", "measurable"}),
    ("Optimize the checkout flow", {"specific", "measurable"}),
    ("Double the number of paying teams", set()),
    ("Hire 5 senior engineers for the platform team", set()),
    ("Launch the public API for partners", {"measurable"}),
    ("Co-owned by design and engineering: cut bugs to 10 per release", {"owner"}),
    ("Be a world-class support team with 95% satisfaction", {"specific"}),
    # A deadline written in the title must lie inside the cycle (1 April – 30 June 2026).
    ("2026年3月31日前签约50家新企业客户", {"time_bound"}),
    ("2026年6月30日前签约50家新企业客户", set()),
    ("3月底前上线移动端应用并覆盖三个城市", {"time_bound"}),
    ("六月底前上线移动端应用并覆盖三个城市", set()),
    ("2027年第三季度签约50家新企业客户", {"time_bound"}),
    ("2026年下半年签约50家新企业客户", {"time_bound"}),
    ("2026-05-15前签约50家新企业客户", set()),
    ("Sign 50 enterprise customers by 12/31", {"time_bound"}),
    ("Sign 50 enterprise customers by 06/30", set()),
    ("Hire 5 senior engineers by 31 March 2027", {"time_bound"}),
    ("Hire 5 senior engineers by June 30, 2026", set()),
    ("Launch the mobile app in two markets in Q3 2027", {"time_bound"}),
    ("Launch the mobile app in two markets in Q2 2026", set()),
    ("Launch the mobile app in two markets by the end of 2027", {"time_bound"}),
    ("Cut failed payments to 1/2 of what they are", set()),  # a fraction, not a date
    # Words that stand for no deadline, or for no measure, are vague.
    ("尽快上线移动端应用并覆盖三个城市", {"time_bound"}),
    ("Launch the mobile app in two markets as soon as possible", {"time_bound"}),
    ("Launch the mobile app in two markets ASAP", {"time_bound"}),
    ("打造最好的客服团队，满意度达到95%", {"specific"}),
    ("Build the best support team, with 95% satisfaction", {"specific"}),
    ("Run world-class onboarding for 50 new teams", {"specific"}),
]


def codes(findings: list[smart.Finding]) -> set[str]:
    return {f.code for f in findings}


def test_the_table_is_big_and_mixed() -> None:
    assert len(OBJECTIVES) >= 30
    assert sum(1 for _, expected in OBJECTIVES if not expected) >= 10
    assert sum(1 for title, _ in OBJECTIVES if smart._CJK.search(title)) >= 15


@pytest.mark.parametrize(("title", "expected"), OBJECTIVES)
def test_objective_titles(title: str, expected: set[str]) -> None:
    findings = smart.check_objective(title=title, owner_id=1, cycle=CYCLE, key_results=[])
    assert codes(findings) == expected, [f.message for f in findings]
    assert all(f.message for f in findings)


@pytest.mark.parametrize(("title", "expected"), OBJECTIVES)
def test_check_text_is_the_title_part(title: str, expected: set[str]) -> None:
    assert codes(smart.check_text(title, cycle=CYCLE)) == expected - {"measurable"}


def test_a_deadline_in_the_title_says_where_the_cycle_runs() -> None:
    with translation.override("en"):
        (finding,) = smart.check_text("Hire 5 senior engineers by 31 March 2027", cycle=CYCLE)
    assert finding.code == "time_bound"
    assert "31 March 2027" in finding.message and "2026-04-01" in finding.message and "2026-06-30" in finding.message
    with translation.override("en"):
        (finding,) = smart.check_text("尽快上线移动端应用并覆盖三个城市", cycle=CYCLE)
    assert "“尽快”" in finding.message


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026年3月31日", datetime.date(2026, 3, 31), datetime.date(2026, 3, 31)),
        ("2026年3月", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        ("2026 年 12 月底", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
        ("2027年第三季度", datetime.date(2027, 7, 1), datetime.date(2027, 9, 30)),
        ("2027年上半年", datetime.date(2027, 1, 1), datetime.date(2027, 6, 30)),
        ("2026-02-28", datetime.date(2026, 2, 28), datetime.date(2026, 2, 28)),
        ("by 31 March 2027", datetime.date(2027, 3, 31), datetime.date(2027, 3, 31)),
        ("by March 31st, 2027", datetime.date(2027, 3, 31), datetime.date(2027, 3, 31)),
        ("by Sept. 2027", datetime.date(2027, 9, 1), datetime.date(2027, 9, 30)),
        ("Q3 2027", datetime.date(2027, 7, 1), datetime.date(2027, 9, 30)),
        ("2027 Q1", datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
        ("H2 2026", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        ("by the end of 2027", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
    ],
)
def test_dates_with_a_year_are_read_as_periods(text: str, first: datetime.date, last: datetime.date) -> None:
    ((_, period),) = smart.deadlines(text, years=(2026,))
    assert period == (first, last)


def test_dates_without_a_year_are_read_in_the_cycle_s_years() -> None:
    periods = [period for _, period in smart.deadlines("3月底, 12/31, 31/12", years=(2026, 2027))]
    assert periods == [
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 12, 31)),
        (datetime.date(2027, 12, 31), datetime.date(2027, 12, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 12, 31)),
        (datetime.date(2027, 12, 31), datetime.date(2027, 12, 31)),
    ]
    # A cycle across the new year: March's end lies inside October – March.
    winter = SimpleNamespace(start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2027, 3, 31))
    assert codes(smart.check_text("3月底前签约50家新企业客户", cycle=winter)) == set()


@pytest.mark.parametrize(
    "text",
    ["2026年2月30日", "13/45", "Sign 2000 customers", "May we grow to 50 teams", "3/4 of teams", "x" * 5000 + " 12/31"],
)
def test_what_is_not_a_date_is_not_read_as_one(text: str) -> None:
    assert smart.deadlines(text, years=(2026,)) == []


def test_at_most_one_finding_per_code_in_order() -> None:
    findings = smart.check_objective(title="大家一起尽量提升", owner_id=None, cycle=CYCLE, key_results=[])
    assert [f.code for f in findings] == ["specific", "measurable", "owner"]


def test_messages_name_the_vague_word_in_the_active_language() -> None:
    with translation.override("en"):
        (finding,) = smart.check_text("提升用户满意度")
    assert "“提升”" in finding.message
    assert "number" in finding.message
    (finding,) = smart.check_text("Reduce support tickets as much as possible")
    assert "as much as possible" in finding.message


def test_empty_title_is_not_specific() -> None:
    assert codes(smart.check_text("   ")) == {"specific"}


# --- Objectives ----------------------------------------------------------------------------------


def test_an_objective_is_measurable_through_a_key_result_with_a_target() -> None:
    title = "Make our customers love onboarding"
    assert "measurable" in codes(smart.check_objective(title=title, owner_id=1, cycle=CYCLE, key_results=[]))
    without_target = SimpleNamespace(**{**vars(OK_RESULT), "target_value": None})
    findings = smart.check_objective(title=title, owner_id=1, cycle=CYCLE, key_results=[without_target])
    assert "measurable" in codes(findings)
    findings = smart.check_objective(title=title, owner_id=1, cycle=CYCLE, key_results=[OK_RESULT])
    assert codes(findings) == set()


def test_a_deleted_key_result_does_not_measure_an_objective() -> None:
    gone = SimpleNamespace(**{**vars(OK_RESULT), "deleted_at": datetime.datetime(2026, 5, 1)})
    findings = smart.check_objective(title="Launch the public API", owner_id=1, cycle=CYCLE, key_results=[gone])
    assert "measurable" in codes(findings)


def test_an_objective_is_not_time_bound_when_a_key_result_is_due_after_the_cycle() -> None:
    late = SimpleNamespace(**{**vars(OK_RESULT), "title": "Sign 5 partners", "due_date": END + datetime.timedelta(1)})
    findings = smart.check_objective(title="Launch the public API", owner_id=1, cycle=CYCLE, key_results=[late])
    assert codes(findings) == {"time_bound"}
    assert "Sign 5 partners" in findings[0].message
    assert "2026-06-30" in findings[0].message
    undated = SimpleNamespace(**{**vars(OK_RESULT), "due_date": None})
    findings = smart.check_objective(title="Launch the public API", owner_id=1, cycle=CYCLE, key_results=[undated])
    assert codes(findings) == set()  # the key result itself is flagged, the objective ends with the cycle


def test_an_objective_needs_an_owner() -> None:
    findings = smart.check_objective(title="Hire 5 senior engineers", owner_id=None, cycle=CYCLE, key_results=[])
    assert codes(findings) == {"owner"}
    assert "owner" in findings[0].message


# --- Key results ---------------------------------------------------------------------------------


def kr(**overrides: Any) -> list[smart.Finding]:
    fields: dict[str, Any] = {
        "title": "Weekly active teams from 100 to 200",
        "metric": Metric.NUMBER,
        "start_value": Decimal(100),
        "target_value": Decimal(200),
        "owner_id": 1,
        "due_date": END,
        "cycle": CYCLE,
    }
    return smart.check_key_result(**(fields | overrides))


KEY_RESULTS = [
    ({}, set()),
    ({"target_value": None}, {"measurable"}),
    # Keep it at: a target equal to its start is a measure (keep availability at 99.9 %).
    ({"title": "Keep availability at 99.9%", "start_value": Decimal("99.9"), "target_value": Decimal("99.9")}, set()),
    ({"target_value": Decimal(100)}, set()),
    ({"title": "提升用户满意度", "target_value": None}, {"specific", "measurable"}),
    # A vague verb is fine in a key result: its target says how far.
    ({"title": "提升用户满意度评分", "start_value": Decimal("4.1"), "target_value": Decimal("4.5")}, set()),
    ({"title": "Increase weekly active teams"}, set()),
    ({"title": "Churn from 8% to 5%", "start_value": Decimal(8), "target_value": Decimal(5)}, set()),
    ({"title": "Public API is live", "metric": Metric.YES_NO, "start_value": 0, "target_value": None}, set()),
    ({"title": "Beta, launch, 1,000 users", "metric": Metric.MILESTONE, "target_value": None}, set()),
    ({"due_date": None}, {"time_bound"}),
    ({"due_date": END + datetime.timedelta(days=1)}, {"time_bound"}),
    ({"due_date": START - datetime.timedelta(days=1)}, {"time_bound"}),
    ({"due_date": START}, set()),
    ({"owner_id": None}, {"owner"}),
    ({"title": "两个团队共同负责把活跃团队数从100提高到200"}, {"owner"}),
    ({"title": "尽量把活跃团队数提高到200"}, {"specific"}),
    ({"title": "做好工作"}, {"specific"}),
    ({"title": "NPS"}, {"specific"}),
    ({"title": "尽快把活跃团队数从100提高到200"}, {"time_bound"}),
    ({"title": "Weekly active teams from 100 to 200 ASAP"}, {"time_bound"}),
    ({"title": "Weekly active teams from 100 to 200 ASAP", "due_date": None}, {"time_bound"}),
]


@pytest.mark.parametrize(("overrides", "expected"), KEY_RESULTS)
def test_key_results(overrides: dict[str, Any], expected: set[str]) -> None:
    assert codes(kr(**overrides)) == expected


def test_a_key_result_due_outside_the_cycle_says_where_the_cycle_runs() -> None:
    (finding,) = kr(due_date=datetime.date(2026, 7, 15))
    assert "2026-07-15" in finding.message and "2026-04-01" in finding.message


def test_a_key_result_without_a_cycle_needs_only_a_due_date() -> None:
    assert codes(kr(cycle=None, due_date=datetime.date(2030, 1, 1))) == set()
    assert codes(kr(cycle=None, due_date=None)) == {"time_bound"}


def test_messages_follow_the_active_language() -> None:
    with translation.override("zh-hans"):
        chinese = kr(owner_id=None)[0].message
    with translation.override("en"):
        english = kr(owner_id=None)[0].message
    assert english == "Choose one owner: one person answers for it."
    assert chinese  # translated by the lead at the end; the same msgid until then


# --- The live check ------------------------------------------------------------------------------


def test_live_check_of_an_objective_form(world: Any) -> None:
    User.objects.filter(pk=world.users["member"].pk).update(language="en")
    client = world.client("member")
    client.force_login(world.users["member"])
    url = reverse("goals:smart-check", args=["acme"])
    response = client.post(url, {"title": "提升用户满意度", "owner_id": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-smart="specific"' in html and 'data-smart="measurable"' in html and 'data-smart="owner"' in html
    assert "“提升”" in html
    response = client.post(url, {"title": "下季度客户满意度评分提高到4.5分", "owner_id": world.users["member"].pk})
    assert 'data-smart="ok"' in response.content.decode()


def test_live_check_of_a_key_result_form_uses_its_objectives_cycle(world: Any) -> None:
    client = world.client("member")
    client.force_login(world.users["member"])
    cycle = world.extra["cycle"]
    url = reverse("goals:smart-check", args=["acme"])
    data = {
        "kr-kind": "key_result",
        "kr-title": "Weekly active teams from 100 to 300",
        "kr-metric": "number",
        "kr-start_value": "100",
        "kr-target_value": "300",
        "kr-owner_id": world.users["member"].pk,
        "kr-due_date": (cycle.end_date + datetime.timedelta(days=3)).isoformat(),
        "objective_id": world.extra["objective"].pk,
    }
    html = client.post(url, data).content.decode()
    assert 'data-smart="time_bound"' in html
    assert 'data-smart="measurable"' not in html
    # Another workspace's objective is ignored: no cycle, so any due date will do.
    data["objective_id"] = world.extra["other_objective"].pk
    html = client.post(url, data).content.decode()
    assert 'data-smart="ok"' in html
    # Values that do not parse count as missing.
    data |= {"kr-target_value": "lots", "kr-due_date": "0"}
    html = client.post(url, data).content.decode()
    assert 'data-smart="measurable"' in html and 'data-smart="time_bound"' in html


def test_live_check_of_an_objective_counts_its_key_results(world: Any) -> None:
    client = world.client("member")
    client.force_login(world.users["member"])
    url = reverse("goals:smart-check", args=["acme"])
    data = {"title": "Make our customers love us", "owner_id": 1, "objective_id": world.extra["objective"].pk}
    html = client.post(url, data).content.decode()
    assert 'data-smart="measurable"' not in html


def test_live_check_refuses_guests_and_get(world: Any) -> None:
    url = reverse("goals:smart-check", args=["acme"])
    guest = world.client("guest")
    guest.force_login(world.users["guest"])
    assert guest.post(url, {"title": "x"}).status_code == 403
    member = world.client("member")
    member.force_login(world.users["member"])
    assert member.get(url).status_code == 405
    outsider = world.client("outsider")
    outsider.force_login(world.users["outsider"])
    assert outsider.post(url, {"title": "x"}).status_code == 404


def test_api_smart_check(world: Any) -> None:
    client = world.client("member")
    url = "/api/v1/workspaces/acme/goals/smart-check"
    body = {
        "kind": "key_result",
        "title": "提升用户满意度",
        "metric": "number",
        "start_value": "4.1",
        "owner_id": world.users["member"].pk,
        "objective_id": world.extra["objective"].pk,
    }
    response = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    found = {f["code"]: f["message"] for f in response.json()["findings"]}
    assert set(found) == {"specific", "measurable", "time_bound"}
    assert world.extra["cycle"].start_date.isoformat() in found["time_bound"]
    body = {"kind": "objective", "title": "Raise NPS from 30 to 45 by June", "owner_id": world.users["member"].pk}
    response = client.post(url, body, content_type="application/json")
    assert response.json() == {"findings": []}
    assert client.post(url, {"kind": "task"}, content_type="application/json").status_code == 422


def test_api_smart_check_refuses_ids_of_another_workspace(world: Any) -> None:
    client = world.client("owner")
    url = "/api/v1/workspaces/acme/goals/smart-check"
    for field, value in {
        "objective_id": world.extra["other_objective"].pk,
        "cycle_id": world.extra["other_cycle"].pk,
        "key_result_id": world.extra["other_key_result"].pk,
        "owner_id": world.users["outsider"].pk,
    }.items():
        response = client.post(url, {"kind": "objective", field: value}, content_type="application/json")
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["errors"]] == [field]
    response = client.post(url, {"kind": "objective", "due_date": 0}, content_type="application/json")
    assert response.status_code == 422
