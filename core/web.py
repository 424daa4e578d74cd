"""What every web view shares: the workspace of the request, htmx partials, and the one mapping
of service errors to pages."""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from core import attachments, queries
from core.actors import Actor, actor_in
from core.errors import CadenceError, NotFound, RateLimited, Unauthenticated
from core.forms import AttachmentForm, CommentForm, LinkForm, ServiceForm
from core.labels import TYPE_LABELS, field_label
from core.models import Activity
from core.pagination import Page, paginate
from core.permissions import Role, can
from core.registry import all_types, get_type, load_visible

View = TypeVar("View", bound=Callable[..., HttpResponse])
HISTORY_LENGTH = 20

# How history shows the values of changed fields: ids and codes by name. Apps declare theirs in
# their ready(); a field without a declaration shows its value as recorded.
IdNames = Callable[[int, set[int]], dict[int, str]]  # (workspace id, ids on the page) → their names
_id_names: dict[str, IdNames] = {}
_choices: dict[str, Iterable[tuple[Any, Any]]] = {"role": Role.choices}


def name_ids(fields: Iterable[str], names: IdNames) -> None:
    """History shows the ids of `fields` by name, read with `names` once per page for its ids."""
    for field in fields:
        _id_names[field] = names


def name_choices(fields: Iterable[str], choices: Iterable[tuple[Any, Any]]) -> None:
    """History shows the codes of `fields` by their label in `choices`."""
    for field in fields:
        _choices[field] = choices


def actor_for(request: HttpRequest, workspace: str) -> Actor:
    """The signed-in user's actor in the workspace of the URL (NotFound otherwise), for core's own
    pages; the apps' pages use accounts.web.actor_for, which gives accounts' own type."""
    actor = actor_in(request.user, workspace)
    request.actor = actor  # type: ignore[attr-defined]  # the shell shows it
    return actor


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """The whole page, or only its `partial` when htmx asks."""
    name = f"{template}#{partial}" if partial and is_htmx(request) else template
    return render(request, name, context, status=status)


