"""Shared endpoints: the activity feed, history, comments, attachments, watchers, links and the trash
of any object."""

import functools
from collections.abc import Callable
from typing import Annotated, Any

import orjson
from django.core.exceptions import SuspiciousOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from cadence.api_auth import ApiRequest
from core import attachments, queries, services
from core import search as finder
from core.actors import actor_in
from core.errors import ValidationFailed
from core.pagination import paginate
from core.schemas import (
    ActivityOut,
    AttachmentOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    In,
    LinkIn,
    LinkOut,
    PathId,
    Problem,
    RestoredOut,
    SearchOut,
    TrashItemOut,
    WatcherOut,
    WatchOut,
    page_of,
)


def changes(payload: In, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a PATCH body set, without `version`. Null clears a field where it may be empty
    (a parent, a head) and leaves any other field as it is."""
    values = payload.model_dump(exclude_unset=True)
    values.pop("version", None)
    return {field: value for field, value in values.items() if value is not None or field in nullable}


router = Router(tags=["activity, comments, trash"])
# The download is the file itself, in whatever type it was stored as.
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, always as a download (`Content-Disposition: attachment`).",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422, 429}): Problem}

WorkspaceSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9\-]{0,49}$", max_length=50, example="demo")]
TypeName = Annotated[str, Path(pattern=r"^[a-z_]{1,40}$", example="department")]
Cursor = Annotated[str | None, Query(None, max_length=500, pattern=r"^[A-Za-z0-9_\-]*$")]
Limit = Annotated[int | None, Query(None, ge=1, le=200)]
Filter = Annotated[str | None, Query(None, max_length=40, pattern=r"^[a-z_]*$")]
FilterId = Annotated[int | None, Query(None, ge=1, le=2**53)]
FilterText = Annotated[str | None, Query(None, max_length=100, pattern=r"^[^\x00]*$")]
OBJECT = "/workspaces/{workspace}/objects/{target_type}/{target_id}"
_NINJA_JSON = DjangoJSONEncoder()


def json_response(body: dict[str, Any]) -> HttpResponse:
    """`body` written with orjson: the hot lists build their rows by hand from `.values()` and skip
    the per-row model and schema work (a test holds each hand-written row to its schema). Dates,
    times and decimals are spelt as django-ninja spells them (Django's JSON encoder), so a list
    reads the same whichever way it was written."""
    raw = orjson.dumps(body, default=_NINJA_JSON.default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return HttpResponse(raw, content_type="application/json")


@router.get(
    "/workspaces/{workspace}/activity", response={200: page_of(ActivityOut), **ERRORS}, operation_id="listActivity"
)
def list_activity(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    actor_id: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
    verb: Filter = None,
    target_type: Filter = None,
) -> Any:
    """The workspace's feed, newest first."""
    actor = actor_in(request.auth, workspace)
    qs = queries.feed_for(actor, actor_id=actor_id, verb=verb, target_type=target_type)
    return paginate(qs, cursor=cursor, limit=limit)


@router.get(
    "/workspaces/{workspace}/search", response={200: SearchOut, **ERRORS}, tags=["search"], operation_id="searchObjects"
)
def search(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    q: Annotated[str, Query("", max_length=finder.MAX_QUERY, pattern=r"^[^\x00]*$")] = "",
    types: Annotated[str | None, Query(None, max_length=400, pattern=finder.types_pattern())] = None,
    limit: Annotated[int | None, Query(None, ge=1, le=finder.MAX_LIMIT)] = None,
) -> Any:
    """Objects of the workspace the caller may see, found by key (`APP-12`, `REQ-4`) or by words of
    their title, and people by name, username, email or pinyin (`ly`, `linyue`): the palette's and
    the pickers' search. `types` is a comma-separated list of type names (all searchable types
    without it); an empty `q` finds nothing. The object with the key comes first, then titles
    starting with `q`, then the most recently updated."""
    actor = actor_in(request.auth, workspace)
    text, object_types, count = finder.check_request(q, types, limit)
    return json_response({"results": finder.search(actor, text, object_types, limit=count)})


@router.get(OBJECT + "/history", response={200: page_of(ActivityOut), **ERRORS}, operation_id="listHistory")
def object_history(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    actor = actor_in(request.auth, workspace)
    return paginate(queries.history_for(actor, target_type, target_id), cursor=cursor, limit=limit)


@router.get(OBJECT + "/comments", response={200: page_of(CommentOut), **ERRORS}, operation_id="listComments")
def list_comments(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    """Oldest first, as a conversation reads."""
    actor = actor_in(request.auth, workspace)
    return paginate(queries.comments_for(actor, target_type, target_id), cursor=cursor, limit=limit, order="id")


@router.post(OBJECT + "/comments", response={201: CommentOut, **ERRORS}, operation_id="createComment")
def add_comment(
    request: ApiRequest, workspace: WorkspaceSlug, target_type: TypeName, target_id: PathId, payload: CommentIn
) -> Any:
    """Markdown is rendered and sanitised; `@username` mentions people of this workspace."""
    actor = actor_in(request.auth, workspace)
    return Status(201, services.add_comment(actor, target_type=target_type, target_id=target_id, body=payload.body))


@router.patch(
    "/workspaces/{workspace}/comments/{comment_id}", response={200: CommentOut, **ERRORS}, operation_id="updateComment"
)
def edit_comment(request: ApiRequest, workspace: WorkspaceSlug, comment_id: PathId, payload: CommentPatch) -> Any:
    actor = actor_in(request.auth, workspace)
    comment = queries.get_comment(actor, comment_id)
    return services.edit_comment(actor, comment, version=payload.version, body=payload.body)


@router.delete(
    "/workspaces/{workspace}/comments/{comment_id}", response={204: None, **ERRORS}, operation_id="deleteComment"
)
def delete_comment(request: ApiRequest, workspace: WorkspaceSlug, comment_id: PathId) -> Any:
    actor = actor_in(request.auth, workspace)
    services.delete_comment(actor, queries.get_comment(actor, comment_id))
    return Status(204, None)


def _unreadable_upload_is_a_problem(run: Callable[..., Any]) -> Callable[..., Any]:
    """A multipart body Django cannot parse is answered 400 as problem+json, like every error."""

    @functools.wraps(run)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return run(request, *args, **kwargs)
        except (MultiPartParserError, SuspiciousOperation):
            from cadence.api import problem

            message = _("The upload could not be read. Send one file as multipart/form-data, named “file”.")
            return problem(400, message, errors=[{"field": "file", "message": message}])

    return wrapper


@router.get(
    OBJECT + "/attachments",
    response={200: page_of(AttachmentOut), **ERRORS},
    tags=["attachments"],
    operation_id="listAttachments",
)
def list_attachments(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    """Newest first."""
    actor = actor_in(request.auth, workspace)
    return paginate(attachments.attachments_for(actor, target_type, target_id), cursor=cursor, limit=limit)


@router.post(
    OBJECT + "/attachments",
    response={201: AttachmentOut, **ERRORS},
    tags=["attachments"],
    operation_id="uploadAttachment",
    # The form's one field is `file`: any other is refused (below), and described as refused.
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {"additionalProperties": False}}}}},
)
@decorate_view(_unreadable_upload_is_a_problem)
def upload_attachment(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    file: File[UploadedFile],
) -> Any:
    """Multipart upload of one `file`; needs the right to edit the object. The size is capped
    (ATTACHMENT_MAX_BYTES, 25 MiB by default); an empty or larger file is refused, naming `file`."""
    # As with JSON bodies, a field that is not `file` is refused, never ignored.
    unknown = [name for name in [*request.POST, *request.FILES] if name != "file"]
    if unknown:
        raise ValidationFailed(dict.fromkeys(unknown[:20], _("This field is not allowed here.")))
    actor = actor_in(request.auth, workspace)
    return Status(201, attachments.upload(actor, target_type=target_type, target_id=target_id, file=file))


@router.get(
    "/workspaces/{workspace}/attachments/{attachment_id}",
    response={**ERRORS},
    openapi_extra=FILE_RESPONSE,
    tags=["attachments"],
    operation_id="downloadAttachment",
)
def download_attachment(request: ApiRequest, workspace: WorkspaceSlug, attachment_id: PathId) -> Any:
    """The file, as a download that is never rendered (nosniff, `Content-Security-Policy: sandbox`)."""
    actor = actor_in(request.auth, workspace)
    return attachments.download_response(attachments.get_attachment(actor, attachment_id))


@router.delete(
    "/workspaces/{workspace}/attachments/{attachment_id}",
    response={204: None, **ERRORS},
    tags=["attachments"],
    operation_id="deleteAttachment",
)
def delete_attachment(request: ApiRequest, workspace: WorkspaceSlug, attachment_id: PathId) -> Any:
    """To the trash: the uploader or staff; restore it from the trash."""
    actor = actor_in(request.auth, workspace)
    attachments.delete(actor, attachments.get_attachment(actor, attachment_id))
    return Status(204, None)


@router.get(OBJECT + "/watchers", response={200: page_of(WatcherOut), **ERRORS}, operation_id="listWatchers")
def list_watchers(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    actor = actor_in(request.auth, workspace)
    return paginate(queries.watchers_for(actor, target_type, target_id), cursor=cursor, limit=limit, order="id")


@router.put(OBJECT + "/watch", response={200: WatchOut, **ERRORS}, operation_id="watchObject")
def watch(request: ApiRequest, workspace: WorkspaceSlug, target_type: TypeName, target_id: PathId) -> Any:
    actor = actor_in(request.auth, workspace)
    services.watch(actor, target_type=target_type, target_id=target_id)
    return {"watching": True}


@router.delete(OBJECT + "/watch", response={200: WatchOut, **ERRORS}, operation_id="unwatchObject")
def unwatch(request: ApiRequest, workspace: WorkspaceSlug, target_type: TypeName, target_id: PathId) -> Any:
    actor = actor_in(request.auth, workspace)
    services.unwatch(actor, target_type=target_type, target_id=target_id)
    return {"watching": False}


@router.get(OBJECT + "/links", response={200: page_of(LinkOut), **ERRORS}, tags=["links"], operation_id="listLinks")
def list_links(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    target_type: TypeName,
    target_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    """Links from and to the object, oldest first, each with the other end as this one sees it.
    Links whose other end is in the trash or hidden from the caller are left out (a page may
    then hold fewer than `limit`)."""
    actor = actor_in(request.auth, workspace)
    return queries.links_page(actor, target_type, target_id, cursor=cursor, limit=limit)


@router.post(OBJECT + "/links", response={201: LinkOut, **ERRORS}, tags=["links"], operation_id="createLink")
def add_link(
    request: ApiRequest, workspace: WorkspaceSlug, target_type: TypeName, target_id: PathId, payload: LinkIn
) -> Any:
    """Link this object to another: needs the right to edit this object's type and to see the
    other. A kind that reads the same both ways (`relates_to`) is refused when the other end
    already has it."""
    actor = actor_in(request.auth, workspace)
    new = services.link(
        actor,
        source_type=target_type,
        source_id=target_id,
        kind=payload.kind,
        target_type=payload.target_type,
        target_id=payload.target_id,
        target_key=payload.target_key,
    )
    return Status(201, queries.link_views(actor, target_type, target_id, [new])[0])


@router.delete(
    "/workspaces/{workspace}/links/{link_id}", response={204: None, **ERRORS}, tags=["links"], operation_id="deleteLink"
)
def delete_link(request: ApiRequest, workspace: WorkspaceSlug, link_id: PathId) -> Any:
    """Needs both ends visible and the right to edit either end's type."""
    actor = actor_in(request.auth, workspace)
    services.unlink(actor, queries.get_link(actor, link_id))
    return Status(204, None)


@router.get("/workspaces/{workspace}/trash", response={200: page_of(TrashItemOut), **ERRORS}, operation_id="listTrash")
def list_trash(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    target_type: Filter = None,
) -> Any:
    """Deleted objects, newest first, until they are restored or purged."""
    actor = actor_in(request.auth, workspace)
    return paginate(queries.trash_for(actor, target_type=target_type), cursor=cursor, limit=limit)


@router.post(
    "/workspaces/{workspace}/trash/{target_type}/{target_id}/restore",
    response={200: RestoredOut, **ERRORS},
    operation_id="restoreObject",
)
def restore(request: ApiRequest, workspace: WorkspaceSlug, target_type: TypeName, target_id: PathId) -> Any:
    actor = actor_in(request.auth, workspace)
    obj = services.restore(actor, queries.get_trash_item(actor, target_type, target_id))
    return {"target_type": target_type, "target_id": obj.pk}
