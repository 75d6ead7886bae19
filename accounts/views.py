from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static

from accounts.forms import LoginForm
from accounts.models import PREFECTURE_ROLES, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role where it works."""
    user = request.user
    role = getattr(user, "role", "")
    if role in PREFECTURE_ROLES:
        return redirect("inbox:inbox")
    if role == Role.CGET_REFERENT:
        return redirect("inbox:cget_review_queue")  # the CGET reviews every submission
    return redirect("reference:department_list")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}


class LogoutView(auth_views.LogoutView):
    pass


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico of pages without an icon link (the API's docs): the DSFR's own
    favicon, the one every page links (django-dsfr's {% dsfr_favicon %})."""
    return redirect(static("dsfr/dist/favicon/favicon.ico"))
