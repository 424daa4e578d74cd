from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, NavEntry


class AccountsConfig(CadenceAppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")
    api = "accounts.api:router"
    urls = "accounts.urls"
    navigation = (
        NavEntry(_("Home"), "accounts:home", "workspace.view", order=0),
        NavEntry(_("People"), "accounts:people", "member.view", order=80),
        NavEntry(_("Departments"), "accounts:departments", "department.view", order=81),
        NavEntry(_("Teams"), "accounts:teams", "team.view", order=82),
        NavEntry(_("Settings"), "accounts:settings", "workspace.edit", order=99),
    )
    demo = "accounts.demo"
    test_access = "accounts.tests.access"

    def register(self) -> None:
        from django.urls import reverse

        from accounts import queries
        from accounts.models import Department, Membership, Team, TeamKind, Workspace
        from core import actors
        from core.registry import ObjectType, register
        from core.search import Search
        from core.web import name_choices, name_ids

        actors.provide(actors.Directory(actor_in=queries.membership_for, members_named=queries.members_named))
        # The fields, of any type, whose values are people or departments, and team kinds: by name in history.
        name_ids(["head", "lead", "members", "member", "owner", "collaborators"], queries.people_named)
        name_ids(["department", "parent"], queries.departments_named)
        name_choices(["kind"], TeamKind.choices)

        register(
            ObjectType(
                "workspace",
                Workspace,
                "workspace.view",
                "workspace.edit",
                visible=lambda actor, qs: qs.filter(pk=actor.workspace_id),
                web_url=lambda o: reverse("accounts:home", args=[o.slug]),
            )
        )
        register(
            ObjectType(
                "member",
                Membership,
                "member.view",
                "member.manage",
                visible=queries.visible_members,
                web_url=lambda o: reverse("accounts:people", args=[o.workspace.slug]),
                search=Search(
                    label=_("Person"),
                    title="user__display_name",
                    read=("user__username", "user__email"),
                    match=queries.person_matches,
                    describe=lambda row: (row["user__display_name"] or row["user__username"], row["user__email"]),
                    value="user_id",
                    url=lambda slug, row: reverse("accounts:member", args=[slug, row["pk"]]),
                ),
            )
        )
        register(
            ObjectType(
                "department",
                Department,
                "department.view",
                "department.edit",
                web_url=lambda o: reverse("accounts:department", args=[o.workspace.slug, o.pk]),
                search=Search(
                    label=_("Department"),
                    title="name",
                    subtitle="parent__name",
                    url=lambda slug, row: reverse("accounts:department", args=[slug, row["pk"]]),
                ),
            )
        )
        register(
            ObjectType(
                "team",
                Team,
                "team.view",
                "team.edit",
                web_url=lambda o: reverse("accounts:team", args=[o.workspace.slug, o.pk]),
                search=Search(
                    label=_("Team"),
                    title="name",
                    url=lambda slug, row: reverse("accounts:team", args=[slug, row["pk"]]),
                ),
            )
        )
