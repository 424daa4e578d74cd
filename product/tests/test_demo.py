"""The demo's product work: `cadence demo` builds it through the services, loop 1 included."""

from typing import Any

from django.core.management import call_command

from accounts.models import Workspace
from notify.models import Delivery
from product.models import Feedback, FeedbackStatus, Release, ReleaseStatus, Requirement, RequirementStatus, Revision


def test_demo_has_a_requirement_pool_feedback_releases_and_one_shipped_loop(db: Any) -> None:
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    pool = Requirement.objects.filter(workspace=workspace)
    assert pool.count() >= 12
    # Every step of the workflow is shown, and the backlog has scores to rank by.
    assert {
        "new",
        "in_review",
        "approved",
        "rejected",
        "needs_clarification",
        "planned",
        "in_progress",
        "released",
    } <= set(pool.values_list("status", flat=True))
    assert pool.filter(score__isnull=False).count() >= 10
    assert Revision.objects.filter(requirement__in=pool, number=2).exists()

    feedback = Feedback.objects.filter(workspace=workspace)
    assert feedback.count() >= 15
    assert len(set(feedback.values_list("channel", flat=True))) >= 5
    contents = list(feedback.values_list("content", flat=True))
    assert any(text.isascii() for text in contents) and any(not text.isascii() for text in contents)
    assert feedback.filter(status=FeedbackStatus.NEW).exists()
    popular = pool.order_by("-customer_count").first()
    assert popular is not None and popular.customer_count >= 3

    releases = Release.objects.filter(workspace=workspace)
    assert releases.count() >= 2
    assert {"short_term", "long_term"} <= set(releases.values_list("horizon", flat=True))
    shipped = releases.get(status=ReleaseStatus.SHIPPED)
    released = pool.filter(release=shipped, status=RequirementStatus.RELEASED)
    assert released.count() == pool.filter(release=shipped).count() >= 2
    # The loop ran: the feedback behind the shipped work is answered and its customers get an email.
    answered = feedback.filter(requirements__in=released).distinct()
    assert answered and all(f.status == FeedbackStatus.ANSWERED for f in answered)
    addresses = {f.customer.email for f in answered if f.customer and f.customer.email}
    assert (
        addresses
        and set(Delivery.objects.filter(channel="customer").values_list("payload__address", flat=True)) == addresses
    )
