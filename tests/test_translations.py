"""Everything a user sees exists in Simplified Chinese: the catalogue covers every string in the code."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every app of the project (a folder with an apps.py), the project package and the catalogue.
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").is_file())
SOURCES = [*APPS, "cadence", "locale", "manage.py"]


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry, multi-line strings joined; the header left out."""
    result, msgid, msgstr, fuzzy, field = [], "", "", False, ""
    for line in [*po.read_text().splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, field = line[7:-1], "id"
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgstr"):  # msgstr "…", or msgstr[n] "…" for plurals: all must be filled
            text = line.split(" ", 1)[1][1:-1]
            msgstr = msgstr if msgstr and not text else text
            field = "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += line[1:-1]
            elif field == "str":
                msgstr += line[1:-1]
        elif not line.strip():
            if msgid:
                result.append((msgid, msgstr, fuzzy))
            msgid, msgstr, fuzzy, field = "", "", False, ""
    return result


def test_every_string_is_translated_to_chinese(tmp_path: Path) -> None:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    found = entries(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po")
    assert len(found) > 200
    missing = [msgid for msgid, msgstr, fuzzy in found if not msgstr or fuzzy]
    assert missing == [], "untranslated: run `make messages` and translate these"
