from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from workflows.paqte import views

app_name = "paqte"
urlpatterns = [
    path("", views.home, name="home"),
    path("departements/<str:code>/", views.department_detail, name="department_detail"),
    path("departements/<str:code>/referent/", views.referent_save, name="referent_save"),
    path("departements/<str:code>/referent/<str:name>/", views.referent_action, name="referent_action"),
    path("departements/<str:code>/comite/membres/", views.member_add, name="member_add"),
    path("departements/<str:code>/comite/reunions/", views.meeting_add, name="meeting_add"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/objectifs/", views.objective_add, name="objective_add"),
    path("conventions/<int:pk>/resultats/", views.result_record, name="result_record"),
    path("conventions/<int:pk>/actions/<str:name>/", views.convention_action, name="convention_action"),
    path("chartes/", views.charter_list, name="charter_list"),
    path("chartes/<int:pk>/", views.charter_detail, name="charter_detail"),
    path("chartes/<int:pk>/actions/<str:name>/", views.charter_action, name="charter_action"),
    path("bilans/", views.report_list, name="report_list"),
    path("bilans/nouveau/", views.report_create, name="report_create"),
    path("bilans/<int:pk>/", views.report_detail, name="report_detail"),
    path("bilans/<int:pk>/actions/<str:name>/", views.report_action, name="report_action"),
    path("bilans/<int:pk>/chiffres/<slug:slug>/", views.report_figure, name="report_figure"),
    path("bilans/<int:pk>/bilan.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("bilans/<int:pk>/bilan.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
    # The PAQTE tasks and the CGET's review of PAQTE submissions are in the one inbox.
    path("examen/", login_required(RedirectView.as_view(pattern_name="inbox:cget_review_queue")), name="review_queue"),
    path("taches/", login_required(RedirectView.as_view(pattern_name="inbox:queue")), name="task_queue"),
]
