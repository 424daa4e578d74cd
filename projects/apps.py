from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and work items")

    def ready(self) -> None:
        from projects import access, registration  # noqa: F401  (access declares the capabilities)

        registration.register_types()
