"""The home page's panel of product work waiting for me: requirements I own that need my
decision, and new feedback on products I own that nobody has triaged."""

from typing import TYPE_CHECKING, Any

from core.permissions import can
from product.models import Feedback, FeedbackStatus, Requirement, RequirementStatus

if TYPE_CHECKING:
    from accounts.models import Membership

SHOWN = 6
# The statuses in which a requirement waits for its owner (to review, decide or clarify).
WAITING = (RequirementStatus.NEW, RequirementStatus.IN_REVIEW, RequirementStatus.NEEDS_CLARIFICATION)


def waiting_for_me(actor: "Membership") -> dict[str, Any] | None:
    """Four queries: the first rows and the count of each list."""
    if not can(actor, "product.view"):
        return None
    requirements_qs = Requirement.objects.filter(
        workspace_id=actor.workspace_id, owner_id=actor.user_id, status__in=WAITING
    )
    feedback_qs = Feedback.objects.filter(
        workspace_id=actor.workspace_id, status=FeedbackStatus.NEW, product__owner_id=actor.user_id
    )
    requirements = list(requirements_qs.order_by("-id")[:SHOWN])
    feedback = list(feedback_qs.select_related("customer").order_by("-id")[:SHOWN])
    return {
        "requirements": requirements,
        "requirement_count": requirements_qs.count(),
        "feedback": feedback,
        "feedback_count": feedback_qs.count(),
        "empty": not requirements and not feedback,
    }
