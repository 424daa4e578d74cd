from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.permissions import can


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url_name: str  # takes the workspace slug as its one argument
    capability: str  # shown to those who have it


# The workspace navigation: a module adds its entry here, in one line.
NAVIGATION = [
    NavEntry(_("Home"), "accounts:home", "workspace.view"),
    NavEntry(_("My work"), "projects:my_work", "project.view"),
    NavEntry(_("Notifications"), "notify:inbox", "notification.use"),
    NavEntry(_("Projects"), "projects:list", "project.view"),
    NavEntry(_("Requirements"), "product:backlog", "product.view"),
    NavEntry(_("Feedback"), "product:feedback-inbox", "product.view"),
    NavEntry(_("Roadmap"), "product:roadmap", "product.view"),
    NavEntry(_("Goals"), "goals:tree", "goals.view"),
    NavEntry(_("People"), "accounts:people", "member.view"),
    NavEntry(_("Departments"), "accounts:departments", "department.view"),
    NavEntry(_("Teams"), "accounts:teams", "team.view"),
    NavEntry(_("Activity"), "core:activity", "activity.view"),
    NavEntry(_("Trash"), "core:trash", "trash.view"),
    NavEntry(_("Settings"), "accounts:settings", "workspace.edit"),
]


def navigation(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    """The entries the actor may use; the current one is the longest that prefixes the path."""
    entries = [
        {"label": entry.label, "url": reverse(entry.url_name, args=[actor.workspace.slug])}
        for entry in NAVIGATION
        if can(actor, entry.capability)
    ]
    current = max((e["url"] for e in entries if request.path.startswith(e["url"])), key=len, default=None)
    for entry in entries:
        entry["current"] = entry["url"] == current
    return entries


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs of core: the current actor and its navigation. accounts adds the
    user's workspaces and notify the unread count (their context processors)."""
    if not request.user.is_authenticated:
        return {}
    actor = getattr(request, "actor", None)
    return {"actor": actor, "navigation": navigation(request, actor) if actor else []}
