"""What the OpenAPI description promises must be what the API does.

- Schemas are named by their class: two schemas or choice enums of the same name in different apps
  would silently share one description, and one API would be documented (and checked by
  schemathesis) with the other's fields.
- A yes/no in an input must be strict: pydantic would otherwise read 0, 1 or "yes" as a boolean,
  and accept a body the description says is invalid.
- The served description is valid OpenAPI 3.1, so that client generators take it; its operations
  are named by a verb and what it acts on (`createWorkItem`), not by the module that holds them.
"""

import enum
import inspect
import re
import sys
import tomllib
import zoneinfo
from collections import Counter, defaultdict
from typing import Any

from django.test import Client
from ninja import Schema
from openapi_spec_validator import OpenAPIV31SpecValidator

from cadence.api import api
from core.modules import cadence_apps
from core.schemas import In
from notify.events import event_types
from projects.queries import filters
from tests.processes import ROOT

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


# What an operation does, as the first word of its id. A new verb is a choice: add it here.
VERBS = """
    list get create update delete restore move add remove set change revoke accept upload download watch unwatch
    transition export bulkUpdate log start close mark test retry link unlink submit confirm renew rank compare activate
    reopen ship check score assess search
""".split()  # noqa: SIM905 (a list of 40 words reads better as words)
OPERATION_ID = re.compile(rf"^(?:{'|'.join(VERBS)})(?:[A-Z][a-z]+)+$")


def _served_description() -> Any:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(description: Any) -> list[dict[str, Any]]:
    return [operation for item in description["paths"].values() for operation in item.values()]


def test_the_served_description_is_valid_openapi() -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV31SpecValidator(_served_description()).iter_errors()
    ]
    assert errors == []


def test_operation_ids_are_unique_camel_case_verbs() -> None:
    ids = [operation["operationId"] for operation in _operations(_served_description())]
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_operation_is_in_one_chapter() -> None:
    assert [o["operationId"] for o in _operations(_served_description()) if len(o.get("tags", [])) != 1] == []


def test_a_whole_number_written_with_a_point_is_an_integer(world: Any) -> None:
    """JSON Schema counts 1.0 as an integer, and so does the API; 1.5 is still refused."""
    client, user = world.client("member"), world.users["member"]
    url = f"/api/v1/workspaces/acme/objects/department/{world.department.pk}/comments"
    created = client.post(url, {"body": "first"}, content_type="application/json").json()
    edit = "/api/v1/workspaces/acme/comments/{}".format(created["id"])
    half = client.patch(edit, {"version": 1.5, "body": "second"}, content_type="application/json")
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "version"
    whole = client.patch(
        edit, {"version": float(created["version"]), "body": "second"}, content_type="application/json"
    )
    assert whole.status_code == 200, whole.json()
    assert whole.json()["version"] == created["version"] + 1
    me = client.patch(
        "/api/v1/me", {"version": float(user.version), "display_name": "Carol"}, content_type="application/json"
    )
    assert me.status_code == 200, me.json()


def test_a_decimal_as_text_is_described_as_the_text_the_api_reads(world: Any) -> None:
    """weekly_hours was described as any string, yet "" was refused: the description now says
    which text, and the API agrees with it both ways."""
    weekly_hours = _served_description()["components"]["schemas"]["ProjectMemberIn"]["properties"]["weekly_hours"]
    pattern = re.compile(next(b["pattern"] for b in weekly_hours["anyOf"] if b["type"] == "string"))
    url = "/api/v1/workspaces/acme/projects/WEB/members"
    client, admin = world.client("owner"), world.users["admin"].pk
    for text in ["", "40 h", "12.25"]:
        assert not pattern.match(text)
        response = client.post(url, {"user": admin, "weekly_hours": text}, content_type="application/json")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "weekly_hours", text
    assert pattern.match("12.5")
    response = client.post(url, {"user": admin, "weekly_hours": "12.5"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["weekly_hours"] == "12.5"


def test_every_decimal_of_an_input_describes_its_text() -> None:
    vague = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _our_classes()
        if issubclass(cls, In)
        for name, field in cls.model_fields.items()
        if "Decimal" in str(field.annotation) and "DecimalText" not in str(field.annotation) + str(field.metadata)
    ]
    assert vague == []


def test_schemathesis_names_only_operations_that_exist() -> None:
    config = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    named = {i for operations in config["operations"] for i in operations.get("include-operation-id", [])}
    assert named - {o["operationId"] for o in _operations(_served_description())} == set()


def test_every_bound_is_described_in_json_schema_words() -> None:
    """A validator placed before `Field(ge=…)` makes pydantic write the bound under its own name
    (`ge`, `decimal_places`), which no client or schemathesis reads: the bound was not described."""
    pydantic_words = {"ge", "gt", "le", "lt", "max_digits", "decimal_places", "strict"}
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, where)
        elif isinstance(node, dict):
            for key, child in node.items():
                if key == "properties":
                    for name, schema in child.items():
                        walk(schema, f"{where}.{name}")
                else:
                    if key in pydantic_words:
                        found.append(f"{where}: {key}")
                    walk(child, where)

    walk(_served_description(), "")
    assert found == []


