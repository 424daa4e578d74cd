"""Views and API handlers only parse, call a service or a query, and render (STYLE.md rules 2–3);
apps import only downward, with no cycle between them (ARCHITECTURE.md)."""

import ast
import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = sorted(p.parent for p in ROOT.glob("*/apps.py"))


def layer(name: str) -> list[Path]:
    """An app layer's modules: `<app>/<name>.py`, or every module of the package `<app>/<name>/`."""
    return sorted(p for app in APP_DIRS for p in [app / f"{name}.py", *(app / name).glob("*.py")] if p.is_file())


# Views, API handlers and forms read through queries and write through services.
HANDLERS = layer("views") + layer("api") + layer("forms")
FORBIDDEN = re.compile(r"\.objects\.|\.save\(|\.delete\(\)|\.update\(|\.create\(")


def test_handlers_and_forms_never_touch_models_directly() -> None:
    assert HANDLERS, "no views, api or forms modules found"
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in HANDLERS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offences == []


def test_queries_never_import_services() -> None:
    """Reads do not write: a query module importing a service would let a page write by reading."""
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {module}"
        for path in layer("queries")
        for number, module in imports_in(path.read_text())
        if ".services" in f".{module}" or module.endswith("services")
    ]
    assert offences == []


# --- One layout in every app (docs/architecture.md, "Where things go") ---

LAYERS = {"models", "services", "queries", "schemas", "api", "forms", "views", "urls"}
DECLARATIONS = {"apps", "access", "events", "hooks", "jobs", "registration", "demo"}
DJANGO = {"__init__", "migrations", "management", "templates", "templatetags", "tests", "context_processors"}
# What an app keeps besides its layers: pure rules with no database (named for what they compute)
# and the few modules that are an app's own job. core is the shared library and keeps its own names.
OWN = {
    "accounts": {"backup", "names", "web"},
    "notify": {"delivery", "formats", "reminders", "triggers"},
    "sprints": {"charts"},
    "projects": {"health"},
    "product": {"diff", "scoring"},
    "goals": {"progress", "smart"},
}


def test_every_app_has_the_same_layout() -> None:
    strays = {}
    for app in APP_DIRS:
        if app.name == "core":
            continue
        names = {p.stem for p in app.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__")}
        stray = names - LAYERS - DECLARATIONS - DJANGO - OWN.get(app.name, set())
        if stray:
            strays[app.name] = sorted(stray)
    assert strays == {}, "modules outside the layout (docs/architecture.md): add them to a layer"


def test_every_app_with_tests_is_collected() -> None:
    """pytest's testpaths name each app that has tests: a new app's tests must not sit unrun."""
    import tomllib

    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    apps_with_tests = sorted(p.parent.name for p in ROOT.glob("*/tests") if (p.parent / "apps.py").is_file())
    assert set(apps_with_tests) <= set(testpaths)


# --- Dependencies between apps (ARCHITECTURE.md: core ← accounts ← projects ← sprints ← product ← goals;
# notify sits under projects: every app tells people through it, and it knows none of them) ---

ORDER = ["core", "accounts", "notify", "projects", "sprints", "product", "goals"]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def app_imports() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → where, for every import of the apps' code (not their tests or
    migrations), function-local and TYPE_CHECKING ones included; each place names the module."""
    edges: dict[tuple[str, str], list[str]] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts or "migrations" in rel.parts:
                continue
            for line, module in imports_in(path.read_text(encoding="utf-8")):
                top = module.split(".")[0]
                if top in APPS and top != app:
                    edges.setdefault((app, top), []).append(f"{rel}:{line} {module}")
    return edges


def imports_in(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def cycle_in(edges: set[tuple[str, str]]) -> list[str]:
    """One cycle of the graph as a path (a → b → … → a), or [] when there is none."""
    following: dict[str, list[str]] = {}
    for source, target in sorted(edges):
        following.setdefault(source, []).append(target)
    done: set[str] = set()

    def walk(app: str, path: list[str]) -> list[str]:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return []
        for target in following.get(app, []):
            found = walk(target, [*path, app])
            if found:
                return found
        done.add(app)
        return []

    for app in sorted(following):
        found = walk(app, [])
        if found:
            return found
    return []


def test_the_import_parser_sees_lazy_and_type_checking_imports() -> None:
    source = """
from typing import TYPE_CHECKING
import projects.models
if TYPE_CHECKING:
    from goals.models import Objective
def later():
    from product import releases
    from . import sibling
"""
    assert imports_in(source) == [(2, "typing"), (3, "projects.models"), (5, "goals.models"), (7, "product")]
    assert ("sprints", "projects") in app_imports()
    assert cycle_in({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert cycle_in({("a", "b"), ("b", "c")}) == []


def test_projects_imports_no_app_above_it_and_only_notify_events() -> None:
    """Reactions above projects (requirements, key results) are subscribers of its hooks; it tells
    people through notify.events only."""
    offences = [
        place
        for (source, target), places in app_imports().items()
        if source == "projects"
        for place in places
        if target in ("sprints", "product", "goals")
        or (target == "notify" and place.split()[-1] not in ("notify", "notify.events"))
    ]
    assert offences == []


def test_no_app_imports_one_above_it() -> None:
    rank = {app: i for i, app in enumerate(ORDER)}
    upward = {
        edge: places[:3]
        for edge, places in app_imports().items()
        if edge[0] in rank and edge[1] in rank and rank[edge[1]] > rank[edge[0]]
    }
    assert upward == {}


def test_no_import_cycle_between_apps() -> None:
    edges = app_imports()
    cycle = cycle_in(set(edges))
    where = [edges[(a, b)][0] for a, b in itertools.pairwise(cycle)]
    assert cycle == [], f"import cycle {' → '.join(cycle)}: {where}"
