"""Shared pages: the activity feed, the trash, and the comments, attachments, links and
watching of any registered object."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import attachments, queries, services
from core import search as finder
from core.actors import Actor
from core.errors import NotFound, ValidationFailed
from core.forms import ActivityFilterForm, AttachmentForm, CommentForm, LinkForm, ServiceForm
from core.pagination import paginate
from core.web import (
    actor_for,
    group_repeats,
    is_htmx,
    linkable_types,
    links_context,
    object_url,
    page_from,
    panel_context,
    readable_changes,
    render_page,
    safe_next,
    web_view,
)


@web_view
def activity(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = ActivityFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    feed = queries.feed_for(actor, verb=filters.get("verb"), target_type=filters.get("target_type"))
    page = paginate(feed, cursor=filters.get("cursor") or None, limit=settings.PAGE_SIZE_DEFAULT)
    # Repeats are grouped within a page: a run cut by the page's end goes on as the next page's first line.
    lines = readable_changes(actor, group_repeats(page.items))
    context = {"form": form, "page": page, "lines": lines}
    # htmx asks for more rows ("Load more"), or for the whole feed when a filter chip changes.
    partial = None if request.headers.get("HX-Target") == "activity-region" else "rows"
    return render_page(request, "core/activity.html", context, partial=partial)


@web_view
@require_GET
def search(request: HttpRequest, workspace: str) -> HttpResponse:
    """What the palette and the pickers find: `?q=&types=&limit=`, as JSON."""
    actor = actor_for(request, workspace)
    try:
        limit = request.GET.get("limit") or None
        if limit is not None and not limit.isdigit():
            raise ValidationFailed({"limit": _("Enter a whole number.")})
        q, types, count = finder.check_request(
            request.GET.get("q", ""), request.GET.get("types"), int(limit) if limit else None
        )
    except ValidationFailed as error:
        errors = [{"field": f, "message": m} for f, msgs in error.errors.items() for m in msgs]
        return JsonResponse({"title": str(error.title), "errors": errors}, status=400)
    return JsonResponse({"results": finder.search(actor, q, types, limit=count)})


@web_view
def trash(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    page = page_from(request, queries.trash_for(actor))
    for item in page.items:
        item.restorable = services.may_restore(actor, item)  # type: ignore[attr-defined]
    context = {"items": page.items, "page": page, "retention_days": settings.TRASH_RETENTION_DAYS}
    return render(request, "core/trash.html", context)


@web_view
@require_POST
def restore(request: HttpRequest, workspace: str, target_type: str, target_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    obj = services.restore(actor, queries.get_trash_item(actor, target_type, target_id))
    messages.success(request, _("“%(name)s” was restored.") % {"name": obj})
    # An Undo on a toast comes back to the restored object's page.
    return redirect(safe_next(request, reverse("core:trash", args=[workspace])))


def _panel_partial(
    request: HttpRequest,
    actor: Actor,
    target_type: str,
    target_id: int,
    partial: str,
    *,
    form: ServiceForm | None = None,
) -> HttpResponse:
    """The changed part of an object's panel for htmx; without htmx, back to the object's page."""
    if not is_htmx(request):
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors] if form else []
        for error in errors:
            messages.error(request, error)
        return redirect(
            object_url(actor, target_type, target_id, reverse("accounts:home", args=[actor.workspace.slug]))
        )
    context = panel_context(
        actor,
        target_type,
        target_id,
        comment_form=form if isinstance(form, CommentForm) else None,
        link_form=form if isinstance(form, LinkForm) else None,
    )
    status = form.status if form else 200
    return render(request, f"core/object_panel.html#{partial}", context, status=status)


@web_view
def comments(request: HttpRequest, workspace: str, target_type: str, target_id: int) -> HttpResponse:
    """GET: the comments of an object. POST: add one."""
    actor = actor_for(request, workspace)
    form = CommentForm(request.POST) if request.method == "POST" else CommentForm()
    if form.is_valid():
        with form.service_errors():
            services.add_comment(actor, target_type=target_type, target_id=target_id, body=form.cleaned_data["body"])
            form = CommentForm()
    return _panel_partial(request, actor, target_type, target_id, "comments", form=form)


@web_view
@require_POST
def delete_comment(request: HttpRequest, workspace: str, comment_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    comment = queries.get_comment(actor, comment_id)
    services.delete_comment(actor, comment)
    return _panel_partial(request, actor, comment.target_type, comment.target_id, "comments")


@web_view
@require_POST
def watch(request: HttpRequest, workspace: str, target_type: str, target_id: int) -> HttpResponse:
    """Toggle: watch the object, or stop watching it."""
    actor = actor_for(request, workspace)
    toggle = services.unwatch if queries.is_watching(actor, target_type, target_id) else services.watch
    toggle(actor, target_type=target_type, target_id=target_id)
    return _panel_partial(request, actor, target_type, target_id, "watch")


@web_view
@require_POST
def upload_attachment(request: HttpRequest, workspace: str, target_type: str, target_id: int) -> HttpResponse:
    """A plain multipart form post; back to the object's page with what happened."""
    actor = actor_for(request, workspace)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with form.service_errors():
            attachment = attachments.upload(
                actor, target_type=target_type, target_id=target_id, file=form.cleaned_data["file"]
            )
            messages.success(request, _("“%(name)s” was attached.") % {"name": attachment.file_name})
    for error in [*form.errors.get("file", []), *form.non_field_errors()]:
        messages.error(request, error)
    fallback = reverse("accounts:home", args=[actor.workspace.slug])
    return redirect(object_url(actor, target_type, target_id, fallback) + "#attachments")


