from django.urls import path
from django.views.generic import TemplateView

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html", extra_context={"title": "Accessibilité"}),
        name="accessibility",
    ),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
]
