"""Filter chips on the backlog and the feedback inbox: an htmx chip change gets the list region, a
page load the page; the inbox opens on new feedback with its status chip to change it; triage moves
on to the next row after an action."""

import re
from typing import Any

from django.test import Client

from accounts.models import User
from product.models import Feedback
from product.services import feedback

BACKLOG = "/w/acme/requirements/"
INBOX = "/w/acme/feedback/"


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def ids_in(response: Any) -> list[int]:
    return [f.pk for f in response.context["page"].items]


def make(world: Any, content: str) -> Feedback:
    return feedback.create_feedback(
        world.actor("owner"), product_id=world.extra["product"].pk, content=content, channel="survey"
    )


def test_backlog_chips_swap_the_region_and_a_rank_reload_still_gets_the_rows(world: Any) -> None:
    client = client_for(world)
    region = client.get(BACKLOG, {"status": "new"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="backlog-region")
    html = region.content.decode()
    assert region.status_code == 200 and html.lstrip().startswith('<div id="backlog-region">')
    assert "<html" not in html and 'id="backlog"' in html
    # The order links keep the filters, and the exports follow them.
    assert "?status=new&amp;sort=rank" in html and "export/?status=new&amp;format=csv" in html
    # The reload after a drag (product-rank.js) asks for the rows alone, as before.
    rows = client.get(BACKLOG, {"sort": "rank"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="backlog")
    assert rows.content.decode().lstrip().startswith('<div id="backlog"')
    page = client.get(BACKLOG, {"status": "new"}).content.decode()
    assert 'hx-target="#backlog-region"' in page and "data-chips" in page and "<html" in page
    assert 'data-chip-clear="status"' in page and 'data-chip-clear="sort"' not in page


def test_the_inbox_opens_on_new_feedback(world: Any) -> None:
    client = client_for(world)
    response = client.get(INBOX)
    new = list(Feedback.objects.filter(workspace=world.acme, status="new").order_by("-id").values_list("pk", flat=True))
    assert new and ids_in(response) == new
    assert world.extra["feedback"].pk not in ids_in(response)  # linked, not new
    html = response.content.decode()
    assert re.search(r'<option value="new" selected>', html)
    # The status chip changes it, "Any" shows every status, and an empty status (an old link) too.
    everything = ids_in(client.get(INBOX, {"status": "any"}))
    assert world.extra["feedback"].pk in everything and set(new) < set(everything)
    assert ids_in(client.get(INBOX, {"status": ""})) == everything
    assert ids_in(client.get(INBOX, {"status": "linked"})) == [world.extra["feedback"].pk]
    assert re.search(r'<option value="any" selected>', client.get(INBOX, {"status": "any"}).content.decode())
    # The status chip has no clear link: "Any" is one of its choices.
    assert 'data-chip-clear="status"' not in html
    # An htmx chip change gets the region; the exports follow what is shown.
    region = client.get(INBOX, {"status": "any"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-region")
    fragment = region.content.decode()
    assert fragment.lstrip().startswith('<div id="inbox-region">') and "<html" not in fragment
    assert 'href="/w/acme/feedback/export/?format=csv"' in fragment
    assert "export/?status=new&amp;format=csv" in html
    assert client.get("/w/acme/feedback/export/", {"status": "any"}).status_code == 200


def test_triage_moves_to_the_next_row(world: Any) -> None:
    first, second = make(world, "Slow search"), make(world, "Crash on save")
    client = client_for(world)
    html = client.get(INBOX).content.decode()
    # The rows carry what the script needs to name the next one.
    assert f'id="feedback-{second.pk}" data-feedback="{second.pk}"' in html
    assert 'name="focus" value="" data-triage-focus' in html
    response = client.post(
        INBOX + "bulk/", {"ids": [second.pk], "action": "set_status", "status": "triaged", "focus": first.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"{INBOX}#feedback-{first.pk}"
    assert Feedback.objects.get(pk=second.pk).status == "triaged"
    # The next row is still in the new inbox; the triaged one has left it.
    after = client.get(INBOX)
    assert first.pk in ids_in(after) and second.pk not in ids_in(after)
    # A focus that is not an id is left out; a refused action goes back without one.
    odd = client.post(INBOX + "bulk/", {"ids": [first.pk], "action": "add_tag", "tag": "x", "focus": "a#b"})
    assert odd["Location"] == INBOX
    refused = client.post(INBOX + "bulk/", {"ids": [first.pk], "action": "set_status", "status": "lost", "focus": 9})
    assert refused["Location"] == INBOX


def test_triage_from_a_detail_opens_the_next_new_feedback(world: Any) -> None:
    older, newer = make(world, "Older note"), make(world, "Newer note")
    client = client_for(world)
    page = client.get(f"{INBOX}{newer.pk}/").content.decode()
    assert 'name="then" value="next" checked' in page  # new feedback: triage goes on by default
    status = f"{INBOX}{newer.pk}/status/"
    response = client.post(status, {"target": "triaged", "version": newer.version, "then": "next"})
    # The inbox shows the newest first: the next one is the older new feedback.
    following = Feedback.objects.filter(workspace=world.acme, status="new", pk__lt=newer.pk).order_by("-id").first()
    assert following is not None and following.pk == older.pk
    assert response.status_code == 302 and response["Location"] == f"{INBOX}{older.pk}/"
    assert Feedback.objects.get(pk=newer.pk).status == "triaged"
    # Without "then", the page stays; with nothing new left, the inbox says so.
    kept = client.post(f"{INBOX}{older.pk}/status/", {"target": "triaged", "version": older.version})
    assert kept["Location"] == f"{INBOX}{older.pk}/"
    Feedback.objects.filter(workspace=world.acme, status="new").update(status="closed")
    last = Feedback.objects.get(pk=older.pk)
    done = client.post(f"{INBOX}{last.pk}/status/", {"target": "closed", "version": last.version, "then": "next"})
    assert done["Location"] == INBOX
    assert "No new feedback is left to triage." in client.get(INBOX).content.decode()
    # A refused change stays on the page and goes nowhere else.
    refused = client.post(f"{INBOX}{last.pk}/status/", {"target": "answered", "version": 1, "then": "next"})
    assert refused.status_code in (409, 422) and Feedback.objects.get(pk=last.pk).status == "closed"
