from django.urls import path

from . import api

urlpatterns = [
    path("submissions/calls/", api.CallList.as_view(), name="api-calls"),
    path("submissions/", api.SubmissionListCreate.as_view(), name="api-submissions"),
    path("submissions/<int:pk>/", api.SubmissionDetail.as_view(), name="api-submission-detail"),
]
