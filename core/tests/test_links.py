"""Typed links between any two registered objects: the services under both ends' permissions, the
trash, the API, the panel on every detail page, and their cost."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts import services as accounts
from core import links, queries, services
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Activity, Link, TrashItem

LINKS = "/api/v1/workspaces/acme/objects/{type}/{id}/links"


def _link(world: Any, role: str, source: Any, target: Any, kind: str = "blocks", **target_by: Any) -> Link:
    from core.registry import type_of

    return services.link(
        world.actor(role),
        source_type=type_of(source).name,
        source_id=source.pk,
        kind=kind,
        target_type=type_of(target).name,
        **(target_by or {"target_id": target.pk}),
    )


def _seen_from(world: Any, role: str, type_name: str, object_id: int) -> list[tuple[str, str, str]]:
    page = queries.links_page(world.actor(role), type_name, object_id, cursor=None, limit=50)
    return [(v.direction, v.label, v.other.label) for v in page.items]


def _errors(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.errors


# --- Services -----------------------------------------------------------------------------------


def test_a_link_is_seen_from_both_ends_and_recorded_on_both(world: Any) -> None:
    item, requirement = world.extra["item"], world.extra["requirement"]
    link = _link(world, "member", item, requirement, "blocks")
    assert (link.created_by_id, link.workspace_id) == (world.users["member"].pk, world.acme.pk)
    assert _seen_from(world, "member", "work_item", item.pk) == [("outgoing", "Blocks", str(requirement))]
    assert _seen_from(world, "member", "requirement", requirement.pk) == [("incoming", "Is blocked by", str(item))]
    on_item = Activity.objects.get(target_type="work_item", target_id=item.pk, verb="linked")
    on_requirement = Activity.objects.get(target_type="requirement", target_id=requirement.pk, verb="linked")
    assert on_item.changes == {"blocks": [None, str(requirement)]}
    assert on_requirement.changes == {"blocked_by": [None, str(item)]}
    end = queries.links_page(world.actor("member"), "work_item", item.pk, cursor=None, limit=50).items[0].other
    assert (end.type, end.id, end.url) == (
        "requirement",
        requirement.pk,
        f"/w/acme/requirements/{requirement.number}/",
    )

    services.unlink(world.actor("member"), link)
    assert not Link.objects.filter(pk=link.pk).exists()
    assert Activity.objects.get(target_type="requirement", target_id=requirement.pk, verb="unlinked").changes == {
        "blocked_by": [str(item), None]
    }


def test_linking_needs_edit_on_the_source_and_sight_of_the_target(world: Any) -> None:
    department, team = world.department, world.team
    # department.edit is staff's: a member may not link from a department…
    with pytest.raises(PermissionDenied):
        _link(world, "member", department, team)
    # …but from a work item (a member edits them) to the department, which she may see.
    _link(world, "member", world.extra["item"], department)
    # A guest never links, even from what she can see.
    with pytest.raises(PermissionDenied):
        _link(world, "guest", world.extra["item"], world.extra["blocker"])
    # A target she may not see is refused, naming the field (webhooks are staff's to see).
    with pytest.raises(ValidationFailed) as refused:
        _link(world, "member", world.extra["item"], world.extra["webhook"])
    assert list(_errors(refused)) == ["target_id"]


def test_unlinking_needs_edit_on_either_end(world: Any) -> None:
    link = _link(world, "owner", world.department, world.extra["item"], "relates_to")
    # carol may not edit the department but may edit the work item: she may remove the link.
    services.unlink(world.actor("member"), link)
    staff_only = _link(world, "owner", world.department, world.team, "relates_to")
    with pytest.raises(PermissionDenied):
        services.unlink(world.actor("member"), staff_only)
    # The guest sees neither department nor team: the link does not exist for her.
    with pytest.raises(NotFound):
        queries.get_link(world.actor("guest"), staff_only.pk)
    assert Link.objects.filter(pk=staff_only.pk).exists()


def test_duplicates_self_links_and_unknown_kinds_are_refused_naming_the_field(world: Any) -> None:
    item, blocker = world.extra["item"], world.extra["blocker"]
    _link(world, "member", item, blocker, "blocks")
    with pytest.raises(ValidationFailed) as duplicate:
        _link(world, "member", item, blocker, "blocks")
    assert list(_errors(duplicate)) == ["target_id"]
    # "blocks" has a direction: the other way round is another link; "relates to" reads both ways.
    _link(world, "member", blocker, item, "blocks")
    _link(world, "member", item, blocker, "relates_to")
    with pytest.raises(ValidationFailed) as reverse:
        _link(world, "member", blocker, item, "relates_to")
    assert list(_errors(reverse)) == ["target_id"]
    with pytest.raises(ValidationFailed) as itself:
        _link(world, "member", item, item, "relates_to")
    assert list(_errors(itself)) == ["target_id"]
    with pytest.raises(ValidationFailed) as unknown:
        _link(world, "member", item, blocker, "causes")
    assert list(_errors(unknown)) == ["kind"]
    with pytest.raises(ValidationFailed) as no_type:
        services.link(
            world.actor("member"),
            source_type="work_item",
            source_id=item.pk,
            kind="relates_to",
            target_type="spaceship",
            target_id=1,
        )
    assert list(_errors(no_type)) == ["target_type"]
    with pytest.raises(ValidationFailed) as both:
        _link(world, "member", item, blocker, target_id=blocker.pk, target_key=blocker.key)
    assert list(_errors(both)) == ["target_id"]
    assert Link.objects.filter(source_type="work_item").count() == 3


def test_the_database_refuses_what_the_service_refuses(world: Any) -> None:
    from django.db import IntegrityError, transaction

    item = world.extra["item"]
    fields = {"workspace": world.acme, "source_type": "work_item", "source_id": item.pk, "kind": "blocks"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(**fields, target_type="work_item", target_id=item.pk)
    Link.objects.create(**fields, target_type="team", target_id=world.team.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(**fields, target_type="team", target_id=world.team.pk)


def test_targets_are_named_by_key_where_their_type_has_keys(world: Any) -> None:
    item, requirement = world.extra["item"], world.extra["requirement"]
    first = _link(world, "member", item, requirement, "relates_to", target_key=requirement.key.lower())
    assert (first.target_type, first.target_id) == ("requirement", requirement.pk)
    second = _link(
        world, "member", requirement, world.extra["blocker"], "blocks", target_key=world.extra["blocker"].key
    )
    assert second.target_id == world.extra["blocker"].pk
    project = _link(world, "member", item, world.extra["ops"], "relates_to", target_key="ops")
    assert project.target_id == world.extra["ops"].pk
    with pytest.raises(ValidationFailed) as unknown:
        _link(world, "member", item, requirement, "blocks", target_key="REQ-99999")
    assert list(_errors(unknown)) == ["target_key"]
    with pytest.raises(ValidationFailed) as keyless:
        _link(world, "member", item, world.department, "blocks", target_key="Product")
    assert list(_errors(keyless)) == ["target_key"]


def test_objects_of_another_workspace_are_never_linked(world: Any) -> None:
    item = world.extra["item"]
    with pytest.raises(ValidationFailed) as by_id:
        _link(world, "owner", item, world.extra["other_item"])
    assert list(_errors(by_id)) == ["target_id"]
    with pytest.raises(ValidationFailed) as by_key:
        _link(world, "owner", item, world.extra["other_item"], target_key=world.extra["other_item"].key)
    assert list(_errors(by_key)) == ["target_key"]
    with pytest.raises(NotFound):
        _link(world, "owner", world.extra["other_item"], item)
    with pytest.raises(NotFound):
        queries.get_link(world.actor("owner"), world.extra["other_link"].pk)
    with pytest.raises(NotFound):
        queries.links_page(world.actor("owner"), "department", world.other_department.pk, cursor=None, limit=5)


def test_only_ends_the_caller_may_see_are_listed(world: Any) -> None:
    item = world.extra["item"]  # in WEB, which gina (guest) views
    _link(world, "member", item, world.department, "relates_to")
    _link(world, "member", item, world.extra["blocker"], "relates_to")
    assert [label for _d, _k, label in _seen_from(world, "member", "work_item", item.pk)] == [
        str(world.department),
        str(world.extra["blocker"]),
    ]
    assert [label for _d, _k, label in _seen_from(world, "guest", "work_item", item.pk)] == [
        str(world.extra["blocker"])
    ]


def test_the_trash_hides_links_and_restoring_brings_them_back(world: Any) -> None:
    owner = world.actor("owner")
    product, mobile = world.department, world.leaf_department  # the world links Product to Mobile
    team_link = _link(world, "owner", world.team, mobile, "relates_to")
    accounts.delete_department(owner, mobile)
    assert _seen_from(world, "owner", "department", product.pk) == []
    assert _seen_from(world, "owner", "team", world.team.pk) == []
    with pytest.raises(NotFound):
        queries.get_link(owner, team_link.pk)
    assert Link.objects.count() == 3  # nothing deleted: hidden
    # Both ends in the trash: bringing one back keeps the link hidden until the other comes back too.
    accounts.delete_department(owner, product)
    services.restore(owner, TrashItem.objects.get(target_type="department", target_id=mobile.pk))
    assert _seen_from(world, "owner", "team", world.team.pk) == [("outgoing", "Relates to", str(mobile))]
    assert _seen_from(world, "owner", "department", mobile.pk) == [("incoming", "Relates to", str(world.team))]
    services.restore(owner, TrashItem.objects.get(target_type="department", target_id=product.pk))
    assert [label for _d, _k, label in _seen_from(world, "owner", "department", mobile.pk)] == [
        str(product),
        str(world.team),
    ]


def test_purging_an_object_deletes_its_links(world: Any, settings: Any) -> None:
    owner = world.actor("owner")
    mobile = world.leaf_department
    kept = _link(world, "owner", world.team, world.department, "relates_to")
    _link(world, "owner", world.team, mobile, "blocks")
    accounts.delete_department(owner, mobile)
    later = timezone.now() + datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1)
    services.purge_trash(now=later)
    remaining = set(Link.objects.filter(workspace=world.acme).values_list("pk", flat=True))
    assert remaining == {kept.pk}


def test_a_module_declares_its_own_kind(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(links, "_kinds", dict(links._kinds))
    # The history labels declare_kind adds, taken back after the test (setitem undoes its keys).
    monkeypatch.setitem(links.FIELD_LABELS, "mitigates", "Mitigates")
    monkeypatch.setitem(links.FIELD_LABELS, "mitigated_by", "Is mitigated by")
    links.declare_kind("mitigates", label="Mitigates", inverse="mitigated_by", inverse_label="Is mitigated by")
    _link(world, "member", world.extra["item"], world.extra["requirement"], "mitigates")
    assert _seen_from(world, "member", "requirement", world.extra["requirement"].pk)[0][1] == "Is mitigated by"
    with pytest.raises(ValueError):
        links.declare_kind("half", label="Half", inverse="halved")


def test_kinds_and_errors_speak_chinese(world: Any) -> None:
    item, requirement = world.extra["item"], world.extra["requirement"]
    _link(world, "member", item, requirement, "duplicates")
    with translation.override("zh-hans"):
        assert _seen_from(world, "member", "requirement", requirement.pk)[0][1] == "被重复于"
        with pytest.raises(ValidationFailed) as duplicate:
            _link(world, "member", item, requirement, "duplicates")
        assert _errors(duplicate)["target_id"] == ["这两个对象之间已经有这种关联。"]


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_pages_adds_by_key_and_removes(world: Any) -> None:
    _in(world, "member", "en")
    client = world.client("member")
    item = world.extra["item"]
    url = LINKS.format(type="work_item", id=item.pk)
    created = client.post(
        url,
        {"kind": "blocks", "target_type": "work_item", "target_key": world.extra["blocked"].key},
        "application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["direction"], body["label"]) == ("blocks", "outgoing", "Blocks")
    assert body["other"] == {
        "type": "work_item",
        "id": world.extra["blocked"].pk,
        "label": str(world.extra["blocked"]),
        "url": f"/w/acme/items/{world.extra['blocked'].key}/",
    }
    assert body["created_by"]["username"] == "carol"
    client.post(
        url, {"kind": "relates_to", "target_type": "department", "target_id": world.department.pk}, "application/json"
    )
    first = client.get(url, {"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(url, {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [i["other"]["type"] for i in first["items"] + second["items"]] == ["work_item", "department"]
    assert second["next_cursor"] is None
    # From the other end, the same link reads the other way.
    back = client.get(LINKS.format(type="work_item", id=world.extra["blocked"].pk)).json()["items"]
    assert [(i["direction"], i["label"], i["other"]["id"]) for i in back] == [("incoming", "Is blocked by", item.pk)]

    refused = client.post(url, {"kind": "blocks", "target_type": "work_item", "target_id": item.pk}, "application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "target_id"
    gone = client.delete(f"/api/v1/workspaces/acme/links/{body['id']}")
    assert gone.status_code == 204
    assert client.delete(f"/api/v1/workspaces/acme/links/{body['id']}").status_code == 404


def test_api_list_queries_do_not_grow_with_the_links(world: Any, django_assert_max_num_queries: Any) -> None:
    client = world.client("owner")
    item = world.extra["item"]
    url = LINKS.format(type="work_item", id=item.pk)
    targets = [world.department, world.team, world.extra["requirement"], world.extra["blocker"], world.extra["ops"]]
    for target in targets:
        _link(world, "owner", item, target, "relates_to")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert len(client.get(url).json()["items"]) == 5
    owner = world.actor("owner")
    for i in range(20):
        department = accounts.create_department(owner, name=f"D{i}")
        _link(world, "owner", department, item, "blocks")
        _link(world, "owner", item, accounts.create_team(owner, name=f"T{i}"), "relates_to")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["items"]) == 45


# --- The panel on every detail page -------------------------------------------------------------


def _in(world: Any, role: str, language: str) -> None:
    user = world.users[role]
    type(user).objects.filter(pk=user.pk).update(language=language)


def _web(world: Any, role: str, language: str = "en") -> Client:
    _in(world, role, language)
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_panel_adds_and_removes_links_with_htmx(world: Any) -> None:
    client = _web(world, "member")
    item = world.extra["item"]
    page = client.get(f"/w/acme/items/{item.key}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="links"' in html and "No links yet." in html
    url = f"/w/acme/o/work_item/{item.pk}/links/"
    added = client.post(
        url,
        {"kind": "relates_to", "target_type": "requirement", "target": world.extra["requirement"].key},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert str(world.extra["requirement"]) in added.content.decode() and "<html" not in added.content.decode()
    link = Link.objects.get(source_type="work_item", source_id=item.pk)
    # By id too, and a refusal lands on the form's field with 422.
    by_id = client.post(url, {"kind": "blocks", "target_type": "department", "target": str(world.department.pk)})
    assert by_id.status_code == 302
    refused = client.post(
        url, {"kind": "blocks", "target_type": "work_item", "target": "WEB-999"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422
    assert "There is no such object, or you may not see it." in refused.content.decode()
    # The other end's page shows the link the other way round, and removes it.
    requirement_page = _web(world, "member").get(f"/w/acme/requirements/{world.extra['requirement'].number}/")
    assert str(item) in requirement_page.content.decode()
    removed = client.post(
        f"/w/acme/o/requirement/{world.extra['requirement'].pk}/links/{link.pk}/delete/", HTTP_HX_REQUEST="true"
    )
    assert removed.status_code == 200
    assert not Link.objects.filter(pk=link.pk).exists()
    # A link removed through a page it is not on does not exist there.
    other = Link.objects.get(source_type="work_item", target_type="department")
    assert client.post(f"/w/acme/o/team/{world.team.pk}/links/{other.pk}/delete/").status_code == 404


def test_the_panel_offers_adding_only_to_those_who_may_edit(world: Any) -> None:
    html = _web(world, "member").get(f"/w/acme/departments/{world.department.pk}/").content.decode()
    assert str(world.leaf_department) in html  # the world's link
    assert "Add link" not in html and "Remove this link?" not in html
    staff = _web(world, "admin").get(f"/w/acme/departments/{world.department.pk}/").content.decode()
    assert "Add link" in staff and "Remove this link?" in staff


def test_more_links_come_page_by_page(world: Any, settings: Any) -> None:
    settings.PAGE_SIZE_DEFAULT = 2
    item = world.extra["item"]
    for target in [world.department, world.team, world.extra["requirement"]]:
        _link(world, "owner", item, target, "relates_to")
    client = _web(world, "owner")
    first = client.get(f"/w/acme/items/{item.key}/").content.decode()
    assert (
        "More links" in first and str(world.extra["requirement"]) not in first.split('id="links"')[1].split("</ul>")[0]
    )
    cursor = queries.links_page(world.actor("owner"), "work_item", item.pk, cursor=None, limit=2).next_cursor
    assert cursor is not None
    more = client.get(f"/w/acme/o/work_item/{item.pk}/links/", {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert more.status_code == 200 and str(world.extra["requirement"]) in more.content.decode()
    assert "More links" not in more.content.decode()


def test_the_panel_speaks_chinese(world: Any) -> None:
    client = _web(world, "admin", "zh-hans")
    html = client.get(f"/w/acme/departments/{world.department.pk}/").content.decode()
    assert "关联" in html and "添加关联" in html and "相关于" in html


def test_a_detail_page_with_many_links_costs_the_same(world: Any, django_assert_max_num_queries: Any) -> None:
    client = _web(world, "owner")
    url = f"/w/acme/departments/{world.department.pk}/"
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    owner = world.actor("owner")
    for i in range(15):
        _link(world, "owner", world.department, accounts.create_team(owner, name=f"T{i}"), "relates_to")
        _link(world, "owner", accounts.create_department(owner, name=f"D{i}"), world.department, "blocks")
    _link(world, "owner", world.department, world.extra["item"], "relates_to")
    _link(world, "owner", world.department, world.extra["requirement"], "relates_to")
    with django_assert_max_num_queries(len(few.captured_queries) + 2):  # one read per type of end
        assert client.get(url).status_code == 200
