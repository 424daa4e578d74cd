from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("w/<slug:workspace>/activity/", views.activity, name="activity"),
    path("w/<slug:workspace>/search/", views.search, name="search"),
    path("w/<slug:workspace>/trash/", views.trash, name="trash"),
    path("w/<slug:workspace>/trash/<str:target_type>/<int:target_id>/restore/", views.restore, name="restore"),
    path("w/<slug:workspace>/o/<str:target_type>/<int:target_id>/comments/", views.comments, name="comments"),
    path("w/<slug:workspace>/comments/<int:comment_id>/delete/", views.delete_comment, name="comment-delete"),
    path("w/<slug:workspace>/o/<str:target_type>/<int:target_id>/watch/", views.watch, name="watch"),
    path(
        "w/<slug:workspace>/o/<str:target_type>/<int:target_id>/attachments/",
        views.upload_attachment,
        name="attachments",
    ),
    path("w/<slug:workspace>/attachments/<int:attachment_id>/", views.download_attachment, name="attachment"),
    path(
        "w/<slug:workspace>/attachments/<int:attachment_id>/delete/",
        views.delete_attachment,
        name="attachment-delete",
    ),
    path("w/<slug:workspace>/o/<str:target_type>/<int:target_id>/links/", views.links, name="links"),
    path(
        "w/<slug:workspace>/o/<str:target_type>/<int:target_id>/links/<int:link_id>/delete/",
        views.delete_link,
        name="link-delete",
    ),
]
