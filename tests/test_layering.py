"""Views and API handlers only parse, call a service or a query, and render (STYLE.md rules 2–3)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = sorted(p for name in ("views*.py", "api*.py") for p in ROOT.glob(f"*/{name}") if ".venv" not in p.parts)
FORBIDDEN = re.compile(r"\.objects\.|\.save\(|\.delete\(\)|\.update\(|\.create\(")


def test_handlers_never_touch_models_directly() -> None:
    assert HANDLERS, "no views or api modules found"
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in HANDLERS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offences == []


def test_every_app_with_tests_is_collected() -> None:
    """pytest's testpaths name each app that has tests: a new app's tests must not sit unrun."""
    import tomllib

    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    apps_with_tests = sorted(p.parent.name for p in ROOT.glob("*/tests") if (p.parent / "apps.py").is_file())
    assert set(apps_with_tests) <= set(testpaths)
