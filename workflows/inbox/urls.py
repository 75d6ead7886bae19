from django.urls import path

from workflows.inbox import cover_views, exchange_views, party_views, views

app_name = "inbox"
urlpatterns = [
    path("taches/", views.InboxView.as_view(), name="inbox"),
    path("taches/file/", views.QueueView.as_view(), name="queue"),
    path("taches/suivis/", views.TabView.as_view(tab="suivis"), name="followed"),
    path("taches/traites/", views.TabView.as_view(tab="traites"), name="done"),
    path("taches/tous/", views.TabView.as_view(tab="tous"), name="all"),
    path("dossiers/<slug:kind>/<int:pk>/suivre/", views.FollowView.as_view(), name="follow"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("dossiers/<slug:kind>/<int:pk>/notes/", exchange_views.NoteCreateView.as_view(), name="exchange_note"),
    path(
        "dossiers/<slug:kind>/<int:pk>/messages/", exchange_views.MessageCreateView.as_view(), name="exchange_message"
    ),
    path(
        "dossiers/<slug:kind>/<int:pk>/pieces/<str:type_>/<int:row>/",
        exchange_views.AttachmentView.as_view(),
        name="exchange_attachment",
    ),
    path("dossiers/<slug:kind>/<int:pk>/signataires/", party_views.PartyAddView.as_view(), name="party_add"),
    path(
        "dossiers/<slug:kind>/<int:pk>/signataires/<int:party_pk>/",
        party_views.PartyStateView.as_view(),
        name="party_state",
    ),
    path(
        "dossiers/<slug:kind>/<int:pk>/signataires/<int:party_pk>/page-signee/",
        party_views.PartyProofView.as_view(),
        name="party_proof",
    ),
    path("avis/", views.NoticeListView.as_view(), name="notices"),
    path("absence/", cover_views.CoverView.as_view(), name="absence"),
    path("avis/lu/", views.NoticeReadView.as_view(), name="notices_read"),
    path("taches/revue-cget/", views.CgetReviewQueueView.as_view(), name="cget_review_queue"),
    path("taches/vues/", views.SavedViewSaveView.as_view(), name="saved_view_save"),
    path("taches/<int:task_pk>/decision/", views.DecisionView.as_view(), name="decision"),
    path("taches/selection/", views.BulkView.as_view(), name="bulk"),
    path("taches/selection/lancer/", views.BulkLaunchView.as_view(), name="bulk_launch"),
    path("taches/selection/<str:key>/", views.BulkProgressView.as_view(), name="bulk_progress"),
]
