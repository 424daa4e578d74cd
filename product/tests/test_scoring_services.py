"""The stored ranking score follows its inputs: recomputed when the analysis changes, when the
demand changes and when the workspace's scoring model or demand weight changes. Every expected
value below is worked out by hand from the formulas in product/scoring.py.

REQ-1 of the cast: reach 1000, impact 2, confidence 80 %, effort 4 person-months, so
RICE = 1000 × 2 × 0.8 ÷ 4 = 400; one customer (Wang Fang, enterprise) gave linked feedback."""

from decimal import Decimal
from typing import Any

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from product import queries
from product.models import ProductSettings, Requirement
from product.services import feedback, products, requirements


def fresh(requirement: Requirement) -> Requirement:
    return Requirement.all_objects.get(pk=requirement.pk)


def update(world: Any, requirement: Requirement, **fields: Any) -> Requirement:
    current = fresh(requirement)
    return requirements.update_requirement(world.actor("member"), current, version=current.version, **fields)


def set_model(world: Any, role: str = "admin", **fields: Any) -> ProductSettings:
    current = ProductSettings.objects.get(workspace=world.acme)
    return products.update_settings(world.actor(role), version=current.version, **fields)


def test_the_cast_starts_from_hand_worked_rice(world: Any) -> None:
    assert fresh(world.extra["requirement"]).score == pytest.approx(400.0)
    # REQ-2 has no analysis: no score, rather than a guess.
    assert fresh(world.extra["second_requirement"]).score is None


def test_score_is_recomputed_when_the_analysis_changes(world: Any) -> None:
    requirement = world.extra["requirement"]
    update(world, requirement, effort=Decimal("5"))
    assert fresh(requirement).score == pytest.approx(320.0)  # 1000 × 2 × 0.8 ÷ 5
    update(world, requirement, confidence=50)
    assert fresh(requirement).score == pytest.approx(200.0)  # 1000 × 2 × 0.5 ÷ 5
    update(world, requirement, impact="0.25", reach=4000)
    assert fresh(requirement).score == pytest.approx(100.0)  # 4000 × 0.25 × 0.5 ÷ 5
    update(world, requirement, reach=None)
    assert fresh(requirement).score is None  # an input is missing now
    # A requirement created with its inputs is scored at once: 300 × 3 × 1.0 ÷ 0.5 = 1800.
    created = requirements.create_requirement(
        world.actor("member"),
        world.extra["product"],
        title="Offline mode",
        reach=300,
        impact=Decimal("3"),
        confidence=100,
        effort=Decimal("0.5"),
    )
    assert fresh(created).score == pytest.approx(1800.0)


def test_zero_or_too_fine_effort_is_refused_and_the_score_kept(world: Any) -> None:
    requirement = world.extra["requirement"]
    with pytest.raises(ValidationFailed) as zero:
        update(world, requirement, effort=0)
    assert list(zero.value.errors) == ["effort"]
    assert "more than zero" in zero.value.errors["effort"][0]
    with pytest.raises(ValidationFailed) as fine:
        update(world, requirement, effort="4.125")  # a week is 0.23 person-months: two places are enough
    assert list(fine.value.errors) == ["effort"]
    assert fresh(requirement).score == pytest.approx(400.0)
    assert fresh(requirement).effort == Decimal("4")


def test_score_follows_the_scoring_model_of_the_workspace(world: Any) -> None:
    requirement, second = world.extra["requirement"], world.extra["second_requirement"]
    update(
        world,
        requirement,
        user_value=8,
        time_criticality=5,
        risk_reduction=3,
        job_size=2,
        moscow="must",
        kano="attractive",
    )
    update(world, second, user_value=5, effort=Decimal("2.5"), moscow="could")
    set_model(world, scoring_model="wsjf")
    assert fresh(requirement).score == pytest.approx(8.0)  # (8 + 5 + 3) ÷ job size 2, not ÷ effort 4
    assert fresh(second).score is None  # time criticality, risk reduction and job size missing
    update(world, requirement, user_value=20, time_criticality=13, job_size=20)
    assert fresh(requirement).score == pytest.approx(1.8)  # (20 + 13 + 3) ÷ 20: the scale goes past 10
    update(world, requirement, user_value=8, time_criticality=5, job_size=2)
    set_model(world, scoring_model="value_effort")
    assert fresh(requirement).score == pytest.approx(2.0)  # 8 ÷ 4 person-months
    assert fresh(second).score == pytest.approx(2.0)  # 5 ÷ 2.5
    set_model(world, scoring_model="moscow")
    assert (fresh(requirement).score, fresh(second).score) == (3.0, 1.0)  # must 3, could 1
    set_model(world, scoring_model="kano")
    assert (fresh(requirement).score, fresh(second).score) == (2.0, None)  # attractive 2; no category
    set_model(world, scoring_model="rice")
    assert fresh(requirement).score == pytest.approx(400.0)


