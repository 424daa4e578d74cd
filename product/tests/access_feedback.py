"""Feedback, its links, bulk actions, imports, exports and the public form: who may call each
operation (members; everyone for the public form), and ids of the other workspace in paths (404)
and bodies (422)."""

from typing import Any

from product.models import Feedback
from product.tests.world_feedback import csv_file
from tests.matrix import Case, members_only

W = "/workspaces/{workspace}"
F = W + "/feedback/{feedback_id}"
IMPORT = W + "/feedback-imports/{import_id}"
READ = members_only(200)
EVERYONE = (201,) * 8


def version_of(pk: int) -> int:
    return Feedback.all_objects.get(pk=pk).version


def first(w: Any, r: str) -> dict[str, Any]:
    return {"feedback_id": w.extra["feedback"].pk}


def second(w: Any, r: str) -> dict[str, Any]:
    return {"feedback_id": w.extra["second_feedback"].pk}


def foreign_feedback(w: Any) -> dict[str, Any]:
    return {"feedback_id": w.extra["other_feedback"].pk}


def link(w: Any, r: str) -> dict[str, Any]:
    return {"feedback_id": w.extra["second_feedback"].pk, "number": w.extra["requirement"].number}


def unlink(w: Any, r: str) -> dict[str, Any]:
    return {"feedback_id": w.extra["feedback"].pk, "number": w.extra["requirement"].number}


def foreign_link(w: Any) -> dict[str, Any]:
    return {"feedback_id": w.extra["other_feedback"].pk, "number": w.extra["other_requirement"].number}


def pending_import(w: Any, r: str) -> dict[str, Any]:
    return {"import_id": w.extra["feedback_import"].pk}


def foreign_import(w: Any) -> dict[str, Any]:
    return {"import_id": w.extra["other_feedback_import"].pk}


CASES = [
    Case("GET", W + "/feedback", READ),
    Case(
        "POST",
        W + "/feedback",
        members_only(201),
        body=lambda w, r: {
            "product_id": w.extra["product"].pk,
            "content": "The export should keep Chinese names.",
            "channel": "support",
            "customer_name": "Li Lei",
            "customer_company": "Acme",
        },
        foreign_body=lambda w: {"product_id": w.extra["other_product"].pk},
    ),
    Case("GET", W + "/feedback/export", READ),
    Case(
        "POST",
        W + "/feedback/bulk",
        members_only(200),
        body=lambda w, r: {
            "ids": [w.extra["feedback"].pk, w.extra["second_feedback"].pk],
            "action": "add_tag",
            "value": "triaged-in-bulk",
        },
        foreign_body=lambda w: {"ids": [w.extra["feedback"].pk, w.extra["other_feedback"].pk]},
    ),
    Case("GET", F, READ, params=first, foreign=foreign_feedback),
    Case(
        "PATCH",
        F,
        members_only(200),
        params=second,
        body=lambda w, r: {"version": version_of(w.extra["second_feedback"].pk), "status": "triaged"},
        foreign=foreign_feedback,
        foreign_body=lambda w: {"product_id": w.extra["other_product"].pk},
    ),
    Case("DELETE", F, members_only(204), params=first, foreign=foreign_feedback),
    Case("POST", F + "/links/{number}", members_only(200), params=link, foreign=foreign_link),
    Case("DELETE", F + "/links/{number}", members_only(200), params=unlink, foreign=foreign_link),
    Case("GET", W + "/requirements/export", READ),
    Case(
        "POST",
        W + "/products/{product_id}/feedback-imports",
        members_only(201),
        params=lambda w, r: {"product_id": w.extra["product"].pk},
        body=lambda w, r: {"file": csv_file()},
        foreign=lambda w: {"product_id": w.extra["other_product"].pk},
        multipart=True,
    ),
    Case("GET", IMPORT, READ, params=pending_import, foreign=foreign_import),
    Case("POST", IMPORT + "/confirm", members_only(200), params=pending_import, foreign=foreign_import),
    Case(
        "POST",
        "/public/feedback/{form_token}",
        EVERYONE,
        params=lambda w, r: {"form_token": w.extra["product"].form_token},
        body=lambda w, r: {"content": "I love the new board.", "name": "Visitor", "email": "visitor@example.test"},
    ),
]
