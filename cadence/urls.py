from django.urls import include, path

from cadence.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("accounts.urls")),
    path("", include("core.urls")),
    path("", include("projects.urls")),
    path("", include("sprints.urls")),
    path("", include("notify.urls")),
    path("", include("product.urls")),
    path("", include("goals.urls")),
]
