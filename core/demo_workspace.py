"""The demo workspace: each app adds its part through the `build(context)` of the demo module it
declares (core.modules), in the order of INSTALLED_APPS, so later modules extend the same realistic
organisation."""

from typing import Any

from django.db import transaction
from django.utils import translation

from core.modules import cadence_apps

DEMO_EMAIL = "demo@cadence.local"
DEMO_PASSWORD = "cadence-demo"  # noqa: S105 (the documented demo login)
DEMO_SLUG = "demo"


@transaction.atomic
def build_demo() -> dict[str, Any]:
    context: dict[str, Any] = {}
    # The demo company works in Chinese: what the services name in the creator's language (workflow
    # states, saved views) is Chinese whatever language the building process runs in.
    with translation.override("zh-hans"):
        for config in cadence_apps():
            module = config.part("demo")
            if module is not None:
                module.build(context)
    return context
