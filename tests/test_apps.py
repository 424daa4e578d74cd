"""Every app declares itself in its AppConfig (core.modules), and the project wires what is declared:
an app, or a part of one, that is not declared would sit there unused without anyone noticing."""

import ast
import importlib
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from ninja import Router

from core.modules import CadenceAppConfig, cadence_apps, navigation_entries

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# A conventional file and the declaration that must name it.
PARTS = {
    "api.py": ("api", "{app}.api:router"),
    "urls.py": ("urls", "{app}.urls"),
    "demo.py": ("demo", "{app}.demo"),
    "tests/world.py": ("test_world", "{app}.tests.world"),
    "tests/access.py": ("test_access", "{app}.tests.access"),
}


def test_every_app_is_installed_and_declares_itself() -> None:
    assert [c.name for c in cadence_apps()] == [a for a in settings.INSTALLED_APPS if a in APP_DIRS]
    assert set(APP_DIRS) == {c.name for c in cadence_apps()}
    for name in APP_DIRS:
        assert isinstance(apps.get_app_config(name), CadenceAppConfig), name


def test_every_app_is_tested_and_packaged() -> None:
    testpaths = PYPROJECT["tool"]["pytest"]["ini_options"]["testpaths"]
    packaged = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    for name in APP_DIRS:
        assert name in testpaths, f"{name} is missing from pytest's testpaths"
        assert f"{name}*" in packaged, f"{name} is missing from the packages setuptools installs"


def test_conventional_files_are_declared_and_declarations_resolve() -> None:
    for config in cadence_apps():
        for file, (attribute, expected) in PARTS.items():
            declared = getattr(config, attribute)
            package = ROOT / config.name / file.removesuffix(".py") / "__init__.py"
            if (ROOT / config.name / file).is_file() or package.is_file():
                assert declared == expected.format(app=config.name), f"{config.name} does not declare {file}"
            else:
                assert declared is None, f"{config.name} declares {attribute} but has no {file}"
        if config.api:
            assert isinstance(config.api_router(), Router)
        if config.urls:
            module = importlib.import_module(config.urls)
            assert module.app_name == config.label and module.urlpatterns
        if config.demo:
            assert callable(config.part("demo").build)  # type: ignore[union-attr]
        if config.test_world:
            assert callable(config.part("test_world").extend)  # type: ignore[union-attr]
        if config.test_access:
            assert config.part("test_access").CASES  # type: ignore[union-attr]


def _declares_at_import(path: Path) -> bool:
    """The module declares something by being imported: a top-level declare(...) call
    (capabilities, notification events, hooks) or a @periodic / @drain function."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "declare":
                return True
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name) and target.id in {"periodic", "drain"}:
                    return True
    return False


def test_modules_that_declare_at_import_are_imported_when_the_app_is_ready() -> None:
    for config in cadence_apps():
        for path in sorted((ROOT / config.name).glob("*.py")):
            if _declares_at_import(path):
                assert f"{config.name}.{path.stem}" in config.declarations, f"{path} declares but is not imported"


def test_navigation_entries_resolve_in_order() -> None:
    entries = navigation_entries()
    assert [e.order for e in entries] == sorted({e.order for e in entries}), "two entries share a place"
    assert entries[0].url_name == "accounts:home"
    for entry in entries:
        assert reverse(entry.url_name, args=["acme"]).startswith("/w/acme/")
