"""Requirement and feedback fields edited in place: a save through the update services at the page's
version, a stale version (409) showing the current value and writing nothing, and who may."""

from typing import Any

from django.test import Client

from accounts.models import User
from product.services import feedback as feedback_services
from product.services import requirements

HTMX = {"HX-Request": "true"}


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def test_a_requirement_field_is_saved_in_place(world: Any) -> None:
    requirement = world.extra["requirement"]
    url = f"/w/acme/requirements/{requirement.number}/inline/"
    client = client_for(world)
    page = client.get(f"/w/acme/requirements/{requirement.number}/").content.decode()
    assert f'hx-get="{url}type/?edit=1"' in page and 'id="page-version"' in page
    assert "<select" in client.get(url + "owner_id/", {"edit": "1"}, headers=HTMX).content.decode()
    response = client.post(url + "type/", {"type": "fix", "version": requirement.version}, headers=HTMX)
    assert response.status_code == 200 and "Fix" in response.content.decode()
    text = client.post(
        url + "description/", {"description": "Line one\r\nLine two", "version": requirement.version + 1}, headers=HTMX
    )
    assert text.status_code == 200
    requirement.refresh_from_db()
    assert (requirement.type, requirement.description) == ("fix", "Line one\nLine two")
    bad = client.post(url + "type/", {"type": "whatever", "version": requirement.version}, headers=HTMX)
    assert bad.status_code == 422


def test_a_stale_requirement_shows_the_current_value_and_writes_nothing(world: Any) -> None:
    requirement = world.extra["requirement"]
    read_at = requirement.version
    requirements.update_requirement(world.actor("owner"), requirement, version=read_at, title="Theirs")
    client = client_for(world)
    url = f"/w/acme/requirements/{requirement.number}/inline/title/"
    response = client.post(url, {"title": "Mine", "version": read_at}, headers=HTMX)
    assert response.status_code == 409
    assert "Theirs" in response.content.decode() and 'value="Mine"' in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.title == "Theirs"


def test_feedback_fields_in_place_and_their_conflict(world: Any) -> None:
    feedback = world.extra["feedback"]
    url = f"/w/acme/feedback/{feedback.pk}/inline/"
    client = client_for(world)
    assert f'hx-get="{url}kind/?edit=1"' in client.get(f"/w/acme/feedback/{feedback.pk}/").content.decode()
    saved = client.post(url + "kind/", {"kind": "complaint", "version": feedback.version}, headers=HTMX)
    assert saved.status_code == 200
    feedback.refresh_from_db()
    assert feedback.kind == "complaint"
    feedback_services.update_feedback(world.actor("owner"), feedback, version=feedback.version, channel="sales")
    stale = client.post(url + "channel/", {"channel": "interview", "version": feedback.version - 1}, headers=HTMX)
    assert stale.status_code == 409 and "Sales" in stale.content.decode()
    feedback.refresh_from_db()
    assert feedback.channel == "sales"


def test_who_may_edit_requirements_and_feedback_in_place(world: Any) -> None:
    requirement, feedback = world.extra["requirement"], world.extra["feedback"]
    versions = (requirement.version, feedback.version)
    guest = client_for(world, "guest")
    outsider = client_for(world, "outsider")
    for url, data in (
        (f"/w/acme/requirements/{requirement.number}/inline/title/", {"title": "No", "version": versions[0]}),
        (f"/w/acme/feedback/{feedback.pk}/inline/kind/", {"kind": "complaint", "version": versions[1]}),
    ):
        assert guest.post(url, data, headers=HTMX).status_code in (403, 404)
        assert outsider.post(url, data, headers=HTMX).status_code == 404
    assert client_for(world).get(f"/w/acme/requirements/{requirement.number}/inline/rank/").status_code == 404
    requirement.refresh_from_db()
    feedback.refresh_from_db()
    assert (requirement.version, feedback.version) == versions


def test_a_save_bumps_the_page_version_and_readers_get_no_editor(world: Any) -> None:
    requirement, feedback = world.extra["requirement"], world.extra["feedback"]
    read_at = requirement.version
    saved = client_for(world).post(
        f"/w/acme/requirements/{requirement.number}/inline/source/",
        {"source": "customer", "version": read_at},
        headers=HTMX,
    )
    # The saved value, and the page's version moved on (out of band) for the next field's save.
    assert f'id="page-version" name="version" value="{read_at + 1}" hx-swap-oob="true"' in saved.content.decode()
    requirement.refresh_from_db()
    assert (requirement.source, requirement.version) == ("customer", read_at + 1)
    guest = client_for(world, "guest")
    for page in (f"/w/acme/requirements/{requirement.number}/", f"/w/acme/feedback/{feedback.pk}/"):
        text = guest.get(page).content.decode()
        assert "/inline/" not in text and 'id="page-version"' not in text
    assert guest.get(f"/w/acme/feedback/{feedback.pk}/inline/kind/", {"edit": "1"}, headers=HTMX).status_code == 403


def test_another_workspaces_requirement_or_feedback_is_not_found(world: Any) -> None:
    other_requirement, other_feedback = world.extra["other_requirement"], world.extra["other_feedback"]
    owner = client_for(world, "owner")  # acme's owner, not a member of the other workspace
    attempts = (
        (f"/w/{world.other.slug}/requirements/{other_requirement.number}/inline/title/", {"title": "Mine"}),
        (f"/w/acme/feedback/{other_feedback.pk}/inline/kind/", {"kind": "complaint"}),
        (f"/w/{world.other.slug}/feedback/{other_feedback.pk}/inline/kind/", {"kind": "complaint"}),
    )
    for url, data in attempts:
        assert owner.post(url, {**data, "version": 1}, headers=HTMX).status_code == 404
        assert owner.get(url, {"edit": "1"}, headers=HTMX).status_code == 404
    other_requirement.refresh_from_db()
    other_feedback.refresh_from_db()
    assert (other_requirement.title, other_feedback.kind) == ("Hidden requirement", "suggestion")
