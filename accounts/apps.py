from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")

    def ready(self) -> None:
        from django.urls import reverse

        from accounts import queries
        from accounts.models import Department, Membership, Team, Workspace
        from core.registry import ObjectType, register

        register(
            ObjectType(
                "workspace",
                Workspace,
                "workspace.view",
                "workspace.edit",
                visible=lambda actor, qs: qs.filter(pk=actor.workspace_id),
                web_url=lambda o: reverse("core:home", args=[o.slug]),
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
            )
        )
        register(
            ObjectType(
                "department",
                Department,
                "department.view",
                "department.edit",
                web_url=lambda o: reverse("accounts:department", args=[o.workspace.slug, o.pk]),
            )
        )
        register(
            ObjectType(
                "team",
                Team,
                "team.view",
                "team.edit",
                web_url=lambda o: reverse("accounts:team", args=[o.workspace.slug, o.pk]),
            )
        )
