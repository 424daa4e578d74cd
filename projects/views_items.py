"""Web pages of work items: list, detail, board, timeline, calendar and My work."""

from django.urls import path

urlpatterns: list = [path("w/<slug:workspace>/my-work/", lambda r, workspace: None, name="my_work")]
