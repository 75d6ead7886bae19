from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, reverse_lazy
from django.views.generic import TemplateView

from accounts import oidc, site_pages, views
from accounts.forms import PasswordChooseForm, PasswordResetRequestForm

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html", extra_context={"title": "Accessibilité"}),
        name="accessibility",
    ),
    # The footer's mandatory pages (DSFR): legal notice, personal data, cookies, site map.
    path("mentions-legales/", site_pages.LegalNoticeView.as_view(), name="legal_notice"),
    path("donnees-personnelles/", site_pages.PersonalDataView.as_view(), name="personal_data"),
    path("cookies/", site_pages.CookiesView.as_view(), name="cookies"),
    path("plan-du-site/", site_pages.SitemapView.as_view(), name="sitemap"),
    # Browsers ask /favicon.ico of pages without an icon link (the API's docs): the DSFR's favicon.
    path("favicon.ico", views.favicon, name="favicon"),
    # « Mot de passe oublié » by email: Django's views, French DSFR templates; the same answer
    # whether the address exists or not.
    path(
        "mot-de-passe-oublie/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetRequestForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
            extra_context={"title": "Mot de passe oublié"},
            extra_email_context={"site_url": settings.SITE_URL},  # the served address, not the Host header
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html", extra_context={"title": "Courriel envoyé"}
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=PasswordChooseForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
            extra_context={"title": "Nouveau mot de passe"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html", extra_context={"title": "Mot de passe modifié"}
        ),
        name="password_reset_complete",
    ),
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
