from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from accounts import queries, services
from accounts.models import User
from accounts.names import pinyin_of
from conftest import make_user
from product.queries import people_choices


def test_pinyin_of_a_name() -> None:
    assert pinyin_of("林悦") == ("linyue", "ly")
    assert pinyin_of("Emily Chen") == ("emilychen", "ec")
    assert pinyin_of("") == ("", "")


def test_the_name_and_its_pinyin_are_stored_together(world: Any) -> None:
    user = make_user("linyue")
    assert (user.name_pinyin, user.name_initials) == ("linyue", "l")  # no display name: the username
    services.update_profile(user, version=user.version, display_name="林悦")
    user.refresh_from_db()
    assert (user.display_name, user.name_pinyin, user.name_initials) == ("林悦", "linyue", "ly")


@pytest.mark.parametrize("q", ["ly", "LY", "linyue", "lin yue", "yue", "林", "linyue@example.test"])
def test_people_are_found_by_pinyin_name_and_email(world: Any, q: str) -> None:
    owner = world.actor("owner")
    user = make_user("linyue")
    services.update_profile(user, version=user.version, display_name="林悦")
    services.add_member(owner, user=user)
    found = [m.user_id for m in queries.members_for(owner, q=q)]
    assert found == [user.pk]


def test_people_choices_sort_by_pinyin_in_chinese(world: Any) -> None:
    owner = world.actor("owner")
    for username, name in [("zhang", "张伟"), ("an", "安琪"), ("lin", "林悦")]:
        user = make_user(username)
        services.update_profile(user, version=user.version, display_name=name)
        services.add_member(owner, user=user)
    with translation.override("zh-hans"):
        names = [name for _id, name in people_choices(owner)]
    assert names.index("安琪") < names.index("Bob") < names.index("林悦") < names.index("张伟")
    with translation.override("en"):
        names = [name for _id, name in people_choices(owner)]
    assert names.index("Bob") < names.index("安琪")  # by the name itself, as before


def test_the_migration_backfills_existing_people(world: Any) -> None:
    user = make_user("guofang")
    User.objects.filter(pk=user.pk).update(display_name="郭芳", name_pinyin="", name_initials="")
    migration = import_module("accounts.migrations.0003_name_pinyin")
    migration.backfill(apps, None)
    user.refresh_from_db()
    assert (user.name_pinyin, user.name_initials) == ("guofang", "gf")


def test_the_people_page_lists_by_pinyin_in_chinese(world: Any, client: Any) -> None:
    owner = world.actor("owner")
    for username, name in [("zhang", "张伟"), ("an", "安琪")]:
        user = make_user(username)
        services.update_profile(user, version=user.version, display_name=name)
        services.add_member(owner, user=user)
    client.force_login(world.users["owner"])
    page = client.get("/w/acme/people/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.index("安琪") < page.index("Bob") < page.index("张伟")
