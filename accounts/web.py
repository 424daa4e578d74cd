"""The actor of a web request: the signed-in user's membership in the workspace of the URL."""

from django.http import HttpRequest

from accounts.models import Membership
from accounts.queries import membership_for


def actor_for(request: HttpRequest, workspace: str) -> Membership:
    """The signed-in user's membership in the workspace of the URL (NotFound otherwise)."""
    actor = membership_for(request.user, workspace)  # type: ignore[arg-type]
    request.actor = actor  # type: ignore[attr-defined]  # the shell shows it
    return actor
