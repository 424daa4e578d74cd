"""Who may do what with products, requirements, feedback and releases.

Owners, admins and members read and write all of it: product work is shared across the workspace.
Guests see none of it; a roadmap reaches them through a share link. Only owners and admins choose
the workspace's scoring model.
"""

from core.permissions import MEMBERS, STAFF, declare

declare("product.view", MEMBERS)
declare("product.edit", MEMBERS)
declare("product.settings", STAFF)
