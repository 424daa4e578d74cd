"""The workspace home ("my day"): each panel a module declares shows my objects, not another
person's or another workspace's; the page reads a fixed number of queries whatever the data; the
activity feed groups repeats ("郭芳 updated a key result ×9")."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.activity import record
from core.models import Activity
from core.modules import home_panels
from core.web import group_repeats
from goals.models import KeyResult
from notify.models import Notification
from product.models import FeedbackStatus
from product.services import feedback as feedback_services
from product.services import requirements
from projects.services import items

pytestmark = pytest.mark.django_db


def page_of(world: Any, role: str = "member", language: str = "en") -> str:
    User.objects.filter(pk=world.users[role].pk).update(language=language)
    client = Client()
    client.force_login(world.users[role])
    response = client.get(reverse("accounts:home", args=[world.acme.slug]))
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, name: str) -> str:
    match = re.search(rf'<section class="card home-panel" id="home-{name}".*?</section>', html, re.S)
    assert match, f"no {name} panel"
    return match.group(0)


def test_the_panels_are_declared_by_their_modules_in_order() -> None:
    names = [p.name for p in home_panels()]
    assert names == ["my-work", "unread", "check-ins", "waiting", "sprints"]


def test_my_work_shows_my_overdue_and_this_weeks_items_only(world: Any) -> None:
    owner, carol, erin = world.members["owner"], world.users["member"], world.users["extra"]
    today = timezone.localdate()
    project = world.extra["project"]
    items.create_item(owner, project, title="Late invoice", owner_id=carol.pk, due_date=today - datetime.timedelta(3))
    items.create_item(owner, project, title="Due today", owner_id=carol.pk, due_date=today)
    items.create_item(owner, project, title="Next month", owner_id=carol.pk, due_date=today + datetime.timedelta(40))
    items.create_item(owner, project, title="Erin is late", owner_id=erin.pk, due_date=today - datetime.timedelta(3))
    html = panel(page_of(world), "my-work")
    assert "Late invoice" in html and "3 days late" in html and "Due today" in html
    assert "Next month" not in html and "Erin is late" not in html and "Hidden item" not in html
    assert "Nothing of yours" in panel(page_of(world, "admin"), "my-work")  # bob has none: the empty state


def notify(world: Any, role: str, event: str, text: str, *, read: bool = False, workspace: Any = None) -> None:
    Notification.objects.create(
        workspace=workspace or world.acme,
        recipient=world.users[role],
        event=event,
        context={"actor": "Alice", "object": text},
        read_at=timezone.now() if read else None,
    )


def test_unread_notifications_and_mentions_are_mine_and_unread(world: Any) -> None:
    notify(world, "member", "comment.mentioned", "Mentioned page")
    notify(world, "member", "work_item.assigned", "Read page", read=True)
    notify(world, "extra", "comment.mentioned", "Erin page")
    html = panel(page_of(world), "unread")
    assert "Mentioned page" in html and "Mention" in html
    assert "Read page" not in html and "Erin page" not in html


def test_key_results_waiting_for_a_check_in(world: Any) -> None:
    kr = world.extra["key_result"]  # carol's, in the active cycle
    KeyResult.objects.filter(pk=kr.pk).update(last_check_in_at=timezone.now() - datetime.timedelta(days=8))
    KeyResult.objects.filter(pk=world.extra["other_key_result"].pk).update(last_check_in_at=None)
    html = panel(page_of(world), "check-ins")
    assert kr.title in html and world.extra["other_key_result"].title not in html
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d">1\xa0(周|week)', html)  # 8 days ago
    KeyResult.objects.filter(pk=kr.pk).update(last_check_in_at=timezone.now())
    assert kr.title not in panel(page_of(world), "check-ins")  # checked in this week


def test_requirements_and_feedback_waiting_for_me(world: Any) -> None:
    owner, product = world.members["owner"], world.extra["product"]  # carol owns the product
    mine = requirements.create_requirement(
        owner, product, title="Carol decides this", owner_id=world.users["member"].pk
    )
    requirements.create_requirement(owner, product, title="Alice decides this")
    new = feedback_services.create_feedback(owner, product_id=product.pk, content="Export is slow", channel="support")
    html = panel(page_of(world), "waiting")
    assert "Carol decides this" in html and mine.key in html and "Alice decides this" not in html
    assert "Export is slow" in html
    assert world.extra["other_requirement"].title not in html
    type(new).objects.filter(pk=new.pk).update(status=FeedbackStatus.TRIAGED)
    assert "Export is slow" not in panel(page_of(world), "waiting")
    assert "Carol decides this" not in panel(page_of(world, "admin"), "waiting")


def test_my_active_sprints_with_their_burndown(world: Any) -> None:
    html = panel(page_of(world), "sprints")
    assert world.extra["sprint"].name in html and 'class="chart-svg"' in html and "Burndown" in html
    assert "Hidden sprint" not in html
    assert world.extra["sprint"].name not in panel(page_of(world, "admin"), "sprints")  # bob is not in MOB


def grow(world: Any, n: int) -> None:
    owner, carol = world.members["owner"], world.users["member"]
    today = timezone.localdate()
    for i in range(n):
        item = items.create_item(
            owner, world.extra["project"], title=f"Item {i}", owner_id=carol.pk, due_date=today - datetime.timedelta(1)
        )
        record(owner, "updated", item, {"title": ["a", f"b{i}"]})
        notify(world, "member", "comment.mentioned", f"Page {i}")
        requirements.create_requirement(owner, world.extra["product"], title=f"R {i}", owner_id=carol.pk)


def test_the_home_reads_a_fixed_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    grow(world, 2)
    with django_assert_max_num_queries(60) as small:
        page_of(world)
    grow(world, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page_of(world)


# --- The activity feed's grouping ----------------------------------------------------------------


def entry(actor_id: int | None, verb: str, target_type: str, minutes: int, label: str = "KR") -> Activity:
    start = datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC)
    return Activity(
        actor_id=actor_id,
        verb=verb,
        target_type=target_type,
        target_id=1,
        target_label=label,
        created_at=start - datetime.timedelta(minutes=minutes),
    )


def test_consecutive_repeats_within_the_window_collapse_into_one_line() -> None:
    feed = [entry(1, "updated", "key_result", m, f"KR {m % 3}") for m in range(9)]  # newest first
    feed += [entry(2, "updated", "key_result", 10), entry(1, "created", "key_result", 11)]
    feed += [entry(1, "created", "key_result", 12), entry(1, "created", "work_item", 13)]
    feed += [entry(1, "created", "work_item", 13 + 45)]  # too long after the run's newest
    grouped = group_repeats(feed)
    assert [(a.actor_id, a.verb, a.target_type, getattr(a, "repeat_count")) for a in grouped] == [  # noqa: B009
        (1, "updated", "key_result", 9),
        (2, "updated", "key_result", 1),
        (1, "created", "key_result", 2),
        (1, "created", "work_item", 1),
        (1, "created", "work_item", 1),
    ]
    assert getattr(grouped[0], "repeat_labels") == ["KR 0", "KR 1", "KR 2"]  # noqa: B009


def test_the_home_feed_shows_a_grouped_line_in_both_languages(world: Any) -> None:
    owner, kr = world.members["owner"], world.extra["key_result"]
    for i in range(9):
        record(owner, "updated", kr, {"title": [f"v{i}", f"v{i + 1}"]})
    english = page_of(world, "member", "en")
    line = r'<strong>Alice</strong> {} <span class="muted">{}</span>[^<]*<span class="feed-count" title="{}">×9</span>'
    assert re.search(line.format("updated", "Key result", "9 times"), english)
    chinese = page_of(world, "member", "zh-hans")
    assert re.search(line.format("更新了", "关键成果", "9 次"), chinese)
    assert english.count("feed-count") == 1  # the nine are one line
