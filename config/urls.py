from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quartiers – administration nationale"
admin.site.site_title = "Quartiers"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("reference.urls")),
    path("", include("workflows.inbox.urls")),
    path("", include("workflows.renewal.urls")),
    path("", include("workflows.renewal.followup.urls")),  # follow-up of commitments
    path("paqte/", include("workflows.paqte.urls")),
    path("pilotage/syntheses/", include("workflows.synthesis.urls")),
    path("pilotage/", include("workflows.steering.urls")),
    path("api/", include("api.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

# A 400 (e.g. a NUL byte, config.middleware.RejectNulMiddleware): the API's {code, detail} under
# /api/, the French page (templates/400.html) elsewhere.
handler400 = "config.middleware.bad_request"
