"""Words, numbers and dates in the reader's language: grouped numbers and money, weekday and month
names, the curated time-zone list, and relative times with the exact time on hover."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from accounts import services as accounts
from accounts.forms import ProfileForm
from accounts.models import User
from core import dates, numbers
from core.errors import ValidationFailed
from core.templatetags.cadence import relative_text
from notify import services as notify
from notify.forms import ReminderSettingsForm
from notify.models import ReminderSettings


def render(text: str, **context: Any) -> str:
    return Template("{% load cadence %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "¥5,000,000"), ("en", "CNY 5,000,000")],
)
def test_money_is_grouped_and_written_as_the_language_writes_it(language: str, expected: str) -> None:
    with translation.override(language):
        assert render("{{ v|amount:'CNY' }}", v=Decimal("5000000.0000")) == expected
        assert numbers.amount("12.5", "CNY").endswith("12.50")  # cents when there are some
        assert numbers.amount(1500, "家") == "1,500 家"  # any other unit follows the number
        assert numbers.amount(3, "") == "3"
        assert numbers.amount(None, "CNY") == ""


def test_other_currencies_by_their_symbol_only_where_it_is_unambiguous() -> None:
    with translation.override("en"):
        assert numbers.amount(2500, "USD") == "$2,500"
    with translation.override("zh-hans"):
        assert numbers.amount(2500, "USD") == "USD 2,500"
        assert numbers.amount(2500, "usd") == "2,500 usd"  # not a code: a plain unit


def test_grouped_numbers_keep_the_decimals_a_person_wrote() -> None:
    with translation.override("en"):
        assert render("{{ v|grouped }}", v=Decimal("1234567.2500")) == "1,234,567.25"
        assert numbers.grouped("n/a") == "n/a"
        assert numbers.plain_number(Decimal("1.5E+3")) == "1500"


def test_weekday_and_month_names_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        assert dates.weekday_names() == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        assert dates.month_name(datetime.date(2026, 3, 1)) == "2026年3月"
        assert render("{{ d|weekday }}", d=datetime.date(2026, 12, 6)) == "周日"
    with translation.override("en"):
        assert dates.weekday_names()[0] == "Mon"
        assert dates.month_name(datetime.date(2026, 3, 1)) == "March 2026"


@pytest.mark.django_db
def test_the_zh_calendar_shows_chinese_weekday_names(world: Any) -> None:
    client = Client()
    client.force_login(world.users["member"])  # carol reads Chinese (the default language)
    html = client.get("/w/acme/projects/WEB/calendar/", {"month": "2026-11"}).content.decode()
    assert '<th scope="col">周一</th>' in html and "2026年11月" in html and ">Mon<" not in html


def test_the_time_zone_list_puts_common_zones_first_and_holds_only_real_zones() -> None:
    with translation.override("en"):
        choices = dates.time_zone_choices()
    groups = [label for label, _ in choices]
    assert groups[0] == "Common" and "Asia" in groups and "Europe" in groups
    common = [name for name, _ in choices[0][1]]
    assert common[:5] == ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo"]
    assert {"Europe/London", "America/New_York", "America/Los_Angeles", "UTC"} <= set(common)
    names = [name for _, zones in choices for name, _ in zones]
    assert len(names) == len(set(names)) > 300  # every zone once
    for bogus in ("Factory", "localtime", "posixrules", "US/Eastern", "Etc/GMT+8", "PRC", "GMT"):
        assert bogus not in names
    asia = dict(next(zones for label, zones in choices if label == "Asia"))
    assert "Asia/Kolkata" in asia and re.match(r"\(UTC\+05:30\) Asia/Kolkata · ", asia["Asia/Kolkata"])


@pytest.mark.django_db
def test_a_stored_zone_that_was_valid_stays_valid(world: Any) -> None:
    user = world.users["member"]
    User.objects.filter(pk=user.pk).update(time_zone="PRC")  # an alias: valid, no longer listed
    user.refresh_from_db()
    form = ProfileForm(user, {"display_name": "Carol", "language": "en", "time_zone": "PRC", "version": user.version})
    assert form.is_valid(), form.errors
    assert not ProfileForm(user, {"language": "en", "time_zone": "Factory", "version": user.version}).is_valid()
    with translation.override("zh-hans"):
        html = str(ProfileForm(user)["time_zone"])
    assert '<optgroup label="常用">' in html and 'value="Asia/Shanghai"' in html and "中国（上海）时间" in html


@pytest.mark.django_db
def test_the_services_refuse_what_the_list_does_not_offer_and_keep_a_stored_alias(world: Any) -> None:
    user = world.users["member"]
    for bogus in ("Factory", "localtime", "posixrules"):
        with pytest.raises(ValidationFailed):
            accounts.update_profile(user, version=user.version, time_zone=bogus)
    with pytest.raises(ValidationFailed):
        accounts.update_profile(user, version=user.version, time_zone="PRC")  # an alias, not listed
    accounts.update_profile(user, version=user.version, time_zone="Asia/Kolkata")

    admin = world.members["admin"]
    with pytest.raises(ValidationFailed):
        notify.update_reminder_settings(admin, version=1, time_zone="Factory")
    stored = ReminderSettings.objects.create(workspace=world.acme, time_zone="Asia/Calcutta")  # from before the list
    assert ReminderSettingsForm(stored).fields["time_zone"].choices[0] == ("Asia/Calcutta", "Asia/Calcutta")  # type: ignore[attr-defined]
    kept = notify.update_reminder_settings(admin, version=1, time_zone="Asia/Calcutta", due_soon_days=2)
    assert kept.time_zone == "Asia/Calcutta" and kept.due_soon_days == 2
    with pytest.raises(ValidationFailed):
        notify.update_reminder_settings(admin, version=kept.version, time_zone="Factory")


@pytest.mark.parametrize(
    ("language", "ago", "ahead", "now"),
    [("en", "3 hours ago", "in 2 days", "just now"), ("zh-hans", "3 小时前", "2 日后", "刚刚")],
)
def test_relative_times_with_the_exact_time_on_hover(language: str, ago: str, ahead: str, now: str) -> None:
    moment = timezone.now()

    def spaced(text: str) -> str:  # Django keeps a number and its unit together with a no-break space
        return text.replace("\xa0", " ")

    with translation.override(language):
        assert spaced(relative_text(moment - datetime.timedelta(hours=3, minutes=5), moment)) == ago
        assert spaced(relative_text(moment + datetime.timedelta(days=2, hours=1), moment)) == ahead
        assert relative_text(moment - datetime.timedelta(seconds=20), moment) == now
        with timezone.override("Asia/Shanghai"):
            value = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
            html = render("{% relative_time v %}", v=value)
    assert html.startswith('<time datetime="2026-03-01T01:30:00+00:00" title="2026-03-01 09:30">')
