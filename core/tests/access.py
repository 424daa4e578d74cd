from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import Case, members_only, staff_only

W = "/workspaces/{workspace}"
OBJ = W + "/objects/{target_type}/{target_id}"


def _department(w, r):
    return {"target_type": "department", "target_id": w.department.pk}


def _foreign_department(w):
    return {"target_type": "department", "target_id": w.other_department.pk}


def _attachment(w, r):
    return {"attachment_id": w.extra["attachment"].pk}


def _foreign_attachment(w):
    return {"attachment_id": w.extra["other_attachment"].pk}


def _upload(w, r):
    return {"file": SimpleUploadedFile("notes.txt", b"Meeting notes\n")}


# A guest cannot see departments at all, so for them the object does not exist: 404.
OBJECT_READERS = members_only(200, guest=404)

CASES = [
    Case("GET", W + "/activity", members_only(200)),
    # Guests search too: they find only what they may see (core/tests/test_search.py).
    Case("GET", W + "/search", members_only(200, guest=200)),
    Case("GET", OBJ + "/history", OBJECT_READERS, params=_department, foreign=_foreign_department),
    Case("GET", OBJ + "/comments", OBJECT_READERS, params=_department, foreign=_foreign_department),
    Case(
        "POST",
        OBJ + "/comments",
        members_only(201),
        params=_department,
        body=lambda w, r: {"body": "Looks good @alice"},
        foreign=_foreign_department,
    ),
    # Only the author edits a comment; the author (carol, the member) or staff delete it.
    Case(
        "PATCH",
        W + "/comments/{comment_id}",
        (401, 404, 404, 404, 404, 200, 403, 403),
        params=lambda w, r: {"comment_id": w.comment.pk},
        body=lambda w, r: {"version": w.comment.version, "body": "Edited"},
        foreign=lambda w: {"comment_id": w.other_comment.pk},
    ),
    Case(
        "DELETE",
        W + "/comments/{comment_id}",
        members_only(204, guest=404),
        params=lambda w, r: {"comment_id": w.comment.pk},
        foreign=lambda w: {"comment_id": w.other_comment.pk},
    ),
    Case("GET", OBJ + "/attachments", OBJECT_READERS, params=_department, foreign=_foreign_department),
    # Uploading needs the right to edit the object (department.edit: staff); a guest never uploads.
    Case(
        "POST",
        OBJ + "/attachments",
        staff_only(201),
        params=_department,
        body=_upload,
        foreign=_foreign_department,
        multipart=True,
    ),
    Case("GET", W + "/attachments/{attachment_id}", OBJECT_READERS, params=_attachment, foreign=_foreign_attachment),
    # The cast's attachment was uploaded by bob (admin): the uploader or staff delete it.
    Case(
        "DELETE",
        W + "/attachments/{attachment_id}",
        (401, 404, 404, 404, 404, 403, 204, 204),
        params=_attachment,
        foreign=_foreign_attachment,
    ),
    Case("GET", OBJ + "/watchers", OBJECT_READERS, params=_department, foreign=_foreign_department),
    Case("PUT", OBJ + "/watch", members_only(200), params=_department, foreign=_foreign_department),
    Case("DELETE", OBJ + "/watch", members_only(200), params=_department, foreign=_foreign_department),
    Case("GET", OBJ + "/links", OBJECT_READERS, params=_department, foreign=_foreign_department),
    # Linking needs the right to edit the source (department.edit: staff) and to see the target.
    Case(
        "POST",
        OBJ + "/links",
        staff_only(201),
        params=_department,
        body=lambda w, r: {"kind": "blocks", "target_type": "team", "target_id": w.team.pk},
        foreign=_foreign_department,
        foreign_body=lambda w: {"target_id": w.other_team.pk},
    ),
    # Both ends must be visible (a guest sees no department) and either end editable (staff).
    Case(
        "DELETE",
        W + "/links/{link_id}",
        (401, 404, 404, 404, 404, 403, 204, 204),
        params=lambda w, r: {"link_id": w.extra["link"].pk},
        foreign=lambda w: {"link_id": w.extra["other_link"].pk},
    ),
    Case("GET", W + "/trash", members_only(200)),
    Case(
        "POST",
        W + "/trash/{target_type}/{target_id}/restore",
        (401, 404, 404, 404, 403, 403, 200, 200),
        params=lambda w, r: {"target_type": "department", "target_id": w.trashed.pk},
        foreign=lambda w: {"target_type": "department", "target_id": w.other_department.pk},
    ),
]
