import functools
from typing import Any

from django.http import HttpRequest

from accounts.queries import workspaces_for


def workspaces(request: HttpRequest) -> dict[str, Any]:
    """The user's workspaces, for the base layout's switcher and the palette (read once, and only
    by a page that shows them)."""
    if not request.user.is_authenticated:
        return {}

    @functools.cache
    def memberships() -> list[Any]:
        return list(workspaces_for(request.user).order_by("workspace__name"))  # type: ignore[arg-type]

    return {"my_memberships": memberships}