@web_view
@require_GET
def download_attachment(request: HttpRequest, workspace: str, attachment_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    response = attachments.download_response(attachments.get_attachment(actor, attachment_id))
    return cast(HttpResponse, response)  # a streaming FileResponse, which every view wrapper passes on


@web_view
@require_POST
def delete_attachment(request: HttpRequest, workspace: str, attachment_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    attachment = attachments.get_attachment(actor, attachment_id)
    attachments.delete(actor, attachment)
    if not is_htmx(request):
        messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": attachment.file_name})
    return _panel_partial(request, actor, attachment.target_type, attachment.target_id, "attachments")


@web_view
def links(request: HttpRequest, workspace: str, target_type: str, target_id: int) -> HttpResponse:
    """GET: a further page of the object's links (the panel's "More links"). POST: add a link."""
    actor = actor_for(request, workspace)
    if request.method != "POST":
        if not is_htmx(request):
            return _panel_partial(request, actor, target_type, target_id, "links")
        cursor = request.GET.get("cursor") or None
        context = {
            **links_context(actor, target_type, target_id, cursor=cursor),
            "actor": actor,
            "target_type": target_type,
            "target_id": target_id,
            "more_object_links": True,
        }
        return render(request, "core/object_panel.html#link-rows", context)
    form = LinkForm(request.POST, types=linkable_types(actor))
    if form.is_valid():
        with form.service_errors():
            services.link(
                actor,
                source_type=target_type,
                source_id=target_id,
                kind=form.cleaned_data["kind"],
                target_type=form.cleaned_data["target_type"],
                **form.target_fields(),
            )
            return _panel_partial(request, actor, target_type, target_id, "links")
    return _panel_partial(request, actor, target_type, target_id, "links", form=form)


@web_view
@require_POST
def delete_link(request: HttpRequest, workspace: str, target_type: str, target_id: int, link_id: int) -> HttpResponse:
    """Remove a link from the panel of one of its ends."""
    actor = actor_for(request, workspace)
    link = queries.get_link(actor, link_id)
    ends = {(link.source_type, link.source_id), (link.target_type, link.target_id)}
    if (target_type, target_id) not in ends:
        raise NotFound()
    services.unlink(actor, link)
    return _panel_partial(request, actor, target_type, target_id, "links")
