"""Every verb and field that the activity log can hold has a label in both languages, and history
shows values by name: a sprint's name, a choice's label, never an id or a code."""

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from core import labels
from core.activity import record
from core.registry import all_types
from projects.services import items

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _record_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "bench"} or "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(relative))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) >= 2:
                calls.append((f"{relative}:{node.lineno}", node))
    return calls


def recorded_verbs() -> dict[str, str]:
    """Each literal verb of a `record(actor, verb, ...)` call, with where it is recorded."""
    verbs = {}
    for where, call in _record_calls():
        verb = call.args[1]
        if isinstance(verb, ast.Constant) and isinstance(verb.value, str):
            verbs[verb.value] = where
    return verbs


def recorded_fields() -> dict[tuple[str, str], str]:
    """Each literal field name of the changes of a `record(...)` call, and each field of every
    registered type's model, with where it comes from."""
    found: dict[tuple[str, str], str] = {}
    for where, call in _record_calls():
        changes = call.args[3] if len(call.args) > 3 else None
        for node in ast.walk(changes) if changes is not None else []:
            if isinstance(node, ast.Dict):
                names = [k for k in node.keys if isinstance(k, ast.Constant)]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "snapshot" and len(node.args) > 1:
                names = [e for e in getattr(node.args[1], "elts", []) if isinstance(e, ast.Constant)]
            else:
                continue
            for name in names:
                if isinstance(name.value, str):
                    found[("", name.value)] = where
    for object_type in all_types():
        for field in object_type.model._meta.get_fields():
            forward = field.concrete or (field.many_to_many and not field.auto_created)
            if forward and field.name not in labels.UNRECORDED_FIELDS:
                found[(object_type.name, field.name)] = f"{object_type.model.__name__}.{field.name}"
    return found


def assert_words(texts: dict[str, str], *, chinese: bool) -> None:
    """Words for people: no code with underscores, and Chinese in Chinese."""
    codes = {key: text for key, text in texts.items() if "_" in text}
    assert not codes, f"labels that read as codes: {codes}"
    if chinese:
        untranslated = {key: text for key, text in texts.items() if not CHINESE.search(text)}
        assert not untranslated, f"labels without a Chinese translation: {untranslated}"


def test_the_walk_finds_what_services_record() -> None:
    assert {"time_logged", "dependency_added", "field_created", "member_added", "reminders_changed"} <= set(
        recorded_verbs()
    )
    fields = {name for _, name in recorded_fields()}
    assert {"owner", "priority", "sprint", "blocked_by", "logged_hours", "column"} <= fields


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_recorded_verb_has_a_label(language: str) -> None:
    with translation.override(language):
        missing = {verb: where for verb, where in recorded_verbs().items() if verb not in labels.VERB_LABELS}
        assert not missing, f"verbs without a label in core/labels.py: {missing}"
        texts = {verb: str(label) for verb, label in labels.VERB_LABELS.items()}
        assert_words(texts, chinese=language == "zh-hans")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_recorded_field_has_a_label(language: str) -> None:
    with translation.override(language):
        missing = {
            f"{type_name or '*'}.{name}": where
            for (type_name, name), where in recorded_fields().items()
            if not labels.has_field_label(type_name, name)
        }
        assert not missing, f"fields without a label in core/labels.py: {missing}"
        texts = {f"{t}.{name}": str(labels.field_label(t, name)) for t, name in recorded_fields()}
        assert_words(texts, chinese=language == "zh-hans")


def test_every_registered_type_has_a_label() -> None:
    with translation.override("zh-hans"):
        assert_words({t.name: str(labels.TYPE_LABELS.get(t.name, t.name)) for t in all_types()}, chinese=True)


def test_a_verb_or_a_field_without_a_label_cannot_be_recorded(world: Any) -> None:
    owner = world.actor("owner")
    with pytest.raises(ValueError, match="frobnicated"):
        record(owner, "frobnicated", world.department)
    with pytest.raises(ValueError, match="gizmo"):
        record(owner, "updated", world.department, {"gizmo": [None, 1]})


def chinese_client(world: Any, role: str) -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="zh-hans")
    client = Client()
    client.force_login(world.users[role])
    return client


def test_history_shows_the_sprint_by_name_and_the_priority_by_label(world: Any) -> None:
    item = world.extra["sprint_item"]
    sprint = world.extra["next_sprint"]
    items.update_item(world.actor("owner"), item, version=item.version, sprint_id=sprint.pk, priority="high")
    sprint.name = "Renamed later"  # history tells what it was called when the item moved
    sprint.save(update_fields=["name"])

    english = Client()
    User.objects.filter(pk=world.users["owner"].pk).update(language="en")
    english.force_login(world.users["owner"])
    page = english.get(f"/w/acme/items/{item.key}/").content.decode()
    assert "Sprint: Sprint 1 → Sprint 2" in page
    assert "Priority: Medium → High" in page

    page = chinese_client(world, "owner").get(f"/w/acme/items/{item.key}/").content.decode()
    assert "迭代：Sprint 1 → Sprint 2" in page or "迭代: Sprint 1 → Sprint 2" in page
    assert "优先级" in page and "sprint:" not in page and "priority:" not in page
