"""`scripts/run` serves where HOST and PORT say, and absolute links (share links, invitations,
password resets) point there too unless SITE_URL names another address."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_env(**env: str) -> tuple[dict[str, str], str]:
    """What `scripts/run --print-env` says it would serve with, and what it warned about."""
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL"}}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts/run"), "--print-env"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    return dict(line.split("=", 1) for line in done.stdout.splitlines()), done.stderr


def test_the_site_url_follows_the_port() -> None:
    env, warnings = run_env(PORT="8021")
    assert env == {"HOST": "127.0.0.1", "PORT": "8021", "SITE_URL": "http://127.0.0.1:8021"}
    assert warnings == ""
    # The settings that build share links read it.
    code = "from cadence import settings; print(settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS)"
    shown = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["http://127.0.0.1:8021", "['http://127.0.0.1:8021']"]


def test_defaults_and_hosts() -> None:
    assert run_env()[0]["SITE_URL"] == "http://127.0.0.1:8000"
    assert run_env(HOST="localhost", PORT="9001")[0]["SITE_URL"] == "http://localhost:9001"
    assert run_env(HOST="::1", PORT="9001")[0]["SITE_URL"] == "http://[::1]:9001"
    env, warnings = run_env(HOST="0.0.0.0", PORT="9001")  # noqa: S104  # printed, never bound
    assert env["SITE_URL"] == "http://127.0.0.1:9001" and "SITE_URL" in warnings


def test_a_site_url_that_is_set_is_kept() -> None:
    env, _ = run_env(PORT="8021", SITE_URL="https://cadence.example.com")
    assert env["SITE_URL"] == "https://cadence.example.com"