def test_deleted_requirements_are_rescored_too(world: Any) -> None:
    requirement = world.extra["requirement"]
    requirements.delete_requirement(world.actor("member"), fresh(requirement))
    set_model(world, scoring_model="value_effort")
    update_later = fresh(requirement)
    assert update_later.score is None  # no user value: value / effort has no score
    set_model(world, scoring_model="rice")
    assert fresh(requirement).score == pytest.approx(400.0)


def test_demand_weight_raises_scores_by_distinct_customers(world: Any) -> None:
    requirement = world.extra["requirement"]
    set_model(world, demand_weight="0.5")
    # One customer: 400 × (1 + 0.5 × log2(1 + 1)) = 400 × 1.5 = 600.
    assert fresh(requirement).score == pytest.approx(600.0)
    owner, product = world.actor("owner"), world.extra["product"]
    for name, company in (("Li Lei", "Acme Retail"), ("Han Meimei", "Blue Sky")):
        item = feedback.create_feedback(
            owner,
            product_id=product.pk,
            content=f"{name} wants WeCom sign-in too.",
            channel="interview",
            customer_name=name,
            customer_company=company,
            customer_segment="small_business",
        )
        feedback.link_requirement(owner, item, fresh(requirement))
    # Three customers: 400 × (1 + 0.5 × log2(4)) = 400 × 2 = 800, recomputed as the demand changed.
    assert fresh(requirement).customer_count == 3
    assert fresh(requirement).score == pytest.approx(800.0)
    # The inputs change under the weight: effort 8 halves the base, 200 × 2 = 400.
    update(world, requirement, effort=Decimal("8"))
    assert fresh(requirement).score == pytest.approx(400.0)
    set_model(world, demand_weight="0")
    assert fresh(requirement).score == pytest.approx(200.0)  # 1000 × 2 × 0.8 ÷ 8


def test_wsjf_inputs_off_the_scale_are_refused_naming_each(world: Any) -> None:
    requirement = world.extra["requirement"]
    with pytest.raises(ValidationFailed) as refused:
        update(world, requirement, user_value=10, time_criticality=4, risk_reduction=0, job_size=21)
    assert set(refused.value.errors) == {"user_value", "time_criticality", "risk_reduction", "job_size"}
    assert "1, 2, 3, 5, 8, 13, 20" in refused.value.errors["job_size"][0]
    assert fresh(requirement).job_size is None


def test_the_detail_shows_every_model_and_what_each_misses(world: Any) -> None:
    requirement = world.extra["requirement"]
    update(world, requirement, user_value=8, kano="performance")
    detail = queries.detail_of(world.actor("member"), queries.get_requirement(world.actor("member"), 1))
    scores = {s.model: s for s in detail.scores}  # type: ignore[attr-defined]
    assert list(scores) == ["rice", "wsjf", "value_effort", "moscow", "kano"]
    assert scores["rice"].value == pytest.approx(400.0) and scores["rice"].default
    assert scores["wsjf"].value is None and scores["wsjf"].missing == ["time_criticality", "risk_reduction", "job_size"]
    assert scores["value_effort"].value == pytest.approx(2.0)
    assert scores["moscow"].missing == ["moscow"]
    assert scores["kano"].value == 3.0 and not scores["kano"].default


def test_settings_need_staff_a_valid_model_and_the_current_version(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        set_model(world, "member", scoring_model="wsjf")
    with pytest.raises(ValidationFailed) as bad:
        set_model(world, scoring_model="gut_feeling")
    assert list(bad.value.errors) == ["scoring_model"]
    with pytest.raises(ValidationFailed) as heavy:
        set_model(world, demand_weight="11")
    assert list(heavy.value.errors) == ["demand_weight"]
    current = ProductSettings.objects.get(workspace=world.acme)
    products.update_settings(world.actor("owner"), version=current.version, scoring_model="kano")
    with pytest.raises(Conflict):
        products.update_settings(world.actor("admin"), version=current.version, scoring_model="wsjf")
    assert ProductSettings.objects.get(workspace=world.acme).scoring_model == "kano"
    assert fresh(world.extra["requirement"]).score is None  # REQ-1 has no Kano category
