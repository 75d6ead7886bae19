from django.urls import path

from workflows import views

app_name = "workflows"
urlpatterns = [
    path("taches/", views.InboxView.as_view(), name="inbox"),
    path("taches/file/", views.QueueView.as_view(), name="queue"),
]
