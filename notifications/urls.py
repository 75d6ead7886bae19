from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("mes-notifications/", views.PreferenceView.as_view(), name="preferences"),
    path("mes-notifications/evenements/", views.EventPreferenceView.as_view(), name="event_preferences"),
    path("mes-notifications/calendrier/", views.CalendarTokenView.as_view(), name="calendar_token"),
    path("echeances/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("calendrier/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
