from typing import Any

from django.http import HttpRequest

from notify.queries import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count of the current actor, for the base layout (read only by a page that shows it)."""
    if not request.user.is_authenticated:
        return {}
    actor = getattr(request, "actor", None)
    return {"unread_count": (lambda: unread_count(actor)) if actor else 0}
