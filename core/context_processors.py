from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the current membership and the user's other workspaces."""
    from accounts.queries import workspaces_for

    if not request.user.is_authenticated:
        return {}
    return {
        "actor": getattr(request, "actor", None),
        "my_memberships": lambda: list(workspaces_for(request.user).order_by("workspace__name")),  # type: ignore[arg-type]
    }
