"""Attachments: upload, list, download, delete and restore through the API, the web and the
services; the headers of a download; the size cap; backup and restore of the files."""

import datetime
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.backup import export_workspace, read_backup, restore_workspace, write_backup
from core import attachments, services
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Activity, Attachment, TrashItem
from core.tests.world import ATTACHMENT_BYTES

A = "/api/v1/workspaces/acme"


def upload_url(world: Any, obj: Any = None, target_type: str = "department") -> str:
    target = obj if obj is not None else world.department
    return f"{A}/objects/{target_type}/{target.pk}/attachments"


def stored_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*") if p.is_file()) if directory.exists() else []


def web_client(world: Any, role: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(world.users[role])
    return client


# --- Upload, list, download, delete, restore (API) ----------------------------------------------


def test_upload_list_download_delete_and_restore(world: Any, attachments_dir: Path) -> None:
    admin = world.client("admin")
    content = "Plan für Q3 — 计划\n".encode()
    response = admin.post(upload_url(world), {"file": SimpleUploadedFile("../../etc/计划 Q3.txt", content)})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["file_name"] == "计划 Q3.txt"
    assert created["size"] == len(content)
    assert created["content_type"] == "text/plain"
    assert created["uploaded_by"]["username"] == "bob"

    row = Attachment.objects.get(pk=created["id"])
    assert re.fullmatch(r"[A-Za-z0-9_\-]{32}", row.stored_name)
    assert (attachments_dir / row.stored_name).read_bytes() == content
    assert "计划" not in " ".join(p.name for p in stored_files(attachments_dir))
    assert Activity.objects.filter(verb="attached", target_type="department", target_id=world.department.pk).exists()

    # Anyone who sees the department lists it, newest first, and downloads it.
    listed = world.client("member").get(upload_url(world)).json()
    assert [a["id"] for a in listed["items"]] == [created["id"]]
    download = world.client("member").get(f"{A}/attachments/{created['id']}")
    assert download.status_code == 200
    assert download.getvalue() == content
    assert download["Content-Disposition"].startswith("attachment;")
    assert unquote(download["Content-Disposition"].split("filename*=UTF-8''")[1]) == "计划 Q3.txt"

    # A member may not delete bob's file; bob may. Then it is gone from lists and downloads.
    assert world.client("member").delete(f"{A}/attachments/{created['id']}").status_code == 403
    assert admin.delete(f"{A}/attachments/{created['id']}").status_code == 204
    assert world.client("member").get(upload_url(world)).json()["items"] == []
    assert admin.get(f"{A}/attachments/{created['id']}").status_code == 404
    assert (attachments_dir / row.stored_name).exists()  # in the trash, the file stays

    # The trash restores it, bytes and all.
    trash = admin.get(f"{A}/trash", {"target_type": "attachment"}).json()["items"]
    assert [t["target_id"] for t in trash] == [created["id"]]
    restored = admin.post(f"{A}/trash/attachment/{created['id']}/restore")
    assert restored.status_code == 200, restored.content
    again = world.client("member").get(f"{A}/attachments/{created['id']}")
    assert again.getvalue() == content


def test_download_headers_never_let_a_browser_render_the_file(world: Any) -> None:
    admin = world.client("admin")
    cases = {
        "page.html": "application/octet-stream",
        "logo.svg": "application/octet-stream",
        "page.xhtml": "application/octet-stream",
        "photo.png": "image/png",
        "notes": "application/octet-stream",
        "报告.HTML": "application/octet-stream",
    }
    for name, expected_type in cases.items():
        body = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
        created = admin.post(upload_url(world), {"file": SimpleUploadedFile(name, body)}).json()
        assert created["content_type"] == expected_type, name
        for response in (
            admin.get(f"{A}/attachments/{created['id']}"),
            web_client(world, "admin").get(f"/w/acme/attachments/{created['id']}/"),
        ):
            assert response.status_code == 200
            assert response["Content-Type"] == expected_type
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "sandbox"
            disposition = response["Content-Disposition"]
            assert disposition.startswith('attachment; filename="')
            assert "filename*=UTF-8''" in disposition
            fallback = disposition.split('filename="')[1].split('"; filename*=')[0]
            assert '"' not in fallback and ";" not in fallback
            assert unquote(disposition.split("filename*=UTF-8''")[1]) == attachments.sanitise_file_name(name)


def test_content_disposition_quotes_nothing_it_should_not() -> None:
    header = attachments.content_disposition('a"b;c\\d\r\n报告.txt')
    assert (
        header == "attachment; filename=\"a_b_c_d____.txt\"; filename*=UTF-8''a%22b%3Bc%5Cd%0D%0A%E6%8A%A5%E5%91%8A.txt"
    )


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        ("/etc/passwd", "passwd"),
        ("a\x00b\x1fc\u202etxt.exe", "abctxt.exe"),
        ("..", "file"),
        ("   ", "file"),
        ("", "file"),
        (None, "file"),
        ("x" * 300 + ".txt", "x" * 251 + ".txt"),
        ("y" * 300, "y" * 255),
    ],
)
def test_file_names_are_sanitised_for_display(given: Any, shown: str) -> None:
    assert attachments.sanitise_file_name(given) == shown


