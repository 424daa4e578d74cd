from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, HomePanel


class SprintsConfig(CadenceAppConfig):
    name = "sprints"
    verbose_name = _("Sprints")
    api = "sprints.api:router"
    urls = "sprints.urls"
    home_panels = (
        HomePanel(
            "sprints",
            _("My active sprints"),
            "sprints/home_sprints.html",
            "sprints.queries:my_active_sprints",
            order=50,
        ),
    )
    demo = "sprints.demo"
    test_world = "sprints.tests.world"
    test_access = "sprints.tests.access"

    def register(self) -> None:
        from sprints import registration

        registration.register_types()