def _schemas() -> Any:
    return _served_description()["components"]["schemas"]


def test_a_day_is_described_from_1970_to_2999(world: Any) -> None:
    """JSON Schema has no bounds for a date: the years are said by a pattern, as the API reads them."""
    pattern = re.compile(_schemas()["MilestoneIn"]["properties"]["due_date"]["pattern"])
    assert pattern.match("1970-01-01") and pattern.match("2999-12-31")
    url = "/api/v1/workspaces/acme/projects/WEB/milestones"
    for text in ["0042-10-04", "3000-01-01", "2026-13-01"]:
        assert not pattern.match(text)
        response = world.client("owner").post(url, {"name": "Beta", "due_date": text}, content_type="application/json")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "due_date", text


def test_an_event_name_is_described_as_one_of_the_declared_events() -> None:
    names = sorted(event.name for event in event_types())
    assert _schemas()["ReadAllIn"]["properties"]["event"]["anyOf"][0]["enum"] == names
    inbox = _served_description()["paths"]["/api/v1/workspaces/{workspace}/notifications"]["get"]
    event = next(p for p in inbox["parameters"] if p["name"] == "event")
    assert event["schema"]["anyOf"][0]["enum"] == names


def test_a_saved_view_query_is_described_by_the_list_filters(world: Any) -> None:
    query = _schemas()["SavedViewIn"]["properties"]["query"]
    assert query["additionalProperties"] is False and set(query["properties"]) == set(filters.FILTERS)
    url = "/api/v1/workspaces/acme/projects/WEB/views"
    response = world.client("owner").post(
        url, {"name": "Mine", "query": {"colour": "red"}}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "colour"


def test_a_bulk_update_is_described_as_setting_something() -> None:
    """An empty `set` is refused, and so is a priority taken away (null): neither is described."""
    bulk_set = _schemas()["BulkSet"]
    assert bulk_set["minProperties"] == 1
    assert {"type": "null"} not in bulk_set["properties"]["priority"].get("anyOf", [])


def test_quiet_hours_are_described_without_an_offset(world: Any) -> None:
    quiet_start = _schemas()["PreferencesIn"]["properties"]["quiet_start"]["anyOf"][0]
    pattern = re.compile(quiet_start["pattern"])
    assert pattern.match("22:00") and pattern.match("07:30:15.5")
    client, url = world.client("member"), "/api/v1/workspaces/acme/notification-preferences"
    for text in ["22:00:00Z", "22:00+08:00", "24:00", "10 pm"]:
        assert not pattern.match(text)
        body = {"version": 1, "quiet_start": text, "quiet_end": "07:00"}
        response = client.put(url, body, content_type="application/json")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "quiet_start", text


def test_a_time_zone_is_described_by_the_form_of_its_name() -> None:
    """Which names exist is the server's time zone database (a business rule in schemathesis.toml)."""
    for schema in [
        _schemas()["MePatch"]["properties"]["time_zone"]["anyOf"][0],
        _schemas()["ReminderSettingsIn"]["properties"]["time_zone"],
    ]:
        pattern = re.compile(schema["pattern"])
        assert [name for name in zoneinfo.available_timezones() if not pattern.match(name)] == []
        assert not pattern.match("+08:00") and not pattern.match("Asia/ Shanghai")


def test_an_upload_is_described_as_its_one_file() -> None:
    """A form field that is not `file` is refused: the description says no other field is allowed."""
    upload = _served_description()["paths"][
        "/api/v1/workspaces/{workspace}/objects/{target_type}/{target_id}/attachments"
    ]
    form = upload["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["additionalProperties"] is False and form["required"] == ["file"]


def test_a_customer_email_is_described_by_a_form_the_api_accepts(world: Any) -> None:
    pattern = re.compile(_schemas()["FeedbackPatch"]["properties"]["customer_email"]["anyOf"][0]["pattern"])
    assert pattern.match("") and pattern.match("li.na+cadence@mail.example.com")
    for text in ["0000", "li.na@", "@example.com", "li na@example.com"]:
        assert not pattern.match(text), text
