"""The roadmap and its share links: releases by month and by quarter across a year boundary, in a
short-term and a long-term lane, with a bounded window and a constant number of queries; read-only
share links that show one product's roadmap and nothing private, stop working when revoked, and keep
only a hash of their token."""

import datetime
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.errors import ValidationFailed
from product.models import Release, RoadmapShare
from product.queries import roadmap as queries_roadmap
from product.services import products, releases, requirements

API = "/api/v1/workspaces/acme"


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


@pytest.fixture
def around_new_year(world: Any) -> dict[str, Release]:
    """Four releases from November 2029 to February 2030, in both lanes."""
    owner, product = world.actor("owner"), world.extra["product"]
    made = {}
    for name, day, horizon in [
        ("Autumn", datetime.date(2029, 11, 15), "short_term"),
        ("Year end", datetime.date(2029, 12, 31), "long_term"),
        ("New year", datetime.date(2030, 1, 1), "short_term"),
        ("Late winter", datetime.date(2030, 2, 10), "long_term"),
    ]:
        made[name] = releases.create_release(owner, product, name=name, target_date=day, horizon=horizon)
    requirement = world.extra["second_requirement"]
    releases.plan(owner, requirement, release_id=made["New year"].pk, version=requirement.version)
    return made


def placed(roadmap: Any) -> dict[str, list[tuple[str, str]]]:
    """lane → [(period, release name)] in the roadmap's order."""
    return {lane.horizon: [(r.period, r.name) for r in lane.releases] for lane in roadmap.lanes}


# --- The timeline --------------------------------------------------------------------------------


def test_by_month_each_release_sits_in_the_month_of_its_target_in_its_lane(world: Any, around_new_year: Any) -> None:
    roadmap = queries_roadmap.roadmap_for(world.actor("member"), scale="month", start="2029-11", span=4)
    assert [p.key for p in roadmap.periods] == ["2029-11", "2029-12", "2030-01", "2030-02"]
    assert (roadmap.periods[1].start, roadmap.periods[1].end) == (
        datetime.date(2029, 12, 1),
        datetime.date(2029, 12, 31),
    )
    assert placed(roadmap) == {
        "short_term": [("2029-11", "Autumn"), ("2030-01", "New year")],
        "long_term": [("2029-12", "Year end"), ("2030-02", "Late winter")],
    }
    short = roadmap.lanes[0]
    assert [len(cell.releases) for cell in short.cells] == [1, 0, 1, 0]
    [new_year] = short.cells[2].releases
    assert [(q.key, q.title, q.status) for q in new_year.requirements] == [("REQ-2", "Dark mode", "new")]
    assert (roadmap.earlier, roadmap.later) == ("2029-07", "2030-03")


def test_by_quarter_the_window_starts_at_the_quarter_and_crosses_the_year(world: Any, around_new_year: Any) -> None:
    roadmap = queries_roadmap.roadmap_for(world.actor("member"), scale="quarter", start="2029-11", span=2)
    assert [(p.key, p.start, p.end) for p in roadmap.periods] == [
        ("2029-Q4", datetime.date(2029, 10, 1), datetime.date(2029, 12, 31)),
        ("2030-Q1", datetime.date(2030, 1, 1), datetime.date(2030, 3, 31)),
    ]
    assert placed(roadmap) == {
        "short_term": [("2029-Q4", "Autumn"), ("2030-Q1", "New year"), ("2030-Q1", "2.0")],
        "long_term": [("2029-Q4", "Year end"), ("2030-Q1", "Late winter")],
    }
    assert roadmap.periods[0].label == "Q4 2029"
    assert (roadmap.start, roadmap.earlier, roadmap.later) == ("2029-10", "2029-04", "2030-04")


