"""core is the lowest layer: it imports no app, and what it needs of people comes from accounts."""

import ast
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from core import actors

CORE = Path(__file__).resolve().parents[1]


def test_core_imports_no_app() -> None:
    other_apps = {config.name for config in apps.get_app_configs()} - {"core"}
    found = []
    for path in CORE.rglob("*.py"):
        if "tests" in path.relative_to(CORE).parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            found += [f"{path.relative_to(CORE)}:{node.lineno} {n}" for n in names if n.split(".")[0] in other_apps]
    assert found == []


def test_without_a_directory_of_people_core_says_so(monkeypatch: Any) -> None:
    monkeypatch.setattr(actors, "_directory", None)
    with pytest.raises(ImproperlyConfigured, match="accounts"):
        actors.actor_in(None, "acme")
