from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quartiers – administration nationale"
admin.site.site_title = "Quartiers"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("reference.urls")),
    path("", include("workflows.inbox.urls")),
    path("", include("workflows.urls")),
    path("", include("workflows.followup.urls")),  # issue #6: follow-up of commitments
    path("paqte/", include("workflows.paqte.urls")),
    path("pilotage/syntheses/", include("workflows.synthesis.urls")),
    path("pilotage/", include("workflows.steering.urls")),
    path("api/", include("api.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
