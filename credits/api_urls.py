from django.urls import path

from . import api

urlpatterns = [
    path("me/hours/", api.MeHoursView.as_view(), name="api-me-hours"),
    path("hour-records/", api.HourRecordListCreateView.as_view(), name="api-hour-records"),
    path("hour-records/bulk/", api.HourRecordBulkView.as_view(), name="api-hour-records-bulk"),
    path(
        "organisations/<int:pk>/compliance/",
        api.OrganisationComplianceView.as_view(),
        name="api-organisation-compliance",
    ),
]
