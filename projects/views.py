"""Web pages of projects: list, create from a template, charter, members, milestones, health,
allocation, workflow and custom-field settings."""

from django.urls import path

urlpatterns: list = [path("w/<slug:workspace>/projects/", lambda r, workspace: None, name="list")]
