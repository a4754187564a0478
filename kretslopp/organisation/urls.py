from django.urls import path

from kretslopp.organisation import login_views, oidc, people, views

app_name = "organisation"
urlpatterns = [
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<str:code>/", views.department_detail, name="department"),
    path("departments/<str:code>/edit/", views.department_edit, name="department_edit"),
    path(
        "departments/<str:code>/cost-centres/new/",
        views.cost_centre_add,
        name="cost_centre_add",
    ),
    path("departments/<str:code>/locations/new/", views.location_add, name="location_add"),
    path("cost-centres/<int:pk>/edit/", views.cost_centre_edit, name="cost_centre_edit"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("people/search/", people.search_view, name="people_search"),
    # People, logins and roles (administrators); one's own account (everyone).
    path("people/", login_views.people, name="people"),
    path("people/new/", login_views.person_create, name="person_create"),
    path("people/<int:pk>/", login_views.person, name="person"),
    path("people/<int:pk>/active/", login_views.person_active, name="person_active"),
    path(
        "people/<int:pk>/password-link/",
        login_views.person_password_link,
        name="person_password_link",
    ),  # fmt: skip
    path("partners/", login_views.partners, name="partners"),
    path("partners/new/", login_views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", login_views.partner, name="partner"),
    path("sign-in/roles/", login_views.claim_rules, name="claim_rules"),
    path("sign-in/roles/new/", login_views.claim_rule_create, name="claim_rule_create"),
    path("sign-in/roles/<int:pk>/", login_views.claim_rule, name="claim_rule"),
    path(
        "sign-in/roles/<int:pk>/delete/", login_views.claim_rule_delete, name="claim_rule_delete"
    ),  # fmt: skip
    path("account/", login_views.account, name="account"),
    path("account/password/", login_views.password_change, name="password_change"),
    path("account/tokens/<int:pk>/revoke/", login_views.token_revoke, name="token_revoke"),
    path("welcome/", login_views.no_role, name="no_role"),
    path("password/<uidb64>/<token>/", login_views.password_set, name="password_set"),
    # Sign-in with the identity provider (404 while it is not configured).
    path("oidc/login/", oidc.AuthenticateView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
]
