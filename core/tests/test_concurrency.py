"""Concurrent editors on one object: exactly one wins, every other gets 409, nothing is lost."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from accounts.models import Department
from core.models import Comment


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_of_one_version_have_one_winner(live_server: Any) -> None:
    from conftest import build_world

    world = build_world()
    url = f"{live_server.url}/api/v1/workspaces/acme/departments/{world.department.pk}"
    headers = {"Authorization": f"Bearer {world.tokens['owner']}"}

    def edit(i: int) -> tuple[int, str]:
        response = httpx.patch(url, json={"version": world.department.version, "name": f"Edit {i}"}, headers=headers)
        return response.status_code, f"Edit {i}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(edit, range(16)))
    winners = [name for status, name in results if status == 200]
    assert len(winners) == 1
    assert sorted(status for status, _ in results) == [200] + [409] * 15
    department = Department.objects.get(pk=world.department.pk)
    assert department.name == winners[0] and department.version == world.department.version + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_are_all_kept(live_server: Any) -> None:
    from conftest import build_world

    world = build_world()
    url = f"{live_server.url}/api/v1/workspaces/acme/objects/department/{world.department.pk}/comments"
    headers = {"Authorization": f"Bearer {world.tokens['member']}"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda i: httpx.post(url, json={"body": f"c{i}"}, headers=headers).status_code, range(24))
        )
    assert statuses == [201] * 24
    assert Comment.objects.filter(target_id=world.department.pk, body__startswith="c").count() == 24
