"""The project's URLs plus one view that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", boom), path("", include("config.urls"))]
handler400 = "config.middleware.bad_request"
