"""The words the web shows for object types, activity verbs and changed fields."""

from django.utils.translation import gettext_lazy as _

TYPE_LABELS = {
    "workspace": _("Workspace"),
    "member": _("Member"),
    "department": _("Department"),
    "team": _("Team"),
    "comment": _("Comment"),
    "attachment": _("Attachment"),
}

VERB_LABELS = {
    "created": _("created"),
    "updated": _("updated"),
    "deleted": _("moved to trash"),
    "restored": _("restored"),
    "purged": _("purged"),
    "commented": _("commented on"),
    "attached": _("attached a file to"),
    "joined": _("joined"),
    "added": _("added"),
    "removed": _("removed"),
    "invited": _("invited"),
    "invitation_revoked": _("revoked an invitation to"),
}

FIELD_LABELS = {
    "name": _("Name"),
    "description": _("Description"),
    "parent": _("Parent department"),
    "head": _("Head"),
    "lead": _("Lead"),
    "kind": _("Kind"),
    "members": _("Members"),
    "role": _("Role"),
    "department": _("Department"),
    "title": _("Job title"),
    "invitation": _("Invitation"),
    "body": _("Comment"),
    "attachment": _("Attachment"),
}
