"""Who may do what with goals.

OKRs are open to the whole workspace (transparency is what makes alignment work): owners, admins
and members read them, write objectives and key results, and check in. Guests see none of them.
Owners and admins run the cycles (create, activate, close, reopen a closed one) and set
company-level objectives. Nobody reviews their own key results (goals.services enforces it)."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.permissions import MEMBERS, STAFF, can, declare

if TYPE_CHECKING:
    from accounts.models import Membership
    from goals.models import KeyResult, Objective

declare("goals.view", MEMBERS)
declare("goals.edit", MEMBERS)
declare("goals.manage", STAFF)


def refusal(actor: "Membership", target: "KeyResult | Objective", field: str) -> str | None:
    """Why the actor may not set `field` of `target` (a message), or None when they may."""
    if not can(actor, "goals.edit"):
        return str(PermissionDenied.title)
    own = target.owner_id == actor.user_id
    if field == "self_score" and not own and not can(actor, "goals.manage"):
        return _("Only the key result's owner or an admin gives its self-score.")
    if field == "review_score" and own:
        return _("You own this key result: someone else gives the reviewer's score.")
    if field == "self_assessment" and not own:
        return _("Only the objective's owner writes its self-assessment.")
    if field == "review_note" and own:
        return _("You own this objective: someone else writes the reviewer's assessment.")
    return None
