"""What each Cadence app declares about itself, in one place: its AppConfig.

An app subclasses `CadenceAppConfig` and names its parts; the project wires what the apps declare
(the API in `cadence/api.py`, the URLs in `cadence/urls.py`, the navigation, the demo, the test world
and the access matrix), so adding a module is: write the app, declare it, add it to INSTALLED_APPS.
Parts are dotted paths, imported when they are wired, so declaring costs nothing at import time.
"""

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url_name: str  # takes the workspace slug as its one argument
    capability: str  # shown to those who have it
    order: int  # place in the sidebar, across apps (Home is 0, Settings last)
    icon: str = "circle"  # a name of the icon sprite (scripts/build_icons.py)
    # Other sections of the workspace that belong to this entry, as the first part of their path
    # under the workspace ("items" marks Projects current on /w/acme/items/APP-1/).
    sections: tuple[str, ...] = ()
    # Current only on its own URL, not on the pages under it (Home's URL prefixes every page).
    exact: bool = False


@dataclass(frozen=True)
class HomePanel:
    """A panel of the workspace home ("my day"), declared by the app whose objects it shows.

    `context` ("goals.home:check_ins_due") is called with the actor and returns the template's
    context, or None when the panel is not for this person (no right to see its objects). The
    template renders its own empty state. The function reads a bounded number of rows with a fixed
    number of queries, whatever the size of the workspace."""

    name: str  # its id on the page: "home-<name>"
    title: Any
    template: str
    context: str
    order: int  # place on the home page, across apps


class CadenceAppConfig(AppConfig):
    # When Django looks for the AppConfig in an app's apps.py, which imports this class too, only
    # the app's own subclass is a candidate.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    # The API router ("goals.api:router"), mounted at /api/v1/ in INSTALLED_APPS order.
    api: str | None = None
    # The URL module ("goals.urls"), included at the site's root.
    urls: str | None = None
    navigation: Sequence[NavEntry] = ()
    home_panels: Sequence[HomePanel] = ()
    # Modules imported when the app is ready: they declare capabilities, notification events, hooks
    # and periodic jobs by being imported (`declare(...)`, `@periodic(...)`).
    declarations: Sequence[str] = ()
    # `build(context)`: the app's part of the demo workspace, built in INSTALLED_APPS order.
    demo: str | None = None
    # `extend(world)`: the app's objects in the test world; `CASES`: its operations in the access matrix.
    test_world: str | None = None
    test_access: str | None = None

    def ready(self) -> None:
        for name in self.declarations:
            importlib.import_module(name)
        self.register()

    def register(self) -> None:
        """Object types (core.registry) and hook subscriptions (core.hooks); runs once, at startup."""

    def api_router(self) -> Any:
        return import_string(self.api.replace(":", ".")) if self.api else None

    def part(self, attribute: str) -> ModuleType | None:
        name = getattr(self, attribute)
        return importlib.import_module(name) if name else None


def cadence_apps() -> list[CadenceAppConfig]:
    """The installed Cadence apps, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, CadenceAppConfig)]


def navigation_entries() -> list[NavEntry]:
    return sorted((entry for config in cadence_apps() for entry in config.navigation), key=lambda e: e.order)


def home_panels() -> list[HomePanel]:
    return sorted((panel for config in cadence_apps() for panel in config.home_panels), key=lambda p: p.order)


def home_panel_context(panel: HomePanel, actor: Any) -> dict[str, Any] | None:
    return import_string(panel.context.replace(":", "."))(actor)  # type: ignore[no-any-return]
