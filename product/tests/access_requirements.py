"""Products, product settings and requirements: who may call each operation (members; staff for the
settings), and ids of the other workspace in paths (404) and bodies (422)."""

from typing import Any

from product.models import Product, ProductSettings, Requirement
from tests.matrix import Case, members_only, staff_only

W = "/workspaces/{workspace}"
PRODUCT = W + "/products/{product_id}"
R = W + "/requirements/{number}"
READ = members_only(200)


def version_of(model: Any, pk: int) -> int:
    return model.all_objects.get(pk=pk).version


def product(w: Any, r: str) -> dict[str, Any]:
    return {"product_id": w.extra["product"].pk}


def foreign_product(w: Any) -> dict[str, Any]:
    return {"product_id": w.extra["other_product"].pk}


def requirement(w: Any, r: str) -> dict[str, Any]:
    return {"number": w.extra["requirement"].number}


def foreign_requirement(w: Any) -> dict[str, Any]:
    return {"number": w.extra["other_requirement"].number}


def requirement_version(w: Any) -> int:
    return version_of(Requirement, w.extra["requirement"].pk)


def foreign_people(w: Any) -> dict[str, Any]:
    return {"owner_id": w.users["outsider"].pk, "proposer_id": w.users["outsider_owner"].pk}


CASES = [
    Case("GET", W + "/products", READ),
    Case(
        "POST",
        W + "/products",
        members_only(201),
        body=lambda w, r: {"name": "Mobile app", "vision": "Everywhere"},
        foreign_body=lambda w: {"owner_id": w.users["outsider"].pk},
    ),
    Case("GET", PRODUCT, READ, params=product, foreign=foreign_product),
    Case(
        "PATCH",
        PRODUCT,
        members_only(200),
        params=product,
        body=lambda w, r: {"version": version_of(Product, w.extra["product"].pk), "form_enabled": True},
        foreign=foreign_product,
        foreign_body=lambda w: {"owner_id": w.users["outsider"].pk},
    ),
    Case("DELETE", PRODUCT, members_only(204), params=product, foreign=foreign_product),
    Case(
        "POST",
        PRODUCT + "/modules",
        members_only(201),
        params=product,
        body=lambda w, r: {"name": "Billing"},
        foreign=foreign_product,
    ),
    Case(
        "DELETE",
        PRODUCT + "/modules/{module_id}",
        members_only(204),
        params=lambda w, r: {"product_id": w.extra["product"].pk, "module_id": w.extra["module"].pk},
        foreign=lambda w: {"product_id": w.extra["other_product"].pk, "module_id": w.extra["module"].pk},
    ),
    Case("POST", PRODUCT + "/form-link", members_only(200), params=product, foreign=foreign_product),
    Case("GET", W + "/product-settings", READ),
    Case(
        "PATCH",
        W + "/product-settings",
        staff_only(200),
        body=lambda w, r: {
            "version": ProductSettings.objects.get(workspace=w.acme).version,
            "scoring_model": "wsjf",
            "demand_weight": "0.5",
        },
    ),
    Case("GET", W + "/requirements", READ),
    Case(
        "POST",
        W + "/requirements",
        members_only(201),
        body=lambda w, r: {"product_id": w.extra["product"].pk, "title": "Export to Excel", "effort": 2},
        foreign_body=lambda w: {"product_id": w.extra["other_product"].pk, **foreign_people(w)},
    ),
    Case("POST", W + "/requirements/rank-by-score", members_only(200)),
    Case("GET", R, READ, params=requirement, foreign=foreign_requirement),
    Case(
        "PATCH",
        R,
        members_only(200),
        params=requirement,
        body=lambda w, r: {"version": requirement_version(w), "title": "Sign in with WeCom and DingTalk"},
        foreign=foreign_requirement,
        foreign_body=foreign_people,
    ),
    Case("DELETE", R, members_only(204), params=requirement, foreign=foreign_requirement),
    Case(
        "POST",
        R + "/transitions",
        members_only(200),
        params=requirement,
        body=lambda w, r: {"status": "in_review", "version": requirement_version(w)},
        foreign=foreign_requirement,
    ),
    Case("GET", R + "/history", READ, params=requirement, foreign=foreign_requirement),
    Case("GET", R + "/revisions", READ, params=requirement, foreign=foreign_requirement),
    Case(
        "GET",
        R + "/revisions/{a}/compare/{b}",
        READ,
        params=lambda w, r: {"number": w.extra["requirement"].number, "a": 1, "b": 1},
        foreign=lambda w: {"number": w.extra["other_requirement"].number, "a": 1, "b": 1},
    ),
    Case(
        "POST",
        R + "/rank",
        members_only(200),
        params=requirement,
        body=lambda w, r: {"after": w.extra["second_requirement"].number},
        foreign=foreign_requirement,
        foreign_body=lambda w: {"after": w.extra["other_requirement"].number},
    ),
    Case(
        "POST",
        R + "/work-items",
        members_only(201),
        params=requirement,
        body=lambda w, r: {"item_key": "WEB-1"},
        foreign=foreign_requirement,
        foreign_body=lambda w: {"item_key": "SEC-1"},
    ),
    Case(
        "DELETE",
        R + "/work-items/{item_key}",
        members_only(204),
        params=lambda w, r: {"number": w.extra["requirement"].number, "item_key": "WEB-1"},
        foreign=lambda w: {"number": w.extra["requirement"].number, "item_key": "SEC-1"},
    ),
]
