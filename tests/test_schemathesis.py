"""Schemathesis, every phase and every check, over every operation of a live server on a demo
database: no server error, no response outside the schema, no invalid input accepted, and no
schema-valid input refused (but by the business rules schemathesis.toml lists)."""

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.processes import BIN, ROOT, cadence, environment, free_port


@pytest.fixture
def server(tmp_path: Path) -> Any:
    env = environment(tmp_path, "st")
    cadence(env, "migrate", "--noinput")
    cadence(env, "demo")
    # schemathesis.toml points DELETE /me/tokens/{id} at the spare token, never at the one in use.
    token = cadence(
        env,
        "shell",
        "-c",
        "from accounts.models import ApiToken, User; from accounts.services import create_token;"
        "user = User.objects.get(email='demo@cadence.local');"
        "token, plain = create_token(user, name='schemathesis'); spare, _ = create_token(user, name='spare');"
        "ApiToken.objects.filter(pk=token.pk).update(id=987654321);"
        "ApiToken.objects.filter(pk=spare.pk).update(id=987654320); print(plain)",
    ).splitlines()[-1]
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "cadence"), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/api/v1/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    yield base, token, tmp_path / "server.log"
    process.terminate()
    process.wait(timeout=20)
    log.close()


def test_schemathesis_finds_nothing(server: Any, tmp_path: Path) -> None:
    base, token, server_log = server
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            # Every check (the default); naming them here would override schemathesis.toml, which
            # turns positive_data_acceptance off for the operations whose refusals are business rules.
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            os.environ.get("CADENCE_SCHEMATHESIS_EXAMPLES", "10"),
            "--max-time",
            os.environ.get("CADENCE_SCHEMATHESIS_SECONDS", "150"),
            # One worker: CPython 3.11's ast.parse is not thread-safe, and Hypothesis calls it
            # while describing strategies ("AST constructor recursion depth mismatch").
            "--workers",
            "1",
            "--seed",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path / "report"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    report = result.stdout[-15000:]
    assert result.returncode == 0, report
    assert "Internal Server Error" not in server_log.read_text()
    shutil.rmtree(tmp_path / "report", ignore_errors=True)
