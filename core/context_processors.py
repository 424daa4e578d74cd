from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.actors import Actor
from core.modules import navigation_entries
from core.permissions import can


def navigation(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    """The entries the actor may use. The current one is the one with the longest URL or section
    prefix of the path; an exact entry (Home) only on its own URL."""
    home = reverse("accounts:home", args=[actor.workspace.slug])
    entries = []
    best, best_length = None, 0
    for entry in navigation_entries():
        if not can(actor, entry.capability):
            continue
        url = reverse(entry.url_name, args=[actor.workspace.slug])
        item = {"label": entry.label, "url": url, "icon": entry.icon, "current": False}
        entries.append(item)
        if entry.exact:
            prefixes = [url] if request.path == url else []
        else:
            prefixes = [p for p in [url, *(f"{home}{s}/" for s in entry.sections)] if request.path.startswith(p)]
        for prefix in prefixes:
            if len(prefix) > best_length:
                best, best_length = item, len(prefix)
    if best is not None:
        best["current"] = True
    return entries


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs of core: the current actor and its navigation. accounts adds the
    user's workspaces and notify the unread count (their context processors)."""
    if not request.user.is_authenticated:
        return {}
    actor = getattr(request, "actor", None)
    return {"actor": actor, "navigation": navigation(request, actor) if actor else []}
