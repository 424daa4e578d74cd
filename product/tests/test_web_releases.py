"""The release and roadmap pages in the browser's place: the release list and a new release, a
release with its requirements and their progress (edit at a version, ship, add by key, take out,
delete), the roadmap grid with its scale switch and product filter, and the Share panel; who sees
the forms and who is refused; a bounded number of queries."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from product.models import Release, RequirementItem, RoadmapShare
from product.services import releases, requirements
from projects.models import State
from projects.services import items


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")  # the messages the tests read
    client = Client()
    client.force_login(world.users[role])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"product:{name}", args=["acme", *args])


def text(response: Any) -> str:
    return response.content.decode()


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


# --- The release list ------------------------------------------------------------------------------


def test_the_list_shows_releases_with_their_share_released_and_filters(world: Any) -> None:
    client = client_for(world)
    response = client.get(url("releases"))
    assert response.status_code == 200
    page = text(response)
    assert "2.0" in page and "3.0" in page and "Faster sign-in" in page
    assert "Hidden release" not in page
    assert "0 of 1" in page
    assert url("release", world.extra["release"].pk) in page
    shipped = client.get(url("releases") + "?status=shipped")
    assert "Faster sign-in" not in text(shipped)
    assert client.get(url("releases") + "?status=bogus").status_code == 200  # an unknown filter is ignored


def test_a_new_release_is_created_from_the_list(world: Any) -> None:
    client = client_for(world)
    form = {
        "new-product_id": world.extra["product"].pk,
        "new-name": "2.5",
        "new-theme": "Reports",
        "new-start_date": "2030-04-01",
        "new-target_date": "2030-05-01",
        "new-horizon": "short_term",
        "new-description": "",
    }
    response = client.post(url("releases"), form)
    release = Release.objects.get(name="2.5")
    assert response.status_code == 302 and response["Location"] == url("release", release.pk)
    bad = client.post(url("releases"), {**form, "new-name": "2.6", "new-start_date": "2030-06-01"})
    assert bad.status_code == 422
    assert "The target date must not be before the start date." in text(bad)
    foreign = client.post(
        url("releases"), {**form, "new-name": "2.7", "new-product_id": world.extra["other_product"].pk}
    )
    assert foreign.status_code == 422
    assert not Release.objects.filter(name__in=["2.6", "2.7"]).exists()


def test_guests_are_refused_and_outsiders_find_nothing(world: Any) -> None:
    release = world.extra["release"]
    guest = client_for(world, "guest")
    for target in (url("releases"), url("release", release.pk), url("roadmap")):
        assert guest.get(target).status_code == 403, target
    assert guest.post(url("release-ship", release.pk)).status_code == 403
    outsider = client_for(world, "outsider_owner")
    assert outsider.get(url("release", release.pk)).status_code == 404
    owner = client_for(world, "owner")
    assert owner.get(url("release", world.extra["other_release"].pk)).status_code == 404
    assert fresh(release).status == "planned"


# --- A release -----------------------------------------------------------------------------------


def test_the_release_page_shows_each_requirement_with_its_progress(world: Any) -> None:
    owner, requirement = world.actor("owner"), world.extra["requirement"]
    project = world.extra["project"]
    done = State.objects.get(workflow__project=project, workflow__name="Scrum", name="Done")
    for title in ("Backend", "Frontend"):
        item = items.create_item(owner, project, title=title)
        RequirementItem.objects.create(workspace=world.acme, requirement=requirement, item=item)
    items.transition(owner, item, state_id=done.pk)
    response = client_for(world).get(url("release", world.extra["release"].pk))
    assert response.status_code == 200
    page = text(response)
    assert "Cadence App 2.0" in page and "Faster sign-in" in page
    assert "Sign in with WeCom" in page and requirement.key in page
    assert url("requirement", requirement.number) in page
    assert "1 of 2 done" in page
    assert '<progress max="2" value="1"' in page
    assert "0 of 1 requirements (0 %)" in page
    assert "Ship this release" in page and 'name="version"' in page
    assert 'id="discussion-heading"' in page  # history and comments


def test_the_edit_form_saves_at_the_version_it_read(world: Any) -> None:
    release = world.extra["release"]
    client = client_for(world)
    form = {
        "name": "2.0",
        "theme": "Sign in faster",
        "start_date": "2030-01-06",
        "target_date": "2030-03-20",
        "horizon": "short_term",
        "status": "in_progress",
        "description": "",
        "version": release.version,
    }
    response = client.post(url("release", release.pk), form)
    assert response.status_code == 302
    saved = fresh(release)
    assert (saved.theme, saved.target_date, saved.status) == (
        "Sign in faster",
        datetime.date(2030, 3, 20),
        "in_progress",
    )
    stale = client.post(url("release", release.pk), {**form, "theme": "Mine"})
    assert stale.status_code == 409
    assert "Someone else changed this" in text(stale)
    assert fresh(release).theme == "Sign in faster"
    shipped_choice = client.post(url("release", release.pk), {**form, "version": saved.version, "status": "shipped"})
    assert shipped_choice.status_code == 422


def test_shipping_from_the_page_releases_what_is_done_and_shows_what_is_left(world: Any) -> None:
    owner, release = world.actor("owner"), world.extra["release"]
    unfinished = requirements.create_requirement(owner, world.extra["product"], title="Audit log")
    releases.plan(owner, unfinished, release_id=release.pk, version=unfinished.version)
    item = items.create_item(owner, world.extra["project"], title="Audit schema")
    RequirementItem.objects.create(workspace=world.acme, requirement=unfinished, item=item)
    client = client_for(world)
    response = client.post(url("release-ship", release.pk))
    assert response.status_code == 302
    page = text(client.get(url("release", release.pk)))
    assert "has shipped" in page
    assert "1 requirement of this release still has unfinished work" in page
    assert "Unfinished work" in page
    assert "1 of 2 requirements (50 %)" in page
    assert "Ship this release" not in page
    assert fresh(world.extra["requirement"]).status == "released"


def test_a_requirement_is_added_by_key_and_taken_out(world: Any) -> None:
    release, requirement = world.extra["second_release"], world.extra["second_requirement"]
    client = client_for(world)
    response = client.post(url("release-plan", release.pk), {"key": requirement.key})
    assert response.status_code == 302
    assert fresh(requirement).release_id == release.pk
    again = client.post(url("release-plan", release.pk), {"key": requirement.key})
    assert again.status_code == 422 and "already in this release" in text(again)
    unknown = client.post(url("release-plan", release.pk), {"key": "REQ-4242"})
    assert unknown.status_code == 422 and "No requirement with this key." in text(unknown)
    out = client.post(url("release-unplan", release.pk, requirement.number))
    assert out.status_code == 302
    assert fresh(requirement).release_id is None
    assert client.post(url("release-unplan", release.pk, requirement.number)).status_code == 404


def test_a_release_is_deleted_from_its_page(world: Any) -> None:
    release = world.extra["second_release"]
    client = client_for(world)
    response = client.post(url("release-delete", release.pk))
    assert response.status_code == 302 and response["Location"] == url("releases")
    assert fresh(release).deleted_at is not None
    assert client.get(url("release", release.pk)).status_code == 404


# --- The roadmap ---------------------------------------------------------------------------------


def test_the_roadmap_grid_places_releases_in_lanes_and_switches_to_quarters(world: Any) -> None:
    client = client_for(world)
    response = client.get(url("roadmap") + "?start=2030-01&span=12")
    assert response.status_code == 200
    page = text(response)
    assert "roadmap-periods" in page
    assert '<h2 id="lane-short_term">Short term' in page and '<h2 id="lane-long_term">Long term' in page
    assert 'data-period="2030-03"' in page and 'data-period="2030-12"' in page
    assert page.index('data-period="2030-03"') < page.index("Cadence App 2.0") < page.index('data-period="2030-04"')
    assert "Sign in with WeCom" in page and "Hidden release" not in page
    lanes = response.context["roadmap"].lanes
    assert [[r.name for r in lane.releases] for lane in lanes] == [["2.0"], ["3.0"]]
    quarters = client.get(url("roadmap") + "?start=2030-01&scale=quarter")
    assert [p.key for p in quarters.context["roadmap"].periods] == ["2030-Q1", "2030-Q2", "2030-Q3", "2030-Q4"]
    assert 'aria-current="page">By quarter' in text(quarters)
    too_long = client.get(url("roadmap") + "?scale=quarter&span=20")
    assert too_long.status_code == 422 and "Must be between 1 and 8." in text(too_long)
    other_product = client.get(url("roadmap") + f"?start=2030-01&product={world.extra['other_product'].pk}")
    assert "Hidden release" not in text(other_product) and other_product.status_code == 422


def test_the_share_panel_creates_a_link_shown_once_and_revokes_it(world: Any) -> None:
    client = client_for(world)
    page = text(client.get(url("roadmap")))
    assert "Board of directors" in page and world.extra["share_token"] not in page
    response = client.post(
        url("share-create"),
        {"share-product_id": world.extra["product"].pk, "share-label": "Investors"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    panel = text(response)
    assert panel.lstrip().startswith('<section class="card" id="share-panel"')
    share = RoadmapShare.objects.get(label="Investors")
    token = panel.split("/roadmap/")[1].split("/")[0]
    assert Client().get(f"/roadmap/{token}/").status_code == 200
    assert token not in text(client.get(url("roadmap")))
    revoked = client.post(url("share-revoke", share.pk))
    assert revoked.status_code == 302
    assert fresh(share).revoked_at is not None
    assert Client().get(f"/roadmap/{token}/").status_code == 404
    assert f'id="share-{share.pk}"' not in text(client.get(url("roadmap")))
    foreign = client.post(
        url("share-create"), {"share-product_id": world.extra["other_product"].pk, "share-label": "x"}
    )
    assert foreign.status_code == 422
    assert client.post(url("share-revoke", world.extra["other_share"].pk)).status_code == 404


def test_the_shared_page_needs_no_account(world: Any) -> None:
    url = reverse("product:shared-roadmap", args=[world.extra["share_token"]]) + "?start=2030-01"
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert response.status_code == 200
    page = text(response)
    assert "Cadence App" in page and "Faster sign-in" in page and "Read only" in page
    assert 'name="csrfmiddlewaretoken"' not in page and "<form" not in page


def _grow(world: Any, count: int) -> None:
    owner, product = world.actor("owner"), world.extra["product"]
    for i in range(count):
        release = releases.create_release(owner, product, name=f"R{i}", target_date=datetime.date(2030, 1 + i % 12, 2))
        requirement = requirements.create_requirement(owner, product, title=f"Need {i}")
        releases.plan(owner, requirement, release_id=release.pk, version=requirement.version)


@pytest.mark.parametrize("name", ["releases", "release", "roadmap"])
def test_page_queries_do_not_grow(world: Any, name: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, "owner")
    target = url("release", world.extra["release"].pk) if name == "release" else url(name)
    if name == "roadmap":
        target += "?start=2030-01"
    _grow(world, 1)
    if name == "release":  # the requirements of one release grow instead
        for i in range(2):
            requirement = requirements.create_requirement(
                world.actor("owner"), world.extra["product"], title=f"Extra {i}"
            )
            releases.plan(world.actor("owner"), requirement, release_id=world.extra["release"].pk, version=1)
    client.get(target)
    with django_assert_max_num_queries(60) as small:
        assert client.get(target).status_code == 200
    _grow(world, 27)
    if name == "release":
        for i in range(27):
            requirement = requirements.create_requirement(
                world.actor("owner"), world.extra["product"], title=f"More {i}"
            )
            releases.plan(world.actor("owner"), requirement, release_id=world.extra["release"].pk, version=1)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(target).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)
