#!/usr/bin/env python3
"""Build static/vendor/lucide/sprite.svg: one <symbol> per icon the app uses.

The icons used are found in the code: `{% icon "name" %}` and `{% empty_state "name" %}` in templates,
`icon="name"` in Python (the sidebar's entries), and EXTRA below for names passed in variables.
Their sources are the vendored Lucide SVGs in static/vendor/lucide/icons/ (ISC, see LICENSE there).
A new icon: unpack the package (`npm pack lucide-static && tar xzf lucide-static-*.tgz`) and run
`python3 scripts/build_icons.py --from package/icons`, which copies the sources it needs first.
`--check` fails when the committed sprite is not what this would build (tests/test_ui.py runs it).
"""

import argparse
import re
import shutil
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "lucide"
SOURCES = VENDOR / "icons"
SPRITE = VENDOR / "sprite.svg"
SVG = "http://www.w3.org/2000/svg"
SKIP = {".venv", "node_modules", ".git", "bench", "var"}
USES = [
    (".html", re.compile(r"""\{%\s*(?:icon|empty_state|tab\s+\S+\s+\S+\s+\S+)\s+["']([a-z0-9-]+)["']""")),
    (".py", re.compile(r"""\bicon(?:_name)?=["']([a-z0-9-]+)["']""")),
]
# Names that reach {% icon %} through a variable only.
EXTRA = {"circle", "x", "undo-2", "menu", "panel-left-close"}


def used_icons() -> set[str]:
    names = set(EXTRA)
    for path in ROOT.rglob("*"):
        if path.is_file() and path != Path(__file__).resolve() and not SKIP.intersection(path.relative_to(ROOT).parts):
            for suffix, pattern in USES:
                if path.suffix == suffix:
                    names.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def symbol(name: str) -> str:
    """The icon's drawing as a <symbol>, without the <svg>'s size and class attributes."""
    ElementTree.register_namespace("", SVG)
    # The vendored sources, committed and reviewed: not untrusted input.
    root = ElementTree.fromstring((SOURCES / f"{name}.svg").read_text(encoding="utf-8"))  # noqa: S314
    shapes = "".join(
        ElementTree.tostring(child, encoding="unicode").replace(f' xmlns="{SVG}"', "").strip() for child in root
    )
    return f'<symbol id="{name}" viewBox="{root.get("viewBox", "0 0 24 24")}">{shapes}</symbol>'


def build() -> str:
    names = sorted(used_icons())
    missing = [n for n in names if not (SOURCES / f"{n}.svg").exists()]
    if missing:
        raise SystemExit(f"no source for the icons {missing}: run with --from <lucide-static>/icons")
    body = "\n".join(symbol(name) for name in names)
    return (
        "<!-- Lucide icons (ISC licence, static/vendor/lucide/LICENSE); built by scripts/build_icons.py -->\n"
        f'<svg xmlns="{SVG}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round">\n{body}\n</svg>\n'
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked lucide-static's icons/ folder")
    parser.add_argument("--check", action="store_true", help="fail if the sprite is out of date")
    args = parser.parse_args()
    if args.source:
        SOURCES.mkdir(parents=True, exist_ok=True)
        for name in used_icons():
            if not (SOURCES / f"{name}.svg").exists():
                shutil.copy(args.source / f"{name}.svg", SOURCES / f"{name}.svg")
    sprite = build()
    if args.check:
        if not SPRITE.exists() or SPRITE.read_text(encoding="utf-8") != sprite:
            print("static/vendor/lucide/sprite.svg is out of date: run scripts/build_icons.py", file=sys.stderr)
            return 1
        return 0
    SPRITE.write_text(sprite, encoding="utf-8")
    print(f"{SPRITE.relative_to(ROOT)}: {sprite.count('<symbol')} icons")
    return 0


if __name__ == "__main__":
    sys.exit(main())
