"""Every releases, planning, roadmap and share-link operation: members (owners, admins, members) and
nobody else; the public roadmap of a share link answers everyone."""

from typing import Any

from product.models import Release, Requirement
from tests.matrix import Case, members_only

W = "/workspaces/{workspace}"
RELEASE = W + "/releases/{release_id}"


def release(w: Any, r: str) -> dict[str, Any]:
    return {"release_id": w.extra["release"].pk}


def foreign_release(w: Any) -> dict[str, Any]:
    return {"release_id": w.extra["other_release"].pk}


def product(w: Any, r: str) -> dict[str, Any]:
    return {"product_id": w.extra["product"].pk}


def foreign_product(w: Any) -> dict[str, Any]:
    return {"product_id": w.extra["other_product"].pk}


def version_of(model: Any, pk: int) -> int:
    return model.all_objects.get(pk=pk).version


def new_release(w: Any, r: str) -> dict[str, Any]:
    return {"product_id": w.extra["product"].pk, "name": "2.1", "target_date": "2030-05-01", "theme": "Polish"}


def plan_body(w: Any, r: str) -> dict[str, Any]:
    requirement = w.extra["second_requirement"]
    return {"release_id": w.extra["second_release"].pk, "version": version_of(Requirement, requirement.pk)}


CASES = [
    Case("GET", W + "/releases", members_only(200)),
    Case(
        "POST",
        W + "/releases",
        members_only(201),
        body=new_release,
        foreign_body=lambda w: {"product_id": w.extra["other_product"].pk},
    ),
    Case("GET", RELEASE, members_only(200), params=release, foreign=foreign_release),
    Case(
        "PATCH",
        RELEASE,
        members_only(200),
        params=release,
        body=lambda w, r: {"version": version_of(Release, w.extra["release"].pk), "theme": "Sign in faster"},
        foreign=foreign_release,
    ),
    Case("DELETE", RELEASE, members_only(204), params=release, foreign=foreign_release),
    Case("POST", RELEASE + "/ship", members_only(200), params=release, foreign=foreign_release),
    Case(
        "PUT",
        W + "/requirements/{number}/release",
        members_only(200),
        params=lambda w, r: {"number": w.extra["second_requirement"].number},
        body=plan_body,
        foreign_body=lambda w: {"release_id": w.extra["other_release"].pk},
    ),
    Case("GET", W + "/roadmap", members_only(200)),
    Case(
        "POST",
        W + "/products/{product_id}/shares",
        members_only(201),
        params=product,
        body=lambda w, r: {"label": "Investors"},
        foreign=foreign_product,
    ),
    Case("GET", W + "/products/{product_id}/shares", members_only(200), params=product, foreign=foreign_product),
    Case(
        "DELETE",
        W + "/shares/{share_id}",
        members_only(204),
        params=lambda w, r: {"share_id": w.extra["share"].pk},
        foreign=lambda w: {"share_id": w.extra["other_share"].pk},
    ),
    Case(
        "GET",
        "/public/roadmap/{token}",
        (200,) * 8,
        params=lambda w, r: {"token": w.extra["share_token"]},
    ),
]
