from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.index, name="index"),
    path("w/<slug:workspace>/", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/<str:token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("language/", views.set_language, name="language"),
    path("theme/", views.set_theme, name="theme"),
    path("account/", views.profile, name="profile"),
    path("account/avatar/", views.upload_avatar, name="avatar-upload"),
    path("people/<int:user_id>/avatar/<str:stamp>/", views.avatar, name="avatar"),
    path("account/password/", views.password, name="password"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="token-revoke"),
    path("invite/<str:token>", views.accept_invitation, name="invite"),
    path("workspaces/new/", views.new_workspace, name="workspace-new"),
    path("w/<slug:workspace>/settings/", views.workspace_settings, name="settings"),
    path("w/<slug:workspace>/people/", views.people, name="people"),
    path("w/<slug:workspace>/people/<int:member_id>/", views.member, name="member"),
    path("w/<slug:workspace>/people/<int:member_id>/remove/", views.remove_member, name="member-remove"),
    path(
        "w/<slug:workspace>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="invitation-revoke"
    ),
    path("w/<slug:workspace>/departments/", views.departments, name="departments"),
    path("w/<slug:workspace>/departments/<int:department_id>/", views.department, name="department"),
    path(
        "w/<slug:workspace>/departments/<int:department_id>/delete/", views.delete_department, name="department-delete"
    ),
    path("w/<slug:workspace>/teams/", views.teams, name="teams"),
    path("w/<slug:workspace>/teams/<int:team_id>/", views.team, name="team"),
    path("w/<slug:workspace>/teams/<int:team_id>/delete/", views.delete_team, name="team-delete"),
]
