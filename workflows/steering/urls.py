from django.urls import path

from workflows.steering import views

app_name = "steering"
urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard_view, name="dashboard"),
    path("tableau-de-bord/chiffres/<slug:slug>/", views.figure_list, name="figure_list"),
    path("colleges-manquants/", views.missing_service_heads, name="missing_service_heads"),
    path("signatures-manquantes/", views.blockers_view, name="blockers"),
    path("departements/<str:code>/", views.department_detail, name="department_detail"),
    path("departements/<str:code>/reunions/", views.meeting_create, name="meeting_create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/<str:name>/", views.meeting_action, name="meeting_action"),
]
