from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter(trailing_slash=True)
router.register("regions", views.RegionViewSet, basename="region")
router.register("departements", views.DepartmentViewSet, basename="department")
router.register("contrats-de-ville", views.CityContractViewSet, basename="city-contract")
router.register("mesures", views.MeasureViewSet, basename="measure")
router.register("reunions", views.MeetingViewSet, basename="meeting")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
