from django.urls import path

from reference import views

app_name = "reference"
urlpatterns = [
    path("departements/", views.DepartmentListView.as_view(), name="department_list"),
    path("departements/<str:code>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path(
        "contrats-de-ville/<str:code>/<str:territory>/",
        views.CityContractDetailView.as_view(),
        name="city_contract_detail",
    ),
    path("mesures/", views.MeasureListView.as_view(), name="measure_list"),
    path("mesures/<str:number>/niveau/", views.MeasureLevelUpdateView.as_view(), name="measure_level_update"),
]
