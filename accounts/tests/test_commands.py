import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.backup import export_workspace, read_backup, restore_workspace, workspace_models, write_backup
from accounts.models import Department, Membership, User, Workspace
from core.models import Activity, Link, ScheduledRun, Throttle


def test_serve_refuses_production_with_debug_or_the_default_key(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("serve", "--production")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("serve", "--production")


def test_demo_builds_a_bilingual_organisation(db: Any) -> None:
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    names = set(Department.objects.filter(workspace=workspace, parent=None).values_list("name", flat=True))
    assert {"产品", "研发", "设计", "测试", "市场", "运营"} <= names
    assert all(d.head_id for d in Department.objects.filter(workspace=workspace, parent=None))
    assert Membership.objects.filter(workspace=workspace).count() >= 12
    assert {"zh-hans", "en"} <= set(User.objects.values_list("language", flat=True))
    demo = User.objects.get(email="demo@cadence.local")
    assert demo.check_password("cadence-demo")
    call_command("demo", "--if-empty")  # a second run with --if-empty changes nothing
    assert Workspace.objects.count() == 1


def test_a_restore_keeps_times_to_the_microsecond(world: Any, tmp_path: Path) -> None:
    """A time with a few microseconds (here 412) came back as whole seconds, once in a thousand rows."""
    exact = datetime.datetime(2030, 1, 2, 3, 4, 5, 412, tzinfo=datetime.UTC)
    Department.objects.filter(pk=world.department.pk).update(updated_at=exact)
    path = tmp_path / "acme.json"
    write_backup(path, export_workspace(world.acme))
    world.acme.delete()
    restore_workspace(read_backup(path))
    assert Department.objects.get(pk=world.department.pk).updated_at == exact


def test_backup_and_restore_round_trip_one_workspace(world: Any, tmp_path: Path) -> None:
    before = export_workspace(world.acme)
    other_before = export_workspace(world.other)
    path = tmp_path / "acme.json.gz"
    write_backup(path, before)

    acme_id = world.acme.pk
    world.acme.delete()  # the disaster: one workspace lost, the other untouched
    assert not Activity.objects.filter(workspace_id=acme_id).exists()

    restored = restore_workspace(read_backup(path))
    after = export_workspace(restored)
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    assert export_workspace(world.other) == other_before
    # The restored data works: the owner's token still reads the workspace.
    assert world.client("owner").get("/api/v1/workspaces/acme/departments").status_code == 200


def test_the_backup_holds_every_model_of_core_that_belongs_to_a_workspace() -> None:
    covered = {model for model, _path in workspace_models()}
    assert set(apps.get_app_config("core").get_models()) - covered == {Throttle, ScheduledRun}


def test_links_come_back_with_their_workspace(world: Any, tmp_path: Path) -> None:
    acme_id = world.acme.pk
    links = list(Link.objects.filter(workspace_id=acme_id).values())
    assert links  # the cast links Product to Mobile
    path = tmp_path / "acme.json"
    write_backup(path, export_workspace(world.acme))
    world.acme.delete()
    assert not Link.objects.filter(workspace_id=acme_id).exists()
    restore_workspace(read_backup(path))
    assert list(Link.objects.filter(workspace_id=acme_id).values()) == links


def test_restore_refuses_to_overwrite_without_replace(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    call_command("backup", str(path), "--workspace", "acme")
    with pytest.raises(CommandError, match="replace"):
        call_command("restore", str(path))
    world.acme.departments.all().update(name="changed")
    call_command("restore", str(path), "--replace")
    assert set(world.acme.departments.values_list("name", flat=True)) == {"Product", "Mobile"}


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **os.environ,
        "CADENCE_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CADENCE_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cadence"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
