"""Who may do what with goals.

OKRs are open to the whole workspace (transparency is what makes alignment work): owners, admins
and members read them, write objectives and key results, and check in. Guests see none of them.
Owners and admins run the cycles (create, activate, close, reopen a closed one) and set
company-level objectives. Nobody reviews their own key results (goals.services enforces it)."""

from core.permissions import MEMBERS, STAFF, declare

declare("goals.view", MEMBERS)
declare("goals.edit", MEMBERS)
declare("goals.manage", STAFF)
