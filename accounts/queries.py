"""Reads of people and organisation, always scoped to what the actor may see."""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.models import ApiToken, Department, Invitation, Membership, Team, TeamMember, User, Workspace
from core.errors import NotFound
from core.permissions import require


def _count_of(rows: models.QuerySet, key: str) -> models.Func:
    counted = rows.order_by().values(key).annotate(n=models.Count("*")).values("n")
    return Coalesce(models.Subquery(counted), 0)


def membership_for(user: User, workspace_slug: str) -> Membership:
    """The user's active membership in the workspace, or NotFound (also for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace__slug=workspace_slug, removed_at__isnull=True)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def workspaces_for(user: User) -> models.QuerySet[Membership]:
    return Membership.objects.select_related("workspace").filter(user=user, removed_at__isnull=True)


def visible_members(actor: Membership, qs: models.QuerySet) -> models.QuerySet:
    return qs.filter(workspace_id=actor.workspace_id, removed_at__isnull=True)


def members_for(
    actor: Membership, *, department_id: int | None = None, role: str | None = None, q: str | None = None
) -> models.QuerySet[Membership]:
    require(actor, "member.view")
    qs = visible_members(actor, Membership.objects.select_related("user", "department"))
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(person_matches(q))
    return qs


def person_matches(q: str, prefix: str = "user__") -> models.Q:
    """People found by name, username, email, full pinyin ("linyue", "lin yue") or initials ("ly")."""
    q = q.strip()
    letters = "".join(q.lower().split())
    found = (
        models.Q(**{f"{prefix}display_name__icontains": q})
        | models.Q(**{f"{prefix}username__icontains": q})
        | models.Q(**{f"{prefix}email__icontains": q})
    )
    if letters.isascii() and letters.isalnum():
        found |= models.Q(**{f"{prefix}name_pinyin__contains": letters})
        found |= models.Q(**{f"{prefix}name_initials__startswith": letters})
    return found


def people_page(actor: Membership) -> tuple[models.QuerySet[Membership], str]:
    """The people page's members and the order it is paged in: by pinyin in Chinese, else as they joined."""
    qs = members_for(actor)
    if (translation.get_language() or "").startswith("zh"):
        return qs.annotate(sort_name=models.F("user__name_pinyin")), "sort_name"
    return qs, "id"


def people_order(prefix: str = "user__") -> list[str]:
    """How lists and choices of people sort: by pinyin in Chinese (林悦 among the L's), else by name."""
    if (translation.get_language() or "").startswith("zh"):
        return [f"{prefix}name_pinyin", f"{prefix}username", "id"]
    return [f"{prefix}display_name", f"{prefix}username", "id"]


def people_named(workspace_id: int, user_ids: set[int]) -> dict[int, str]:
    """Names of people of the workspace (removed ones included), to show ids in a history the
    reader may already see: it needs no right to the member list."""
    rows = Membership.objects.filter(workspace_id=workspace_id, user_id__in=user_ids).select_related("user")
    return {m.user_id: str(m.user) for m in rows}


def members_named(workspace_id: int, usernames: set[str]) -> list[Membership]:
    """The workspace's active members with these usernames, with their user (who a comment mentions)."""
    return list(
        Membership.objects.filter(
            workspace_id=workspace_id, removed_at__isnull=True, user__username__in=usernames
        ).select_related("user")
    )


def departments_named(workspace_id: int, department_ids: set[int]) -> dict[int, str]:
    rows = Department.all_objects.filter(workspace_id=workspace_id, pk__in=department_ids)
    return {d.pk: d.name for d in rows}


def get_member(actor: Membership, member_id: int) -> Membership:
    member = members_for(actor).filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def active_member_user(workspace: Workspace, user_id: int) -> User | None:
    """The user if they are an active member of the workspace (for owner/head/lead pickers)."""
    membership = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, user_id=user_id, removed_at__isnull=True)
        .first()
    )
    return membership.user if membership else None


def departments_for(actor: Membership, *, parent_id: int | None = None) -> models.QuerySet[Department]:
    require(actor, "department.view")
    qs = Department.objects.filter(workspace_id=actor.workspace_id).select_related("head")
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    # A count per row of the page (a correlated subquery), not a join and GROUP BY over the whole
    # workspace before the LIMIT: the list stays an index range scan.
    members = Membership.objects.filter(department=models.OuterRef("pk"), removed_at__isnull=True)
    return qs.annotate(member_count=_count_of(members, "department"))


def get_department(actor: Membership, department_id: int) -> Department:
    department = departments_for(actor).filter(pk=department_id).first()
    if department is None:
        raise NotFound()
    return department


def department_tree(actor: Membership) -> list[tuple[Department, int]]:
    """Every live department with its depth, parents before children, siblings by name."""
    departments = list(departments_for(actor).order_by("name", "id"))
    by_parent: dict[int | None, list[Department]] = {}
    ids = {d.pk for d in departments}
    for d in departments:
        parent = d.parent_id if d.parent_id in ids else None
        by_parent.setdefault(parent, []).append(d)
    ordered: list[tuple[Department, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for d in by_parent.get(parent, []):
            ordered.append((d, depth))
            walk(d.pk, depth + 1)

    walk(None, 0)
    return ordered


def teams_for(actor: Membership, *, kind: str | None = None) -> models.QuerySet[Team]:
    require(actor, "team.view")
    qs = Team.objects.filter(workspace_id=actor.workspace_id).select_related("lead")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(member_count=_count_of(TeamMember.objects.filter(team=models.OuterRef("pk")), "team"))


def get_team(actor: Membership, team_id: int) -> Team:
    team = teams_for(actor).filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    return team


def team_member_ids(teams: list[Team]) -> dict[int, list[int]]:
    """Member user ids per team, in one query for the whole page."""
    result: dict[int, list[int]] = {t.pk: [] for t in teams}
    rows = TeamMember.objects.filter(team_id__in=result).order_by("id").values_list("team_id", "user_id")
    for team_id, user_id in rows:
        result[team_id].append(user_id)
    return result


def invitations_for(actor: Membership) -> models.QuerySet[Invitation]:
    require(actor, "member.manage")
    return Invitation.objects.filter(workspace_id=actor.workspace_id).select_related("invited_by")


def pending_invitations_for(actor: Membership) -> models.QuerySet[Invitation]:
    """Invitations not yet accepted, revoked or expired."""
    return invitations_for(actor).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def get_invitation(actor: Membership, invitation_id: int) -> Invitation:
    invitation = invitations_for(actor).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound()
    return invitation


def account_exists(email: str) -> bool:
    """Whether someone signed up with this address (the invitation page then asks them to sign in)."""
    return User.objects.filter(email__iexact=email.strip()).exists()


def tokens_for(user: User) -> models.QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
