"""The quick-create dialog of work items (`c` on any page, or the palette): the few fields a new
item needs, through the same service as the item page. An htmx request gets the dialog's form."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, path, resolve, reverse
from django.utils.translation import gettext as _

from accounts.web import actor_for
from core.errors import PermissionDenied
from core.web import is_htmx, render_page, web_view
from projects import queries
from projects.forms.items import QuickItemForm, people_choices
from projects.models import Project
from projects.services import items as services

if TYPE_CHECKING:
    from accounts.models import Membership

LAST_PROJECT = "quick_create_project"  # session keys: what the dialog remembers between uses
CREATE_MORE = "quick_create_more"


def page_project_key(page: str) -> str | None:
    """The key of the project the page at `page` (a path) belongs to, if it names one."""
    try:
        match = resolve(page.split("?")[0] or "/")
    except Resolver404:
        return None
    key = match.kwargs.get("key") or match.kwargs.get("project")
    if match.app_name not in ("projects", "sprints") or not isinstance(key, str):
        return None
    item = queries.ITEM_KEY.match(key)
    return item.group(1) if item else key


def _chosen(request: HttpRequest, actor: "Membership", projects: list[Project]) -> Project:
    """The project named by the form, else the page's, else the last one used, else the one of the
    actor's latest item, else the first."""
    by_key = {p.key: p for p in projects}
    for key in (
        request.POST.get("project") or request.GET.get("project"),
        page_project_key(request.GET.get("page", "")),
        request.session.get(LAST_PROJECT),
    ):
        if key in by_key:
            return by_key[key]
    recent = queries.recent_project_id(actor)
    return next((p for p in projects if p.pk == recent), projects[0])


def _form(actor: "Membership", project: Project, projects: list[Project], *args: Any, **kwargs: Any) -> QuickItemForm:
    return QuickItemForm(
        *args,
        projects=[(p.key, f"{p.key} · {p.name}") for p in projects],
        people=people_choices(actor, project),
        **kwargs,
    )


def _initial(request: HttpRequest, actor: "Membership", project: Project) -> dict[str, Any]:
    """What the dialog starts with: the values it was given (the project changed), else defaults."""
    given = {name: request.GET.get(name) for name in ("title", "owner_id", "priority", "due_date", "estimate_hours")}
    return {
        **{name: value for name, value in given.items() if value},
        "project": project.key,
        "owner_id": given["owner_id"] or actor.user_id,
        "create_more": request.session.get(CREATE_MORE, False),
    }


@web_view
def quick_item(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    projects = queries.workable_projects(actor)
    if not projects:
        raise PermissionDenied(_("You may not create work items in any project."))
    project = _chosen(request, actor, projects)
    context: dict[str, Any] = {"project": project}
    if request.method != "POST":
        context["form"] = _form(actor, project, projects, initial=_initial(request, actor, project))
        return render_page(request, "projects/quick_create.html", context)
    form = _form(actor, project, projects, request.POST)
    if form.is_valid():
        with form.service_errors():
            item = services.create_item(actor, project, **form.service_kwargs())
            more = form.cleaned_data["create_more"]
            request.session[LAST_PROJECT], request.session[CREATE_MORE] = project.key, more
            url = reverse("projects:item", args=[workspace, item.key])
            if more and is_htmx(request):
                kept = {name: form.cleaned_data[name] for name in ("owner_id", "priority")}
                context |= {
                    "form": _form(
                        actor, project, projects, initial={"project": project.key, "create_more": True, **kept}
                    ),
                    "created": item,
                    "created_url": url,
                }
                return render_page(request, "projects/quick_create.html", context)
            messages.success(request, _("%(key)s was created.") % {"key": item.key})
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": url})
            return redirect(url)
    context["form"] = form
    return render_page(request, "projects/quick_create.html", context, status=form.status)


urlpatterns: list = [path("w/<slug:workspace>/quick/work-item/", quick_item, name="quick-create")]
