"""Feedback services: customers found again, checked input, the status flow, links to requirements,
the demand signal (feedback and distinct customers, kept current on every path, rescoring) and bulk
actions (all or nothing)."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import queries as core_queries
from core import services as core_services
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from product.models import Customer, Feedback, FeedbackLink, Requirement
from product.services import feedback, products, requirements


def make(world: Any, content: str = "More reports", role: str = "owner", **fields: Any) -> Feedback:
    fields.setdefault("channel", "survey")
    return feedback.create_feedback(world.actor(role), product_id=world.extra["product"].pk, content=content, **fields)


def requirement_of(world: Any, name: str = "requirement") -> Requirement:
    return Requirement.all_objects.get(pk=world.extra[name].pk)


def errors_of(info: Any) -> dict[str, list[str]]:
    return info.value.errors


# --- Customers and recording ---------------------------------------------------------------------


def test_customer_is_found_again_by_email_whatever_its_case(world: Any) -> None:
    one = make(world, customer_name="Li Lei", customer_email="Li.Lei@Example.test")
    two = make(world, customer_name="Lei Li", customer_email="li.lei@example.TEST", customer_segment="education")
    assert one.customer is not None and one.customer_id == two.customer_id
    customer = Customer.objects.get(pk=one.customer.pk)
    assert customer.identity == "li.lei@example.test"
    assert customer.name == "Li Lei"  # kept; only empty fields are filled in
    assert customer.segment == "education"


def test_customer_without_email_is_found_by_name_and_company(world: Any) -> None:
    one = make(world, customer_name=" Han Meimei ", customer_company="Acme")
    two = make(world, customer_name="han meimei", customer_company="ACME ")
    three = make(world, customer_name="Han Meimei", customer_company="Other Co")
    assert one.customer is not None and one.customer_id == two.customer_id != three.customer_id
    assert Customer.objects.get(pk=one.customer.pk).identity == "han meimei|acme"


def test_customers_are_per_workspace(world: Any) -> None:
    mine = make(world, customer_email="shared@example.test")
    theirs = feedback.create_feedback(
        world.actor("outsider_owner"),
        product_id=world.extra["other_product"].pk,
        content="x",
        channel="survey",
        customer_email="shared@example.test",
    )
    assert mine.customer_id != theirs.customer_id


def test_submitter_is_the_actor_when_no_customer_is_named(world: Any) -> None:
    own = make(world, role="member")
    assert own.submitted_by_id == world.users["member"].pk and own.customer is None
    for_customer = make(world, role="member", customer_name="Wang")
    assert for_customer.submitted_by_id is None
    both = make(world, role="member", customer_name="Wang", as_myself=True)
    assert both.submitted_by_id == world.users["member"].pk
    neither = make(world, role="member", as_myself=False)
    assert neither.submitted_by_id is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"content": "  "}, "content"),
        ({"content": "x" * 10_001}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"channel": "pigeon"}, "channel"),
        ({"kind": "rant"}, "kind"),
        ({"sentiment": "angry"}, "sentiment"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"tags": "one,two"}, "tags"),
        ({"customer_email": "not-an-address"}, "customer_email"),
        ({"customer_segment": "whales"}, "customer_segment"),
        ({"customer_company": "Acme"}, "customer_name"),
        ({"customer_name": "x" * 201}, "customer_name"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(world: Any, fields: dict[str, Any], field: str) -> None:
    before = Feedback.all_objects.count(), Customer.objects.count()
    values = {"content": "Fine", "channel": "survey", **fields}
    with pytest.raises(ValidationFailed) as info:
        feedback.create_feedback(world.actor("owner"), product_id=world.extra["product"].pk, **values)
    assert field in errors_of(info)
    assert (Feedback.all_objects.count(), Customer.objects.count()) == before


def test_product_must_be_of_the_workspace(world: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        feedback.create_feedback(
            world.actor("owner"), product_id=world.extra["other_product"].pk, content="x", channel="survey"
        )
    assert list(errors_of(info)) == ["product_id"]


def test_guests_may_not_record_feedback(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        make(world, role="guest")


def test_tags_are_cleaned(world: Any) -> None:
    item = make(world, tags=[" ui ", "ui", "", "export"])
    assert item.tags == ["ui", "export"]


# --- Editing and the status flow -----------------------------------------------------------------


def test_update_records_the_change_and_takes_the_version(world: Any) -> None:
    item = world.extra["second_feedback"]
    feedback.update_feedback(
        world.actor("member"), item, version=item.version, content="Dark mode, please", tags=["ui"]
    )
    item.refresh_from_db()
    assert item.content == "Dark mode, please" and item.tags == ["ui"] and item.version == 2
    history = list(core_queries.history_for(world.actor("owner"), "feedback", item.pk).order_by("-id"))
    assert history[0].verb == "updated" and history[0].changes["content"][1] == "Dark mode, please"
    with pytest.raises(Conflict):
        feedback.update_feedback(world.actor("member"), item, version=1, content="Stale")


def test_status_flow(world: Any) -> None:
    owner = world.actor("owner")
    item = make(world)
    with pytest.raises(ValidationFailed) as info:
        feedback.set_status(owner, item, status="answered", version=item.version)
    assert "status" in errors_of(info)
    feedback.set_status(owner, item, status="triaged", version=item.version)
    with pytest.raises(ValidationFailed):  # linked needs a requirement
        feedback.set_status(owner, item, status="linked", version=item.version)
    feedback.link_requirement(owner, item, requirement_of(world))
    item.refresh_from_db()
    assert item.status == "linked"
    feedback.set_status(owner, item, status="answered", version=item.version)
    item.refresh_from_db()
    assert item.status == "answered" and item.answered_at is not None
    feedback.set_status(owner, item, status="closed", version=item.version)
    feedback.set_status(owner, item, status="triaged", version=item.version)  # reopened
    item.refresh_from_db()
    assert item.status == "triaged"
    new = make(world)
    feedback.set_status(owner, new, status="closed", version=new.version)  # closed from any
    assert Feedback.objects.get(pk=new.pk).status == "closed"


def test_changing_the_customer_recounts_demand(world: Any) -> None:
    owner, requirement = world.actor("owner"), requirement_of(world)
    item = world.extra["feedback"]
    assert requirement.customer_count == 1
    feedback.update_feedback(
        owner, item, version=item.version, customer_name="", customer_email="", customer_company=""
    )
    item.refresh_from_db()
    assert item.customer_id is None
    assert requirement_of(world).customer_count == 0


# --- Links and demand ----------------------------------------------------------------------------


def test_linking_sets_linked_and_counts_distinct_customers(world: Any) -> None:
    owner, requirement = world.actor("owner"), requirement_of(world, "second_requirement")
    wang = {"customer_name": "Wang", "customer_email": "wang@example.test"}
    items = [make(world, f"Ask {i}", **wang) for i in range(3)]
    items.append(make(world, "Another", customer_name="Zhao", customer_company="Zhao Ltd"))
    items.append(make(world, "My own"))  # no customer
    for item in items:
        feedback.link_requirement(owner, item, requirement)
    feedback.link_requirement(owner, items[0], requirement)  # twice: nothing changes
    assert FeedbackLink.objects.filter(requirement=requirement).count() == 5
    requirement = requirement_of(world, "second_requirement")
    assert (requirement.feedback_count, requirement.customer_count) == (5, 2)
    assert {f.status for f in Feedback.objects.filter(pk__in=[i.pk for i in items])} == {"linked"}

    feedback.delete_feedback(owner, items[3])  # Zhao's only feedback
    assert (
        requirement_of(world, "second_requirement").feedback_count,
        requirement_of(world, "second_requirement").customer_count,
    ) == (4, 1)
    feedback.delete_feedback(owner, items[0])  # Wang has two more
    assert requirement_of(world, "second_requirement").customer_count == 1
    assert requirement_of(world, "second_requirement").feedback_count == 3

    trash = core_queries.get_trash_item(owner, "feedback", items[3].pk)
    core_services.restore(owner, trash)
    requirement = requirement_of(world, "second_requirement")
    assert (requirement.feedback_count, requirement.customer_count) == (4, 2)


def test_unlinking_goes_back_to_triaged_and_recounts(world: Any) -> None:
    owner, item, requirement = world.actor("owner"), world.extra["feedback"], requirement_of(world)
    assert (requirement.feedback_count, requirement.customer_count) == (1, 1)
    feedback.unlink_requirement(owner, item, requirement)
    item.refresh_from_db()
    assert item.status == "triaged"
    requirement = requirement_of(world)
    assert (requirement.feedback_count, requirement.customer_count) == (0, 0)
    with pytest.raises(NotFound):
        feedback.unlink_requirement(owner, item, requirement)


def test_links_stay_inside_the_workspace(world: Any) -> None:
    with pytest.raises(NotFound):
        feedback.link_requirement(
            world.actor("owner"), world.extra["second_feedback"], world.extra["other_requirement"]
        )
    with pytest.raises(NotFound):
        feedback.link_requirement(
            world.actor("outsider_owner"), world.extra["second_feedback"], world.extra["requirement"]
        )
    assert not FeedbackLink.objects.filter(requirement=world.extra["other_requirement"]).exists()


def test_demand_raises_the_score_when_weighted(world: Any) -> None:
    owner = world.actor("owner")
    settings = products.settings_for(world.acme.pk)
    products.update_settings(owner, version=settings.version, demand_weight=Decimal("0.5"))
    base = requirement_of(world).score
    assert base is not None
    for i, who in enumerate(["a@example.test", "b@example.test", "c@example.test"]):
        feedback.link_requirement(owner, make(world, f"Need {i}", customer_email=who), requirement_of(world))
    requirement = requirement_of(world)
    assert requirement.customer_count == 4
    # 1 customer: × (1 + 0.5 × log2 2) = 1.5; 4 customers: × (1 + 0.5 × log2 5)
    unweighted = base / 1.5
    assert requirement.score == pytest.approx(unweighted * (1 + 0.5 * 2.321928094887362))


def test_refresh_demand_queries_do_not_grow_with_requirements(world: Any) -> None:
    owner, product = world.actor("owner"), world.extra["product"]
    many = [requirements.create_requirement(owner, product, title=f"Req {i}") for i in range(6)]
    item = make(world, customer_email="x@example.test")
    for requirement in many:
        feedback.link_requirement(owner, item, requirement)
    with CaptureQueriesContext(connection) as one:
        feedback.refresh_demand([many[0].pk])
    with CaptureQueriesContext(connection) as six:
        feedback.refresh_demand([r.pk for r in many])
    assert len(six.captured_queries) == len(one.captured_queries) <= 6
    assert {r.feedback_count for r in Requirement.objects.filter(pk__in=[r.pk for r in many])} == {1}


# --- Bulk actions --------------------------------------------------------------------------------


def test_bulk_status_is_all_or_nothing(world: Any) -> None:
    owner = world.actor("owner")
    fresh = make(world)
    linked = world.extra["feedback"]  # linked: may not go back to triaged
    with pytest.raises(ValidationFailed) as info:
        feedback.bulk_feedback(owner, ids=[fresh.pk, linked.pk], action="set_status", value="triaged")
    assert f"#{linked.pk}" in " ".join(errors_of(info)["value"])
    assert Feedback.objects.get(pk=fresh.pk).status == "new"
    assert feedback.bulk_feedback(owner, ids=[fresh.pk, linked.pk], action="set_status", value="closed") == 2
    assert set(Feedback.objects.filter(pk__in=[fresh.pk, linked.pk]).values_list("status", flat=True)) == {"closed"}


def test_bulk_tag_link_and_delete(world: Any) -> None:
    owner = world.actor("owner")
    a, b = make(world, "A", customer_email="a@example.test"), make(world, "B", customer_email="b@example.test")
    feedback.bulk_feedback(owner, ids=[a.pk, b.pk], action="add_tag", value=" export ")
    assert [f.tags for f in Feedback.objects.filter(pk__in=[a.pk, b.pk])] == [["export"], ["export"]]
    key = world.extra["second_requirement"].key
    feedback.bulk_feedback(owner, ids=[a.pk, b.pk], action="link", value=key)
    second = requirement_of(world, "second_requirement")
    assert (second.feedback_count, second.customer_count) == (2, 2)
    feedback.bulk_feedback(owner, ids=[a.pk, b.pk], action="delete")
    assert not Feedback.objects.filter(pk__in=[a.pk, b.pk]).exists()
    assert requirement_of(world, "second_requirement").feedback_count == 0


@pytest.mark.parametrize(
    ("ids", "action", "value", "field"),
    [
        ([], "delete", None, "ids"),
        (list(range(1, 202)), "delete", None, "ids"),
        (["1"], "delete", None, "ids"),
        (None, "explode", None, "action"),
        (None, "set_status", "done", "value"),
        (None, "add_tag", "", "value"),
        (None, "add_tag", "x" * 41, "value"),
        (None, "link", "REQ-999", "value"),
        (None, "link", "banana", "value"),
    ],
)
def test_bulk_refuses_bad_input(world: Any, ids: Any, action: str, value: Any, field: str) -> None:
    ids = [world.extra["second_feedback"].pk] if ids is None else ids
    before = [(f.pk, f.version, f.status, f.tags) for f in Feedback.all_objects.order_by("pk")]
    with pytest.raises(ValidationFailed) as info:
        feedback.bulk_feedback(world.actor("owner"), ids=ids, action=action, value=value)
    assert field in errors_of(info)
    assert [(f.pk, f.version, f.status, f.tags) for f in Feedback.all_objects.order_by("pk")] == before


def test_bulk_refuses_ids_of_another_workspace(world: Any) -> None:
    ids = [world.extra["second_feedback"].pk, world.extra["other_feedback"].pk]
    with pytest.raises(ValidationFailed) as info:
        feedback.bulk_feedback(world.actor("owner"), ids=ids, action="delete")
    assert list(errors_of(info)) == ["ids"]
    assert Feedback.objects.filter(pk__in=ids).count() == 2


def test_bulk_link_of_another_workspaces_requirement_is_refused(world: Any) -> None:
    # Numbers are resolved in the actor's workspace: the other workspace's REQ-900 is not found here.
    other = world.extra["other_requirement"]
    with pytest.raises(ValidationFailed) as info:
        feedback.bulk_feedback(
            world.actor("owner"), ids=[world.extra["second_feedback"].pk], action="link", value=other.key
        )
    assert list(errors_of(info)) == ["value"]
    assert not FeedbackLink.objects.filter(requirement=other).exists()


def test_answering_linked_feedback(world: Any) -> None:
    answered = feedback.answer_linked_feedback(None, requirement_of(world))
    assert [f.pk for f in answered] == [world.extra["feedback"].pk]
    item = Feedback.objects.get(pk=world.extra["feedback"].pk)
    assert item.status == "answered" and item.answered_at is not None


def test_segments_follow_links_deletions_and_a_customer_s_segment_filled_in_later(world: Any) -> None:
    owner, requirement = world.actor("owner"), world.extra["second_requirement"]

    def give(name: str, segment: str = "") -> Any:
        item = feedback.create_feedback(
            owner,
            product_id=world.extra["product"].pk,
            content=f"From {name}",
            channel="survey",
            customer_name=name,
            customer_segment=segment,
        )
        feedback.link_requirement(owner, item, Requirement.objects.get(pk=requirement.pk))
        return item

    give("Li Lei", "enterprise")
    consumer = give("Han Meimei", "consumer")
    give("Zhao")
    assert Requirement.objects.get(pk=requirement.pk).segments == ["consumer", "enterprise"]
    feedback.delete_feedback(owner, Feedback.objects.get(pk=consumer.pk))
    assert Requirement.objects.get(pk=requirement.pk).segments == ["enterprise"]
    # Zhao's segment becomes known through later feedback: what Zhao asked for before shows it too.
    feedback.create_feedback(
        owner,
        product_id=world.extra["product"].pk,
        content="Again",
        channel="sales",
        customer_name="Zhao",
        customer_segment="education",
    )
    assert Requirement.objects.get(pk=requirement.pk).segments == ["education", "enterprise"]
