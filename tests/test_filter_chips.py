"""Every list page with filters shows them as chips (core/filter_chips.html) that replace the page's
list region: the region is in the page that a chip change asks for, each set filter has its clear
link, and "Load more" on the activity feed still gets its rows alone."""

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User

PAGES = [
    ("/w/acme/projects/WEB/items/?type=bug", "items-region", "type"),
    ("/w/acme/requirements/?status=new", "backlog-region", "status"),
    ("/w/acme/feedback/?channel=survey", "inbox-region", "channel"),
    ("/w/acme/releases/?status=planned", "releases-region", "status"),
    ("/w/acme/goals/?level=company", "goals-region", "level"),
    ("/w/acme/notifications/?unread=on", "notifications-region", "unread"),
    ("/w/acme/settings/deliveries/?status=dead", "deliveries-region", "status"),
    ("/w/acme/activity/?verb=created", "activity-region", "verb"),
]


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("url,region,name", PAGES)
def test_list_pages_filter_with_chips(world: Any, url: str, region: str, name: str) -> None:
    client = client_for(world)
    html = client.get(url).content.decode()
    assert re.search(
        r'<form method="get" action="[^"]+" class="chips" role="search" aria-label="[^"]+" data-chips', html
    )
    assert f'hx-target="#{region}" hx-select="#{region}"' in html
    assert f'id="{region}"' in html
    clear = re.search(r'href="([^"]*)" data-chip-clear="' + name + '"( hidden)?', html)
    assert clear and not clear.group(2), "a set filter has a visible clear link"
    assert f"{name}=" not in clear.group(1)
    # What a chip change asks for (htmx, aimed at the region) holds the region.
    answer = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=region)
    assert answer.status_code == 200 and f'id="{region}"' in answer.content.decode()


def test_load_more_on_the_activity_feed_still_gets_rows(world: Any) -> None:
    rows = client_for(world).get("/w/acme/activity/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="closest li")
    assert "<html" not in rows.content.decode() and 'id="activity-region"' not in rows.content.decode()