def test_oversized_and_empty_files_are_refused_naming_the_field(
    world: Any, settings: Any, attachments_dir: Path
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    admin = world.client("admin")
    before, files_before = Attachment.all_objects.count(), stored_files(attachments_dir)
    for content in (b"x" * 11, b""):
        response = admin.post(upload_url(world), {"file": SimpleUploadedFile("big.bin", content)})
        assert response.status_code == 422, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["file"]
    missing = admin.post(upload_url(world), {})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["file"]
    assert Attachment.all_objects.count() == before
    assert stored_files(attachments_dir) == files_before
    # Exactly at the cap is fine.
    assert admin.post(upload_url(world), {"file": SimpleUploadedFile("ok.bin", b"x" * 10)}).status_code == 201


def test_unknown_form_fields_are_refused(world: Any, attachments_dir: Path) -> None:
    files_before = stored_files(attachments_dir)
    response = world.client("admin").post(
        upload_url(world),
        {"file": SimpleUploadedFile("a.txt", b"a"), "uploaded_by": world.users["owner"].pk, "workspace": 2},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"uploaded_by", "workspace"}
    assert stored_files(attachments_dir) == files_before


def test_objects_of_another_workspace_are_not_found(world: Any, attachments_dir: Path) -> None:
    owner = world.client("owner")
    foreign = upload_url(world, world.other_department)
    assert owner.post(foreign, {"file": SimpleUploadedFile("a.txt", b"a")}).status_code == 404
    assert owner.get(foreign).status_code == 404
    other_id = world.extra["other_attachment"].pk
    assert owner.get(f"{A}/attachments/{other_id}").status_code == 404
    assert owner.delete(f"{A}/attachments/{other_id}").status_code == 404
    assert web_client(world, "owner").get(f"/w/acme/attachments/{other_id}/").status_code == 404
    # Through its own workspace's URL it is found, by its own people only.
    assert world.client("outsider_owner").get(f"/api/v1/workspaces/other/attachments/{other_id}").status_code == 200
    assert [p.name for p in stored_files(attachments_dir)] == sorted(
        [world.extra["attachment"].stored_name, world.extra["other_attachment"].stored_name]
    )


def test_a_guest_cannot_upload_and_a_member_needs_the_edit_right(world: Any, attachments_dir: Path) -> None:
    before = len(stored_files(attachments_dir))
    for role, status in (("guest", 403), ("member", 403)):
        response = world.client(role).post(upload_url(world), {"file": SimpleUploadedFile("a.txt", b"a")})
        assert response.status_code == status, (role, response.content)
    with pytest.raises(PermissionDenied):
        attachments.upload(
            world.actor("guest"),
            target_type="department",
            target_id=world.department.pk,
            file=SimpleUploadedFile("a.txt", b"a"),
        )
    assert len(stored_files(attachments_dir)) == before


def test_attachments_follow_the_visibility_of_their_object(world: Any) -> None:
    attachment = world.extra["attachment"]
    with pytest.raises(NotFound):  # a guest cannot see departments, so not their files either
        attachments.get_attachment(world.actor("guest"), attachment.pk)
    with pytest.raises(NotFound):  # files on files are not a thing
        attachments.attachments_for(world.actor("owner"), "attachment", attachment.pk)
    # The object goes to the trash: its files are no longer reachable.
    world.leaf_department.deleted_at = timezone.now()
    world.leaf_department.save(update_fields=["deleted_at"])
    with pytest.raises(NotFound):
        attachments.get_attachment(world.actor("owner"), attachment.pk)


def test_uploader_restores_own_attachment_and_purge_removes_the_file(
    world: Any, settings: Any, attachments_dir: Path
) -> None:
    member = world.actor("member")
    # A file a member uploaded (on a type they may edit elsewhere); made directly for the test.
    stored = "m" * 32
    attachments.write_file(stored, [b"mine"])
    mine = Attachment.objects.create(
        workspace=world.acme,
        target_type="department",
        target_id=world.department.pk,
        stored_name=stored,
        file_name="mine.txt",
        content_type="text/plain",
        size=4,
        uploaded_by=member.user,
    )
    attachments.delete(member, mine)
    item = TrashItem.objects.get(target_type="attachment", target_id=mine.pk)
    assert services.may_restore(member, item)
    assert not services.may_restore(world.actor("extra"), item)
    services.restore(member, item)
    assert Attachment.objects.filter(pk=mine.pk).exists()

    attachments.delete(world.actor("owner"), mine)  # staff delete anyone's
    later = timezone.now() + datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.purge_trash(now=later)
    assert not Attachment.all_objects.filter(pk=mine.pk).exists()
    assert not (attachments_dir / stored).exists()


def test_list_is_paginated(world: Any) -> None:
    admin = world.client("admin")
    for i in range(3):
        admin.post(upload_url(world), {"file": SimpleUploadedFile(f"{i}.txt", b"x")})
    first = admin.get(upload_url(world), {"limit": 2}).json()
    assert [a["file_name"] for a in first["items"]] == ["2.txt", "1.txt"]
    second = admin.get(upload_url(world), {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [a["file_name"] for a in second["items"]] == ["0.txt"] and second["next_cursor"] is None


def test_failed_database_write_leaves_no_file(world: Any, monkeypatch: Any, attachments_dir: Path) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(attachments, "record", fail)
    before = stored_files(attachments_dir)
    with pytest.raises(RuntimeError):
        attachments.upload(
            world.actor("admin"),
            target_type="department",
            target_id=world.department.pk,
            file=SimpleUploadedFile("a.txt", b"a"),
        )
    assert stored_files(attachments_dir) == before


# --- Web ----------------------------------------------------------------------------------------


def test_web_panel_upload_download_and_delete(world: Any, attachments_dir: Path) -> None:
    page = f"/w/acme/departments/{world.department.pk}/"
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(world.users["owner"])
    html = owner.get(page).content.decode()
    assert 'enctype="multipart/form-data"' in html
    token = owner.cookies["csrftoken"].value

    url = f"/w/acme/o/department/{world.department.pk}/attachments/"
    refused = owner.post(url, {"file": SimpleUploadedFile("a.txt", b"a")})
    assert refused.status_code == 403  # no CSRF token, no upload
    response = owner.post(
        url,
        {"file": SimpleUploadedFile("<img src=x onerror=alert(1)>.txt", b"spec"), "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(file_name="<img src=x onerror=alert(1)>.txt")
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html and "<img src=x onerror" not in html
    assert f"/w/acme/attachments/{attachment.pk}/" in html
    assert "alice" in html.lower()

    download = owner.get(f"/w/acme/attachments/{attachment.pk}/")
    assert download.getvalue() == b"spec"
    assert download["Content-Security-Policy"] == "sandbox"

    # Members see the list and download, but get no upload form and no delete button.
    member_html = web_client(world, "member").get(page).content.decode()
    assert "<img src=x onerror" not in member_html and "&lt;img src=x onerror=alert(1)&gt;.txt" in member_html
    assert 'enctype="multipart/form-data"' not in member_html
    assert f"/w/acme/attachments/{attachment.pk}/delete/" not in member_html
    assert web_client(world, "member").post(f"/w/acme/attachments/{attachment.pk}/delete/").status_code == 403

    deleted = owner.post(
        f"/w/acme/attachments/{attachment.pk}/delete/", {"csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true"
    )
    assert deleted.status_code == 200
    assert 'id="attachments"' in deleted.content.decode()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_web_upload_errors_are_shown(world: Any, settings: Any, attachments_dir: Path) -> None:
    settings.ATTACHMENT_MAX_BYTES = 3
    client = web_client(world, "owner")
    url = f"/w/acme/o/department/{world.department.pk}/attachments/"
    response = client.post(url, {"file": SimpleUploadedFile("big.txt", b"toolong")}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] != []
    assert not Attachment.objects.filter(file_name="big.txt").exists()
    guest = web_client(world, "guest")
    assert guest.post(url, {"file": SimpleUploadedFile("a.txt", b"a")}).status_code in {403, 404}
    assert stored_files(attachments_dir) == sorted(
        attachments_dir / a.stored_name for a in (world.extra["attachment"], world.extra["other_attachment"])
    )


# --- Backup and restore -------------------------------------------------------------------------


def test_backup_and_restore_bring_back_the_same_bytes(world: Any, tmp_path: Path, attachments_dir: Path) -> None:
    admin = world.client("admin")
    binary = bytes(range(256)) * 10
    created = admin.post(upload_url(world), {"file": SimpleUploadedFile("blob.bin", binary)}).json()
    trashed = admin.post(upload_url(world), {"file": SimpleUploadedFile("old.txt", b"old")}).json()
    admin.delete(f"{A}/attachments/{trashed['id']}")
    before = export_workspace(world.acme)
    assert len(before["files"]) == 3  # the cast's, the new one and the trashed one
    assert world.extra["other_attachment"].stored_name not in before["files"]
    path = tmp_path / "acme.json.gz"
    write_backup(path, before)

    world.acme.delete()
    for file in stored_files(attachments_dir):
        file.unlink()  # the disaster took the files too

    restored = restore_workspace(read_backup(path))
    assert json.dumps(export_workspace(restored), sort_keys=True) == json.dumps(before, sort_keys=True)
    download = admin.get(f"{A}/attachments/{created['id']}")
    assert download.getvalue() == binary
    cast = admin.get(f"{A}/attachments/{world.extra['attachment'].pk}")
    assert cast.getvalue() == ATTACHMENT_BYTES


@pytest.mark.parametrize(
    "files", [{"../../etc/passwd": "eA=="}, {"a" * 32: "not base64!"}, ["x"]], ids=["path", "base64", "type"]
)
def test_restore_refuses_bad_files_before_writing(world: Any, files: Any, attachments_dir: Path) -> None:
    data = export_workspace(world.acme)
    data["files"] = files
    with pytest.raises(ValidationFailed) as e:
        restore_workspace(data, replace=True)
    assert "files" in e.value.errors
    assert world.acme.departments.exists()


@pytest.mark.parametrize(
    "body",
    [b"--x\r\nnot a part--x--\r\n", b"", b"\x00\xff" * 10],
    ids=["garbage", "empty", "binary"],
)
def test_an_unreadable_upload_is_a_problem_not_a_crash(world: Any, body: bytes, attachments_dir: Path) -> None:
    files_before = stored_files(attachments_dir)
    for content_type in ("multipart/form-data", "multipart/form-data; boundary=x", "application/json", "text/plain"):
        response = world.client("admin").generic("POST", upload_url(world), body, content_type=content_type)
        assert response.status_code in {400, 422}, (content_type, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["file"]
    anonymous = Client().generic("POST", upload_url(world), body, content_type="multipart/form-data")
    assert anonymous.status_code == 401
    assert stored_files(attachments_dir) == files_before


def test_purging_an_object_purges_its_files(world: Any, settings: Any, attachments_dir: Path) -> None:
    from django.test import TestCase

    from accounts import services as accounts

    owner = world.actor("owner")
    department = accounts.create_department(owner, name="Short-lived")
    world.client("admin").post(upload_url(world, department), {"file": SimpleUploadedFile("a.txt", b"a")})
    stored = Attachment.objects.get(target_type="department", target_id=department.pk).stored_name
    assert (attachments_dir / stored).exists()
    accounts.delete_department(owner, department)
    later = timezone.now() + datetime.timedelta(days=settings.TRASH_RETENTION_DAYS + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.purge_trash(now=later)
    assert not Attachment.all_objects.filter(target_type="department", target_id=department.pk).exists()
    assert not (attachments_dir / stored).exists()
