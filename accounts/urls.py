from django.conf import settings
from django.urls import URLPattern, path
from django.views.generic import TemplateView

from accounts import oidc, views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html", extra_context={"title": "Accessibilité"}),
        name="accessibility",
    ),
    # Browsers ask /favicon.ico of pages without an icon link (the API's docs): the DSFR's favicon.
    path("favicon.ico", views.favicon, name="favicon"),
    # Also ends a ProConnect session at the provider (accounts.oidc).
    path("deconnexion/", oidc.LogoutView.as_view(), name="logout"),
]

# ProConnect (accounts/oidc.py): routed only when configured, so 404 otherwise; the login page
# shows its button when "oidc_authentication_init" resolves. Names are mozilla-django-oidc's.
proconnect_urlpatterns: list[URLPattern] = [
    path("oidc/authenticate/", oidc.ProConnectAuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.ProConnectCallbackView.as_view(), name="oidc_authentication_callback"),
]
if settings.PROCONNECT_ENABLED:
    urlpatterns += proconnect_urlpatterns
