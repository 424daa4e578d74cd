"""The hot lists write their rows by hand (core.api.json_response); these helpers hold them to the
schema the endpoint declares."""

import json
from typing import Any

from ninja.responses import NinjaJSONEncoder


def as_the_schema_writes(schema: Any, objects: list[Any]) -> Any:
    """`objects` as the API writes them through `schema` (its dump in django-ninja's encoder), read
    back with every object's keys in their order."""
    body = json.dumps([schema.from_orm(obj).model_dump() for obj in objects], cls=NinjaJSONEncoder)
    return json.loads(body, object_pairs_hook=list)


def as_written(content: bytes) -> Any:
    """A response body read back with every object's keys in their order."""
    return json.loads(content, object_pairs_hook=list)
