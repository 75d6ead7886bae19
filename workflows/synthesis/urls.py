from django.urls import path

from workflows.synthesis import views

app_name = "synthesis"
urlpatterns = [
    path("", views.synthesis_list, name="list"),
    path("<str:code>/<int:year>/", views.synthesis_detail, name="detail"),
    path("<str:code>/<int:year>/rediger/", views.synthesis_edit, name="edit"),
    path("<str:code>/<int:year>/pdf/", views.synthesis_pdf_download, name="pdf"),
    path("<str:code>/<int:year>/actions/<str:name>/", views.synthesis_action, name="action"),
]
