from typing import Any

from django.http import HttpRequest

from accounts.models import Theme
from accounts.queries import workspaces_for


def workspaces(request: HttpRequest) -> dict[str, Any]:
    """The user's workspaces, for the base layout's switcher (read only by a page that shows it), and
    the themes of the account menu."""
    if not request.user.is_authenticated:
        return {}
    return {
        "my_memberships": lambda: list(workspaces_for(request.user).order_by("workspace__name")),  # type: ignore[arg-type]
        "theme_choices": Theme.choices,
    }
