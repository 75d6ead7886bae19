from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from workflows.renewal import views

app_name = "workflows"
urlpatterns = [
    path("taches/<int:task_pk>/prendre/", views.TaskAssignView.as_view(), name="task_assign"),
    path("taches/<int:task_pk>/remettre/", views.TaskUnassignView.as_view(), name="task_unassign"),
    path("taches/<int:task_pk>/confier/", views.TaskReassignView.as_view(), name="task_reassign"),
    # The renovations' CGET review is one kind of the CGET's review queue (``workflows.inbox``).
    path(
        "renovations/revue-cget/",
        login_required(RedirectView.as_view(pattern_name="inbox:cget_review_queue", query_string=True)),
        name="cget_review_queue",
    ),
    path("renovations/<int:pk>/", views.RenewalDetailView.as_view(), name="renewal_detail"),
    path("renovations/<int:pk>/engagements/", views.CommitmentsView.as_view(), name="renewal_commitments"),
    path("renovations/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="renewal_document_upload"),
    path("renovations/documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="renewal_document"),
    path(
        "circuits/<int:process_pk>/taches/<int:task_pk>/",
        views.RenewalTaskView.as_view(),
        name="renewal_task",
    ),
    path(
        "departements/<str:code>/renovations/",
        views.DepartmentRenewalsView.as_view(),
        name="department_renewals",
    ),
    path(
        "contrats-de-ville/<str:code>/<str:territory>/renovation/",
        views.RenewalLaunchView.as_view(),
        name="renewal_launch",
    ),
]