def page_from(request: HttpRequest, qs: Any, order: str = "-id") -> Page[Any]:
    """One page of a web list, from the `cursor` in the query string: web lists are paged too."""
    return paginate(qs, cursor=request.GET.get("cursor") or None, limit=settings.PAGE_SIZE_DEFAULT, order=order)


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` URL of the request if it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


def _error_page(request: HttpRequest, error: CadenceError) -> HttpResponse:
    # A bare "Not found." says less than the page's own explanation.
    message = None if isinstance(error, NotFound) and error.detail is error.title else error.detail
    context = {"status": error.status, "message": message}
    response = render_page(request, "error.html", context, partial="message", status=error.status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def errors_as_pages(view: View) -> View:
    """Service errors that no form caught become pages: 404, 403, 409, 422, 429; 401 asks to sign in."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Unauthenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        except CadenceError as error:
            return _error_page(request, error)

    return cast(View, wrapper)


def web_view(view: View) -> View:
    """A page for signed-in users."""
    return cast(View, login_required(errors_as_pages(view)))


def _named(names: dict[Any, str] | None, value: Any) -> Any:
    if names is None or value is None:
        return value
    if isinstance(value, list):
        return [_named(names, v) for v in value]
    return names.get(value, f"#{value}" if isinstance(value, int) else value)


def _choice_labels(target_type: str) -> dict[str, dict[Any, str]]:
    """The labels of the choices of each field of a registered type, by field name."""
    model = get_type(target_type).model
    return {
        field.name: {value: str(label) for value, label in field.choices}  # type: ignore[misc]
        for field in model._meta.concrete_fields
        if field.choices
    }


def readable_changes(actor: Actor, activities: list[Activity]) -> list[Activity]:
    """Give each activity `change_rows`: (label, before, after), with fields by their label, choices
    by theirs, and ids by name."""
    wanted: dict[IdNames, set[int]] = {}  # the ids this page mentions, so that only those rows are read
    for a in activities:
        for field, pair in a.changes.items():
            names = _id_names.get(field)
            if names is not None and isinstance(pair, list):
                for value in pair:
                    ids = wanted.setdefault(names, set())
                    ids.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int))
    found = {names: names(actor.workspace_id, ids) if ids else {} for names, ids in wanted.items()}
    lookups: dict[str, dict[Any, str]] = {field: found.get(names, {}) for field, names in _id_names.items()}
    for field, choices in _choices.items():
        lookups[field] = {value: str(label) for value, label in choices}
    type_choices = {name: _choice_labels(name) for name in {a.target_type for a in activities}}
    for a in activities:
        row_lookups = {**lookups, **type_choices[a.target_type]}
        a.change_rows = [  # type: ignore[attr-defined]
            (
                field_label(a.target_type, field),
                _named(row_lookups.get(field), pair[0]),
                _named(row_lookups.get(field), pair[1]),
            )
            for field, pair in a.changes.items()
            if isinstance(pair, list) and len(pair) == 2
        ]
    return activities


# Repeats closer together than this collapse into one line of the feed.
REPEAT_WINDOW = datetime.timedelta(minutes=30)


def group_repeats(activities: list[Activity], window: datetime.timedelta = REPEAT_WINDOW) -> list[Activity]:
    """Collapse runs of the feed (newest first): consecutive entries by the same actor with the same
    verb on the same type, each within `window` of the run's newest, become its newest entry with
    `repeat_count` (1 for a lone entry) and `repeat_labels` (the distinct objects, newest first)."""
    grouped: list[Activity] = []
    for a in activities:
        head = grouped[-1] if grouped else None
        if (
            head is not None
            and (head.actor_id, head.verb, head.target_type) == (a.actor_id, a.verb, a.target_type)
            and head.created_at - a.created_at <= window
        ):
            head.repeat_count += 1  # type: ignore[attr-defined]
            if a.target_label not in head.repeat_labels:  # type: ignore[attr-defined]
                head.repeat_labels.append(a.target_label)  # type: ignore[attr-defined]
            continue
        a.repeat_count = 1  # type: ignore[attr-defined]
        a.repeat_labels = [a.target_label]  # type: ignore[attr-defined]
        grouped.append(a)
    return grouped


def linkable_types(actor: Actor) -> list[tuple[str, Any]]:
    """The types a link can point to from a page: those with a page of their own the actor may see."""
    types = [t.name for t in all_types() if t.web_url is not None and can(actor, t.view_capability)]
    return sorted(((name, TYPE_LABELS.get(name, name)) for name in types), key=lambda choice: str(choice[1]))


def links_context(
    actor: Actor, target_type: str, target_id: int, *, cursor: str | None = None, link_form: LinkForm | None = None
) -> dict[str, Any]:
    """The links panel: a page of links (the first, or the one after `cursor`), and who may add or
    remove them."""
    may_link = can(actor, "link.create")
    return {
        "object_links": queries.links_page(
            actor, target_type, target_id, cursor=cursor, limit=settings.PAGE_SIZE_DEFAULT
        ),
        "object_link_form": link_form or LinkForm(types=linkable_types(actor)),
        # Adding needs the right to edit this object; removing, the right to edit either end.
        "can_add_link": may_link and can(actor, get_type(target_type).edit_capability),
        "unlinkable_types": {t.name for t in all_types() if may_link and can(actor, t.edit_capability)},
    }


def panel_context(
    actor: Actor,
    target_type: str,
    target_id: int,
    *,
    comment_form: CommentForm | None = None,
    link_form: LinkForm | None = None,
) -> dict[str, Any]:
    """History, comments, attachments, links and watching of one registered object, for
    core/object_panel.html."""
    history = paginate(queries.history_for(actor, target_type, target_id), cursor=None, limit=HISTORY_LENGTH)
    return {
        **links_context(actor, target_type, target_id, link_form=link_form),
        "target_type": target_type,
        "target_id": target_id,
        "history": readable_changes(actor, history.items),
        "comments": queries.comments_for(actor, target_type, target_id)
        .prefetch_related("mentions__user")
        .order_by("id"),
        "comment_form": comment_form or CommentForm(),
        "can_comment": can(actor, "comment.create"),
        "can_moderate": can(actor, "comment.moderate"),
        "attachments": attachments.attachments_for(actor, target_type, target_id).order_by("id"),
        "attachment_form": AttachmentForm(),
        "can_upload": attachments.may_upload(actor, target_type),
        "can_moderate_attachments": can(actor, "attachment.moderate"),
        "attachment_max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "watching": queries.is_watching(actor, target_type, target_id),
        "watcher_count": queries.watchers_for(actor, target_type, target_id).count(),
    }


def object_url(actor: Actor, target_type: str, target_id: int, fallback: str) -> str:
    """The page of a registered object, if its type has one."""
    object_type = get_type(target_type)
    if object_type.web_url is None:
        return fallback
    return object_type.web_url(load_visible(actor, target_type, target_id))


# --- Inline editing of a detail page's fields ------------------------------------------------------


@dataclass
class InlineField:
    """One field of a detail page edited in place (core/inline_field.html): shown as its value, a
    button that asks `url` for the editor; the editor posts to `url` with the page's version."""

    name: str
    label: Any
    url: str
    display: Any  # text, or safe HTML
    form: ServiceForm | None = None  # the editor's form (the field and, after a conflict, the version)
    current: Any = None  # after a conflict: the value as it is now
    multiline: bool = False
    page_url: str = ""  # "take theirs" reloads the page, every field as it is now

    @property
    def bound(self) -> Any:
        return self.form[self.name] if self.form is not None else None


def inline_response(
    request: HttpRequest, field: InlineField, *, editing: bool, version: int | None = None, status: int = 200
) -> HttpResponse:
    """The field shown (with the page's new `version` when a save changed it) or its editor."""
    context = {"field": field, "new_version": version}
    return render(request, f"core/inline_field.html#{'editor' if editing else 'display'}", context, status=status)


def answer_inline(
    request: HttpRequest,
    obj: Any,
    name: str,
    *,
    field: Callable[..., InlineField],  # (obj, form=None, current=…): the field as the page shows it
    form: Callable[[Any, Any], ServiceForm],  # (obj, data): the form of the one field and the version
    require_edit: Callable[[], None],  # raises where the page offers no editor
    save: Callable[[Any, Any, int], None],  # (obj, value, version), through the type's service
    reload: Callable[[], Any],  # the object as the database has it now
    display: Callable[[Any], Any],  # an object's value of the field, as text
) -> HttpResponse:
    """A field edited in place. GET: the value, or its editor (?edit=1); POST: save it at the page's
    version, or show the editor again with its errors or, after a conflict, the value as it is now."""
    if request.method != "POST":
        if request.GET.get("edit"):
            require_edit()
            return inline_response(request, field(obj, form(obj, None)), editing=True)
        return inline_response(request, field(obj), editing=False)
    require_edit()
    bound = form(obj, request.POST)
    if bound.is_valid():
        with bound.service_errors():
            save(obj, bound.cleaned_data[name], bound.cleaned_data["version"])
            obj = reload()
            return inline_response(request, field(obj), editing=False, version=obj.version)
    current = (display(reload()) or "—") if bound.conflict is not None else None
    return inline_response(request, field(obj, bound, current=current), editing=True, status=bound.status)
