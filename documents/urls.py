from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/start/", views.start, name="start"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("files/<int:pk>/download/", views.download, name="download"),
]
