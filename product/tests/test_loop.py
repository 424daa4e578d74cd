"""The loop (PRODUCT.md loop 1) on real components: a planned requirement is in progress once its
work starts; when its release ships, a requirement whose work items are all done is released at once
and one with unfinished work is released later, when its last item is done (through projects'
transitions and bulk edits). Then its feedback is answered, a member who gave it is told in the
app, and a customer is sent one email — which reaches a real SMTP server."""

import datetime
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.utils import timezone

from core.errors import PermissionDenied
from core.models import Activity
from notify import delivery
from notify.models import Channel, Delivery, Notification
from product.models import (
    Customer,
    Feedback,
    FeedbackLink,
    Release,
    Requirement,
    RequirementItem,
    RequirementStatus,
    StatusChange,
)
from product.services import releases, requirements
from projects import queries
from projects.models import State, WorkItem
from projects.services import items

S = RequirementStatus


@pytest.fixture
def smtp(smtp_server: Any, settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    return smtp_server


def fresh(obj: Any) -> Any:
    return type(obj).all_objects.get(pk=obj.pk)


def state(world: Any, name: str) -> State:
    return State.objects.get(workflow__project=world.extra["project"], workflow__name="Scrum", name=name)


def move(world: Any, item: WorkItem, name: str, by: str = "member") -> None:
    actor = world.actor(by)
    items.transition(actor, queries.get_item(actor, item.key), state_id=state(world, name).pk)


def bulk(world: Any, work: list[WorkItem], name: str) -> None:
    actor = world.actor("member")
    project = queries.get_project(actor, "WEB")
    items.bulk_update(actor, project, item_ids=[i.pk for i in work], state_id=state(world, name).pk)


def planned(world: Any, title: str, *item_titles: str, release: Release | None = None) -> tuple[Requirement, list[Any]]:
    """An approved requirement planned into `release` (2.0 by default), with new work items linked
    as requirements.link_item does."""
    owner, product = world.actor("owner"), world.extra["product"]
    requirement = requirements.create_requirement(owner, product, title=title)
    requirements.move_status(None, requirement, S.APPROVED)
    target = release or world.extra["release"]
    releases.plan(owner, requirement, release_id=target.pk, version=requirement.version)
    work = []
    for item_title in item_titles:
        item = items.create_item(owner, world.extra["project"], title=item_title)
        RequirementItem.objects.create(workspace=world.acme, requirement=requirement, item=item)
        work.append(item)
    return fresh(requirement), work


def feedback_on(
    world: Any,
    requirement: Requirement,
    content: str,
    *,
    customer: tuple[str, str] | None = None,
    submitted_by: str | None = None,
    status: str = "linked",
    deleted: bool = False,
) -> Feedback:
    """Linked feedback, as the feedback services leave it."""
    found = None
    if customer:
        name, email = customer
        found, _created = Customer.objects.get_or_create(
            workspace=world.acme, identity=email.lower() or name, defaults={"name": name, "email": email}
        )
    feedback = Feedback.all_objects.create(
        workspace=world.acme,
        product=world.extra["product"],
        channel="support",
        content=content,
        customer=found,
        submitted_by=world.users[submitted_by] if submitted_by else None,
        status=status,
        deleted_at=timezone.now() if deleted else None,
    )
    FeedbackLink.objects.create(workspace=world.acme, feedback=feedback, requirement=requirement)
    return feedback


def reasons(requirement: Requirement) -> list[tuple[str, str, str]]:
    return list(
        StatusChange.objects.filter(requirement=requirement).order_by("id").values_list("source", "target", "reason")
    )


# --- Work starting ---------------------------------------------------------------------------------


def test_a_planned_requirement_is_in_progress_once_its_first_work_item_starts(world: Any) -> None:
    requirement, (backend, frontend) = planned(world, "Export to Excel", "Backend", "Frontend")
    assert requirement.status == S.PLANNED
    move(world, backend, "In progress")
    requirement = fresh(requirement)
    assert requirement.status == S.IN_PROGRESS
    assert reasons(requirement)[-1] == (S.PLANNED, S.IN_PROGRESS, "Work on it has started.")
    assert StatusChange.objects.filter(requirement=requirement).latest("id").actor_id == world.users["member"].pk
    move(world, frontend, "In progress")
    assert len(reasons(requirement)) == len(reasons(fresh(requirement)))  # nothing more to record


def test_work_done_before_the_release_ships_does_not_release_the_requirement(world: Any) -> None:
    requirement, (backend,) = planned(world, "Export to Excel", "Backend")
    move(world, backend, "Done")
    assert fresh(requirement).status == S.IN_PROGRESS
    assert fresh(requirement).released_at is None


def test_an_item_that_concerns_no_requirement_costs_one_query(world: Any, django_assert_num_queries: Any) -> None:
    item = world.extra["item"]
    with django_assert_num_queries(1):
        releases.work_progressed(world.actor("member"), [item.pk])


# --- Shipping ----------------------------------------------------------------------------------------


def test_shipping_releases_the_requirements_whose_work_is_done_and_leaves_the_others(world: Any) -> None:
    owner, release = world.actor("owner"), world.extra["release"]
    done, (a, b) = planned(world, "Export to Excel", "Backend", "Frontend")
    unfinished, (c, d) = planned(world, "Audit log", "Schema", "Screens")
    rejected, (e,) = planned(world, "Blockchain", "Spike")
    for item in (a, b, c, e):
        move(world, item, "Done")
    move(world, d, "In progress")
    requirements.move_status(None, fresh(rejected), S.REJECTED, "No")
    no_work = world.extra["requirement"]  # REQ-1 in 2.0, no work items: nothing holds it back

    shipped = releases.ship(owner, release)

    assert shipped.status == "shipped" and shipped.shipped_at is not None
    assert fresh(release).status == "shipped"
    assert fresh(done).status == S.RELEASED and fresh(done).released_at is not None
    assert reasons(fresh(done))[-1] == (S.IN_PROGRESS, S.RELEASED, "Shipped in 2.0")
    assert fresh(no_work).status == S.RELEASED
    assert fresh(unfinished).status == S.IN_PROGRESS and fresh(unfinished).released_at is None
    assert fresh(rejected).status == S.REJECTED
    assert Activity.objects.filter(verb="shipped", target_type="release", target_id=release.pk).get().changes == {
        "status": ["planned", "shipped"]
    }
    detail = world.client("member").get(f"/api/v1/workspaces/acme/releases/{release.pk}").json()
    rows = {r["key"]: r for r in detail["requirements"]}
    assert rows[unfinished.key]["unfinished"] is True
    assert (rows[unfinished.key]["items_done"], rows[unfinished.key]["items_total"]) == (1, 2)
    assert rows[done.key]["unfinished"] is False and rows[done.key]["status"] == "released"
    assert (detail["released_count"], detail["requirement_count"]) == (2, 4)


def test_the_last_item_done_later_releases_the_requirement_then(world: Any) -> None:
    requirement, (schema, screens) = planned(world, "Audit log", "Schema", "Screens")
    given = feedback_on(world, requirement, "Please log who changed what", submitted_by="member")
    move(world, schema, "Done")
    releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(requirement).status == S.IN_PROGRESS
    assert fresh(given).status == "linked"

    move(world, screens, "Done", by="extra")

    requirement = fresh(requirement)
    assert requirement.status == S.RELEASED
    assert reasons(requirement)[-1] == (S.IN_PROGRESS, S.RELEASED, "Shipped in 2.0")
    assert StatusChange.objects.filter(requirement=requirement).latest("id").actor_id == world.users["extra"].pk
    assert fresh(given).status == "answered" and fresh(given).answered_at is not None
    [told] = Notification.objects.filter(event="requirement.released", recipient=world.users["member"])
    assert told.target_id == requirement.pk and told.context["release"] == "2.0"


def test_a_bulk_edit_that_finishes_the_work_releases_the_requirement(world: Any) -> None:
    requirement, work = planned(world, "Audit log", "Schema", "Screens")
    releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(requirement).status == S.PLANNED  # shipped, but nothing done yet
    bulk(world, work, "Done")
    requirement = fresh(requirement)
    assert requirement.status == S.RELEASED
    assert [r[1] for r in reasons(requirement)] == [S.APPROVED, S.PLANNED, S.RELEASED]


def test_a_bulk_edit_that_starts_work_moves_the_requirement_in_progress(world: Any) -> None:
    requirement, work = planned(world, "Audit log", "Schema")
    bulk(world, work, "In review")
    assert fresh(requirement).status == S.IN_PROGRESS


def test_deleted_work_items_do_not_hold_a_requirement_back(world: Any) -> None:
    requirement, (schema, abandoned) = planned(world, "Audit log", "Schema", "Abandoned spike")
    items.delete_item(world.actor("owner"), abandoned)
    releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(requirement).status == S.PLANNED
    move(world, schema, "Done")
    assert fresh(requirement).status == S.RELEASED


def test_a_requirement_of_a_release_not_shipped_stays_until_it_ships(world: Any) -> None:
    requirement, (schema,) = planned(world, "Audit log", "Schema", release=world.extra["second_release"])
    releases.ship(world.actor("owner"), world.extra["release"])  # another release ships
    move(world, schema, "Done")
    assert fresh(requirement).status == S.IN_PROGRESS
    releases.ship(world.actor("owner"), world.extra["second_release"])
    assert fresh(requirement).status == S.RELEASED


def test_nobody_but_members_ships_and_a_refused_ship_changes_nothing(world: Any) -> None:
    release = world.extra["release"]
    with pytest.raises(PermissionDenied):
        releases.ship(world.actor("guest"), release)
    assert fresh(release).status == "planned"
    assert fresh(world.extra["requirement"]).status == S.NEW


# --- Feedback and the people who gave it -------------------------------------------------------------


def test_linked_feedback_is_answered_unless_closed_and_it_is_recorded(world: Any) -> None:
    requirement, _work = planned(world, "Dark mode everywhere")
    linked = feedback_on(world, requirement, "Dark mode please", submitted_by="member")
    new = feedback_on(world, requirement, "The app hurts my eyes at night", status="new")
    closed = feedback_on(world, requirement, "spam spam", status="closed")
    gone = feedback_on(world, requirement, "deleted one", deleted=True)
    releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(linked).status == "answered" and fresh(new).status == "answered"
    assert fresh(linked).answered_at is not None
    assert fresh(closed).status == "closed" and fresh(closed).answered_at is None
    assert fresh(gone).status == "linked"
    recorded = Activity.objects.filter(target_type="feedback", target_id=linked.pk, verb="answered").get()
    assert recorded.changes["status"] == ["linked", "answered"]
    assert recorded.actor_id == world.users["owner"].pk
    assert not Activity.objects.filter(target_type="feedback", target_id=closed.pk).exists()


def test_a_member_who_gave_feedback_is_told_in_the_app(world: Any) -> None:
    requirement, _work = planned(world, "Dark mode everywhere")
    feedback_on(world, requirement, "Dark mode please", submitted_by="member")
    feedback_on(world, requirement, "Me too", submitted_by="member")
    feedback_on(world, requirement, "And me", submitted_by="guest")  # guests cannot see requirements
    feedback_on(world, requirement, "I ship it myself", submitted_by="owner")  # the actor is not told
    releases.ship(world.actor("owner"), world.extra["release"])
    [told] = Notification.objects.filter(event="requirement.released")
    assert told.recipient_id == world.users["member"].pk
    assert (told.target_type, told.target_id, told.actor_id) == ("requirement", requirement.pk, world.users["owner"].pk)
    assert told.context["release"] == "2.0"
    assert told.url.endswith(f"/requirements/{requirement.number}/")
    response = world.client("member").get("/api/v1/workspaces/acme/notifications")
    assert response.status_code == 200
    assert any("2.0" in n["title"] and "Dark mode everywhere" in n["title"] for n in response.json()["items"])


def subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body_of(message: Any) -> str:
    return next(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/plain"
    )


def test_a_customer_gets_one_email_that_reaches_the_smtp_server(world: Any, smtp: Any) -> None:
    requirement, (schema,) = planned(world, "Sign in with SSO", "SSO backend")
    linda = ("Linda Park", "Linda.Park@example.test")
    feedback_on(world, requirement, "Please add SSO, our IT team insists on it.", customer=linda)
    feedback_on(world, requirement, "Any news on SSO?", customer=("Linda Park", "linda.park@example.test"))
    feedback_on(world, requirement, "希望支持单点登录，我们公司都用 SSO", customer=("王芳", "wang.fang@example.test"))
    feedback_on(world, requirement, "No address given", customer=("Anonymous caller", ""))
    feedback_on(
        world, requirement, "Closed already", customer=("Closed Customer", "closed@example.test"), status="closed"
    )
    releases.ship(world.actor("owner"), world.extra["release"])
    mine = Delivery.objects.filter(channel=Channel.CUSTOMER, key__startswith=f"customer:{requirement.pk}:")
    assert not mine.exists()  # the work is not done yet

    move(world, schema, "Done")

    queued = {d.key: d for d in mine}
    assert set(queued) == {
        f"customer:{requirement.pk}:linda.park@example.test",
        f"customer:{requirement.pk}:wang.fang@example.test",
    }
    assert queued[f"customer:{requirement.pk}:linda.park@example.test"].payload["language"] == "en"
    assert queued[f"customer:{requirement.pk}:wang.fang@example.test"].payload["language"] == "zh-hans"
    assert delivery.deliver_due() >= 2
    addresses = {"linda.park@example.test", "wang.fang@example.test"}
    messages = {m["To"].lower(): m for m in smtp.messages if m["To"].lower() in addresses}
    assert set(messages) == addresses
    english = messages["linda.park@example.test"]
    assert "Sign in with SSO" in subject(english) and "2.0" in subject(english)
    text = body_of(english)
    assert "Linda Park" in text and "Cadence App" in text and "Sign in with SSO" in text and "Thank you" in text
    assert "you gave us feedback" in text  # notify's footer for people without an account
    assert "Sign in with SSO" in subject(messages["wang.fang@example.test"])
    # Nothing is sent twice.
    delivery.deliver_due()
    assert sorted(m["To"].lower() for m in smtp.messages if m["To"].lower() in addresses) == sorted(addresses)


def test_the_language_of_a_customer_email_follows_their_feedback() -> None:
    assert releases.language_of("Please add SSO, 谢谢") == "en"
    assert releases.language_of("希望支持 SSO 登录和 WeCom") == "zh-hans"
    assert releases.language_of("   ") == "zh-hans"


def test_everything_happens_in_the_ship_transaction_or_not_at_all(world: Any, monkeypatch: Any) -> None:
    requirement, _work = planned(world, "Dark mode everywhere")
    given = feedback_on(world, requirement, "Dark mode please", submitted_by="member")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(releases, "emit", broken)
    with pytest.raises(RuntimeError):
        releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(world.extra["release"]).status == "planned"
    assert fresh(requirement).status == S.PLANNED
    assert fresh(given).status == "linked"
    assert not Activity.objects.filter(verb="shipped").exists()


def test_released_requirements_keep_their_release_date(world: Any) -> None:
    requirement, _work = planned(world, "Dark mode everywhere")
    before = timezone.now() - datetime.timedelta(seconds=1)
    releases.ship(world.actor("owner"), world.extra["release"])
    assert fresh(requirement).released_at >= before
