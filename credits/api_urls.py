from django.urls import path

from . import api

urlpatterns = [
    path("me/hours/", api.MeHoursView.as_view(), name="api-me-hours"),
    path("hour-records/", api.HourRecordListCreateView.as_view(), name="api-hour-records"),
    path("hour-records/bulk/", api.HourRecordBulkView.as_view(), name="api-hour-records-bulk"),
    path("hour-records/<int:pk>/approve/", api.HourRecordDecisionView.as_view(), name="api-hour-record-approve"),
    path(
        "hour-records/<int:pk>/reject/",
        api.HourRecordDecisionView.as_view(approve=False),
        name="api-hour-record-reject",
    ),
    path(
        "organisations/<int:pk>/compliance/",
        api.OrganisationComplianceView.as_view(),
        name="api-organisation-compliance",
    ),
]
