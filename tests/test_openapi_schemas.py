"""What the OpenAPI description promises must be what the API does.

- Schemas are named by their class: two schemas or choice enums of the same name in different apps
  would silently share one description, and one API would be documented (and checked by
  schemathesis) with the other's fields.
- A yes/no in an input must be strict: pydantic would otherwise read 0, 1 or "yes" as a boolean,
  and accept a body the description says is invalid.
"""

import enum
import inspect
import sys
from collections import defaultdict

from ninja import Schema

from cadence.api import api
from core.modules import cadence_apps
from core.schemas import In

APPS = {c.name for c in cadence_apps()} | {"cadence"}


def _our_classes() -> list[type]:
    api.get_openapi_schema()  # imports every router and its schemas
    found = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in APPS:
            found += [
                obj
                for obj in vars(module).values()
                if inspect.isclass(obj) and issubclass(obj, Schema | enum.Enum) and obj.__module__ == name
            ]
    return found


def test_every_schema_and_choice_name_is_used_once() -> None:
    defined: defaultdict[str, set[str]] = defaultdict(set)
    for cls in _our_classes():
        defined[cls.__name__].add(cls.__module__)
    assert {n: sorted(m) for n, m in defined.items() if len(m) > 1} == {}


def test_every_yes_or_no_in_an_input_is_strict() -> None:
    lax = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _our_classes()
        if issubclass(cls, In)
        for name, field in cls.model_fields.items()
        if "bool" in str(field.annotation) and "strict=True" not in str(field.annotation) + str(field.metadata)
    ]
    assert lax == []
