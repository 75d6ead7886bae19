from django.urls import include, path, re_path

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter(trailing_slash=True)
router.register("regions", views.RegionViewSet, basename="region")
router.register("departements", views.DepartmentViewSet, basename="department")
router.register("contrats-de-ville", views.CityContractViewSet, basename="city-contract")
router.register("mesures", views.MeasureViewSet, basename="measure")
router.register("reunions", views.MeetingViewSet, basename="meeting")
router.register("echeances", views.DeadlineViewSet, basename="deadline")
router.register("renovations", views.RenewalViewSet, basename="renewal")
router.register("suivis", views.FollowUpViewSet, basename="follow-up")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Last: any other address under /api/ answers the API's French JSON 404, not the HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
