from django.urls import path

from workflows.inbox import views

app_name = "inbox"
urlpatterns = [
    path("taches/", views.InboxView.as_view(), name="inbox"),
    path("taches/file/", views.QueueView.as_view(), name="queue"),
    path("taches/revue-cget/", views.CgetReviewQueueView.as_view(), name="cget_review_queue"),
]
