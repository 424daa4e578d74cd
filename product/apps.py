from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductConfig(AppConfig):
    name = "product"
    verbose_name = _("Requirements, feedback and roadmap")

    def ready(self) -> None:
        from product import access, events, registration  # noqa: F401  (they declare capabilities and events)

        registration.register_types()
