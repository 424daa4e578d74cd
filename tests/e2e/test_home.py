"""The home in the browser, in Chinese: my overdue work in its panel, and nine updates of one key
result by the same person as one grouped line of the activity feed."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from core.activity import record
from projects import services as projects
from projects.models import ProjectRole
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def test_the_home_shows_my_overdue_item_and_a_grouped_activity_line_in_chinese(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = projects.create_project(owner, name="Mobile", key="MOB")
    projects.add_project_member(owner, project, user_id=cast.member.pk, role=ProjectRole.MEMBER)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(cast.member.time_zone))
    late = items.create_item(
        owner, project, title="修复登录超时", owner_id=cast.member.pk, due_date=today - datetime.timedelta(days=2)
    )
    for i in range(9):
        record(owner, "updated", late, {"title": [f"v{i}", f"v{i + 1}"]})

    log_in(page, cast.member)  # carol reads Chinese
    page.goto(f"/w/{cast.workspace.slug}/")
    my_work = page.locator("#home-my-work")
    expect(my_work.get_by_role("heading", name="我的工作")).to_be_visible()
    expect(my_work.locator("li.overdue")).to_contain_text("修复登录超时")
    expect(my_work.locator("li.overdue")).to_contain_text("逾期 2 天")
    grouped = page.locator("#home-activity li.feed-group", has_text="修复登录超时")
    expect(grouped).to_have_count(1)  # the nine updates are one line
    expect(grouped).to_contain_text("更新了")
    expect(grouped.locator(".feed-count")).to_have_text("×9")
    expect(grouped.locator("time")).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$"))
