from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, HomePanel, NavEntry


class ProjectsConfig(CadenceAppConfig):
    name = "projects"
    verbose_name = _("Projects and work items")
    api = "projects.api:router"
    urls = "projects.urls"
    navigation = (
        NavEntry(_("My work"), "projects:my_work", "project.view", order=10, icon="circle-check"),
        NavEntry(
            _("Projects"),
            "projects:list",
            "project.view",
            order=30,
            icon="folder-kanban",
            sections=("items", "sprints", "retro"),
        ),
    )
    home_panels = (
        HomePanel("my-work", _("My work"), "projects/home_my_work.html", "projects.queries.home:my_day", order=10),
    )
    declarations = ("projects.access", "projects.hooks")
    demo = "projects.demo"
    test_world = "projects.tests.world"
    test_access = "projects.tests.access"

    def register(self) -> None:
        from projects import registration

        registration.register_types()
