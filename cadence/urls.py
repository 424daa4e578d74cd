from django.urls import path

from cadence.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
