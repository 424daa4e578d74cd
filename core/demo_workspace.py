"""The demo workspace: each app adds its part through a `demo.build(context)` function, in the
order of INSTALLED_APPS, so later modules extend the same realistic organisation."""

import importlib
from typing import Any

from django.apps import apps
from django.db import transaction

DEMO_EMAIL = "demo@cadence.local"
DEMO_PASSWORD = "cadence-demo"  # noqa: S105 (the documented demo login)
DEMO_SLUG = "demo"


@transaction.atomic
def build_demo() -> dict[str, Any]:
    context: dict[str, Any] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as e:
            if e.name != f"{config.name}.demo":
                raise
            continue
        module.build(context)
    return context
