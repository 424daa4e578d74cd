"""The work-item list's filter chips: an htmx request gets the list region alone, a plain one the
whole page with the chips form; the URL is the state (chips selected from it, each chip's clear
link drops only its own filter, saved views store and reproduce it); the column chooser's markup."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from accounts.models import User
from projects.models import ItemType, Priority, SavedView
from projects.services import items

LIST = "/w/acme/projects/WEB/items/"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "items-region"}


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def keys_in(response: Any) -> list[str]:
    return [item.key for _header, item in response.context["rows"]]


def clear_link(html: str, name: str) -> dict[str, list[str]]:
    """The query of the clear link of the chip `name`."""
    found = re.search(r'href="([^"]*)" data-chip-clear="' + name + '"', html)
    assert found, name
    return parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)


def test_a_chip_change_gets_the_list_region_and_a_page_load_the_page(world: Any) -> None:
    items.create_item(world.actor("owner"), world.extra["project"], title="Urgent bug", type=ItemType.BUG)
    client = client_for(world)
    fragment = client.get(LIST, {"type": "bug"}, **HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="items-region">')
    assert "<html" not in html and "data-chips" not in html
    assert "Urgent bug" in html and "Sign-up page" not in html
    assert keys_in(fragment) == ["WEB-4"]
    # The region carries what follows the filters: exports, the saved view's query, the bulk form's way back.
    assert "export/?type=bug&amp;format=csv" in html
    assert 'name="query" value="type=bug"' in html
    page = client.get(LIST, {"type": "bug"})
    body = page.content.decode()
    assert "<html" in body and 'id="items-region"' in body
    assert re.search(r'<form method="get" action="/w/acme/projects/WEB/items/" class="chips"', body)
    for attribute in ('hx-get="/w/acme/projects/WEB/items/"', 'hx-target="#items-region"', 'hx-push-url="true"'):
        assert attribute in body
    # Without JavaScript the chips are a form: its Apply button is there.
    assert "data-chips-apply" in body
    # A refused filter shows its reason inside the region, so a chip change shows it too.
    refused = client.get(LIST, {"priority": "whenever"}, **HTMX)
    assert refused.status_code == 422 and "These filters could not be applied" in refused.content.decode()


def test_the_url_round_trip(world: Any) -> None:
    items.create_item(
        world.actor("owner"), world.extra["project"], title="Hot", priority=Priority.URGENT, type=ItemType.BUG
    )
    client = client_for(world)
    query = {"priority": "urgent", "type": "bug", "sort": "oldest"}
    html = client.get(LIST, query).content.decode()
    # The chips show the filters of the URL, each active one with a clear link that drops only it.
    assert re.search(r'<option value="urgent" selected>', html)
    assert re.search(r'<option value="bug" selected>', html)
    assert clear_link(html, "priority") == {"type": ["bug"], "sort": ["oldest"]}
    assert clear_link(html, "type") == {"priority": ["urgent"], "sort": ["oldest"]}
    assert 'data-chip-clear="owner" hidden' in html  # not set: its clear link is hidden
    assert 'data-chip-clear="sort"' not in html  # a list always has an order
    assert 'href="/w/acme/projects/WEB/items/" data-chips-clear-all' in html
    # The clear link of a chip leads to the list without that filter.
    assert keys_in(client.get(LIST, {"type": "bug", "sort": "oldest"})) == ["WEB-4"]
    # A saved view keeps the query string and reproduces the list.
    response = client.post(LIST.replace("items/", "views/"), {"name": "Hot bugs", "query": "priority=urgent&type=bug"})
    view = SavedView.objects.get(name="Hot bugs")
    assert view.query == {"priority": "urgent", "type": "bug"}
    assert keys_in(client.get(response["Location"])) == ["WEB-4"]
    # (PostgreSQL's jsonb keeps the keys in its own order: the link is compared as a query.)
    links = re.findall(r'href="\?([^"]*)"', client.get(LIST).content.decode())
    assert {"priority": ["urgent"], "type": ["bug"]} in [parse_qs(link.replace("&amp;", "&")) for link in links]


def test_the_column_chooser(world: Any) -> None:
    html = client_for(world).get(LIST).content.decode()
    user = world.users["owner"].pk
    # Kept in the browser (localStorage), per person: the key names the user and the list.
    assert f'data-columns-key="cadence.columns.{user}.acme.items"' in html
    assert 'data-columns-table="#items-table"' in html and 'id="items-table"' in html
    for name in ("type", "status", "owner", "priority", "points", "due"):
        assert f'data-column="{name}"' in html
        assert f'<th scope="col" data-col="{name}">' in html and f'<td data-col="{name}">' in html
    # Hidden until lists.js runs: without it every column shows and there is nothing to choose.
    assert re.search(r'<details class="column-chooser"[^>]* hidden>', html)
