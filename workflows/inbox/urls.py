from django.urls import path

from workflows.inbox import views

app_name = "inbox"
urlpatterns = [
    path("taches/", views.InboxView.as_view(), name="inbox"),
    path("taches/file/", views.QueueView.as_view(), name="queue"),
    path("taches/suivis/", views.TabView.as_view(tab="suivis"), name="followed"),
    path("taches/traites/", views.TabView.as_view(tab="traites"), name="done"),
    path("taches/tous/", views.TabView.as_view(tab="tous"), name="all"),
    path("dossiers/<slug:kind>/<int:pk>/suivre/", views.FollowView.as_view(), name="follow"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("avis/", views.NoticeListView.as_view(), name="notices"),
    path("avis/lu/", views.NoticeReadView.as_view(), name="notices_read"),
    path("taches/revue-cget/", views.CgetReviewQueueView.as_view(), name="cget_review_queue"),
]