def test_the_roadmap_leaves_out_other_products_when_asked_deleted_releases_and_other_workspaces(
    world: Any, around_new_year: Any
) -> None:
    owner = world.actor("owner")
    console = products.create_product(owner, name="Console")
    releases.create_release(owner, console, name="Console 1", target_date="2030-01-20")
    releases.delete_release(owner, around_new_year["Autumn"])
    everything = queries_roadmap.roadmap_for(owner, start="2029-11", span=4)
    names = {r.name for lane in everything.lanes for r in lane.releases}
    assert names == {"Year end", "New year", "Late winter", "Console 1"}
    assert "Hidden release" not in names  # the other workspace's, in 2030-02
    mine = queries_roadmap.roadmap_for(owner, product_id=console.pk, start="2029-11", span=4)
    assert {r.name for lane in mine.lanes for r in lane.releases} == {"Console 1"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"scale": "month", "span": 25}, "span"),
        ({"scale": "quarter", "span": 9}, "span"),
        ({"scale": "month", "span": 0}, "span"),
        ({"scale": "week"}, "scale"),
        ({"start": "2029-13"}, "start"),
        ({"start": "1969-12"}, "start"),
        ({"start": "29-01"}, "start"),
    ],
)
def test_the_window_is_bounded(world: Any, params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        queries_roadmap.roadmap_for(world.actor("member"), **params)
    assert list(refused.value.errors) == [field]


def test_the_longest_windows_are_two_years(world: Any) -> None:
    assert len(queries_roadmap.roadmap_for(world.actor("member"), scale="month", span=24).periods) == 24
    quarters = queries_roadmap.roadmap_for(world.actor("member"), scale="quarter", start="2990-12", span=8)
    assert quarters.periods[-1].end == datetime.date(2992, 9, 30)


def test_the_api_gives_the_roadmap_in_lanes_with_its_periods(world: Any, around_new_year: Any) -> None:
    User.objects.filter(pk=world.users["member"].pk).update(language="en")  # the labels the test reads
    client = world.client("member")
    response = client.get(f"{API}/roadmap?scale=quarter&start=2030-01&span=1&product={world.extra['product'].pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["scale"], body["start"], body["span"]) == ("quarter", "2030-01", 1)
    assert body["periods"] == [{"key": "2030-Q1", "label": "Q1 2030", "start": "2030-01-01", "end": "2030-03-31"}]
    short, long = body["lanes"]
    assert (short["horizon"], long["horizon"]) == ("short_term", "long_term")
    assert [r["name"] for r in short["releases"]] == ["New year", "2.0"]
    two = short["releases"][1]
    assert (two["theme"], two["target_date"], two["status"], two["period"]) == (
        "Faster sign-in",
        "2030-03-15",
        "planned",
        "2030-Q1",
    )
    assert two["requirements"] == [{"number": 1, "key": "REQ-1", "title": "Sign in with WeCom", "status": "new"}]
    for query in ("span=25", "scale=quarter&span=9", "start=2030-13", "scale=year", "start=x"):
        bad = client.get(f"{API}/roadmap?{query}")
        assert bad.status_code == 422, query


def _many(world: Any, count: int) -> None:
    owner, product = world.actor("owner"), world.extra["product"]
    for i in range(count):
        release = releases.create_release(
            owner, product, name=f"R{i}", target_date=datetime.date(2030, 1 + i % 12, 1), horizon="long_term"
        )
        for j in range(2):
            requirement = requirements.create_requirement(owner, product, title=f"Need {i}.{j}")
            releases.plan(owner, requirement, release_id=release.pk, version=requirement.version)


@pytest.mark.parametrize("reader", ["api", "public", "web"])
def test_the_roadmap_queries_do_not_grow_with_the_releases(
    world: Any, reader: str, django_assert_max_num_queries: Any
) -> None:
    if reader == "api":
        client, url = world.client("owner"), f"{API}/roadmap?start=2030-01&span=12"
    elif reader == "public":
        client, url = Client(), f"/api/v1/public/roadmap/{world.extra['share_token']}?start=2030-01&span=12"
    else:
        client, url = Client(), "/w/acme/roadmap/?start=2030-01&span=12"
        client.force_login(world.users["owner"])
    _many(world, 1)  # 3 releases
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _many(world, 27)  # 30 releases
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
        assert response.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert b"R26" in response.content


# --- Share links -----------------------------------------------------------------------------------


def test_a_share_link_is_shown_once_and_only_its_hash_is_kept(world: Any) -> None:
    client = world.client("member")
    product = world.extra["product"]
    response = client.post(
        f"{API}/products/{product.pk}/shares", {"label": "Investors"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["label"] == "Investors" and body["revoked_at"] is None
    assert body["created_by"]["username"] == "carol"
    token = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert body["url"].startswith("http") and body["url"].endswith(f"/roadmap/{token}/")
    assert len(token) >= 43
    share = RoadmapShare.objects.get(pk=body["id"])
    assert share.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(RoadmapShare.objects.filter(pk=share.pk).values().get())
    listed = client.get(f"{API}/products/{product.pk}/shares").json()["items"]
    assert {s["label"] for s in listed} == {"Investors", "Board of directors"}
    assert all("url" not in s and "token" not in s and "token_hash" not in s for s in listed)
    assert token not in client.get(f"{API}/products/{product.pk}/shares").content.decode()
    assert Client().get(f"/roadmap/{token}/").status_code == 200


@pytest.fixture
def private_things(world: Any) -> list[str]:
    """What the acme product holds that a share link must never show."""
    owner = world.actor("owner")
    requirement = world.extra["requirement"]
    requirements.update_requirement(
        owner, requirement, version=fresh(requirement).version, description="Secret PRD: pricing 42 yuan"
    )
    return [
        "Wang Fang",  # the customer of the linked feedback (world_feedback)
        "wang.fang@lotus.example",
        "Lotus Tech",
        "Please let us sign in with WeCom",  # the feedback itself
        "Alice",  # the workspace owner
        "Carol",  # the product's owner
        "Secret PRD",
        "REQ-1",  # keys are internal
        "Sign in without a password.",  # the release description
        "Hidden requirement",  # another workspace's
        "Hidden release",
        "/w/acme/",  # no internal links
        "Board of directors",  # the share's own label
    ]


def test_the_shared_page_shows_the_roadmap_and_nothing_private(world: Any, private_things: list[str]) -> None:
    owner = world.actor("owner")
    console = products.create_product(owner, name="Console")
    other_product_release = releases.create_release(owner, console, name="Console launch", target_date="2030-03-01")
    stranger = requirements.create_requirement(owner, console, title="Console-only requirement")
    releases.plan(owner, stranger, release_id=other_product_release.pk, version=stranger.version)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/roadmap/{world.extra['share_token']}/?start=2030-01&span=12")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    page = response.content.decode()
    for shown in ("Cadence App", "2.0", "Faster sign-in", "2030-03-15", "Sign in with WeCom", "3.0", "Teams"):
        assert shown in page, shown
    assert "Short term" in page and "Long term" in page
    for hidden in [*private_things, "Console launch", "Console-only requirement"]:
        assert hidden not in page, hidden


def test_the_public_api_shows_the_same_and_nothing_private(world: Any, private_things: list[str]) -> None:
    response = Client().get(f"/api/v1/public/roadmap/{world.extra['share_token']}?start=2030-01&span=12")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["product"] == "Cadence App"
    short, long = body["lanes"]
    assert short["releases"][0] == {
        "name": "2.0",
        "theme": "Faster sign-in",
        "start_date": "2030-01-06",
        "target_date": "2030-03-15",
        "status": "planned",
        "period": "2030-03",
        "requirements": [{"title": "Sign in with WeCom", "status": "new"}],
    }
    assert [r["name"] for r in long["releases"]] == ["3.0"]
    text = response.content.decode()
    for hidden in private_things:
        assert hidden not in text, hidden
    assert '"id"' not in text and "product_id" not in text


def test_a_revoked_or_unknown_link_is_the_same_404(world: Any) -> None:
    token, share = world.extra["share_token"], world.extra["share"]
    unknown = Client().get("/roadmap/" + "x" * 43 + "/")
    releases.revoke_share(world.actor("member"), share)
    assert fresh(share).revoked_at is not None
    revoked = Client().get(f"/roadmap/{token}/")
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content
    assert revoked["Referrer-Policy"] == "no-referrer" and revoked["X-Robots-Tag"] == "noindex"
    assert Client().get(f"/api/v1/public/roadmap/{token}").status_code == 404
    assert Client().get("/roadmap/short/").status_code == 404
    # Revoking again changes nothing; the API lists it as revoked.
    when = fresh(share).revoked_at
    assert world.client("member").delete(f"{API}/shares/{share.pk}").status_code == 204
    assert fresh(share).revoked_at == when
    listed = world.client("member").get(f"{API}/products/{world.extra['product'].pk}/shares").json()["items"]
    assert [s["revoked_at"] is not None for s in listed if s["id"] == share.pk] == [True]


def test_a_deleted_product_takes_its_links_down(world: Any) -> None:
    products.delete_product(world.actor("owner"), world.extra["product"])
    assert Client().get(f"/roadmap/{world.extra['share_token']}/").status_code == 404


def test_each_link_shows_only_its_own_product(world: Any) -> None:
    page = Client().get(f"/roadmap/{world.extra['other_share_token']}/?start=2030-01&span=12").content.decode()
    assert "Hidden release" in page and "Hidden requirement" in page
    assert "Cadence App" not in page and "Sign in with WeCom" not in page and "Faster sign-in" not in page


def test_last_use_is_written_at_most_once_a_minute(world: Any) -> None:
    share, token = world.extra["share"], world.extra["share_token"]
    assert share.last_used_at is None
    Client().get(f"/roadmap/{token}/")
    first = fresh(share).last_used_at
    assert first is not None
    Client().get(f"/roadmap/{token}/")
    assert fresh(share).last_used_at == first
    RoadmapShare.objects.filter(pk=share.pk).update(last_used_at=timezone.now() - datetime.timedelta(seconds=61))
    Client().get(f"/api/v1/public/roadmap/{token}")
    assert fresh(share).last_used_at > first


def test_guessing_tokens_is_locked_out(world: Any, settings: Any) -> None:
    settings.THROTTLE_MAX_FAILURES = 3
    for _ in range(3):
        assert Client().get("/roadmap/" + "y" * 43 + "/").status_code == 404
    assert Client().get(f"/roadmap/{world.extra['share_token']}/").status_code == 429
    assert Client().get(f"/api/v1/public/roadmap/{world.extra['share_token']}").status_code == 429


def test_only_members_manage_links_of_their_own_workspace(world: Any) -> None:
    product, share = world.extra["product"], world.extra["share"]
    assert (
        world.client("guest")
        .post(f"{API}/products/{product.pk}/shares", {"label": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert world.client("guest").delete(f"{API}/shares/{share.pk}").status_code == 403
    assert world.client("owner").delete(f"{API}/shares/{world.extra['other_share'].pk}").status_code == 404
    assert fresh(world.extra["other_share"]).revoked_at is None
    assert fresh(share).revoked_at is None
