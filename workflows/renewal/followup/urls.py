from django.urls import path

from workflows.renewal.followup import views

app_name = "followup"
urlpatterns = [
    path("renovations/<int:pk>/suivi/", views.FollowUpListView.as_view(), name="list"),
    path("renovations/suivis/<int:pk>/", views.FollowUpRecordView.as_view(), name="record"),
]
