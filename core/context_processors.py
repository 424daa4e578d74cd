from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.actors import Actor
from core.modules import navigation_entries
from core.permissions import can


def navigation(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    """The entries the actor may use; the current one is the longest that prefixes the path."""
    entries = [
        {"label": entry.label, "url": reverse(entry.url_name, args=[actor.workspace.slug])}
        for entry in navigation_entries()
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
