from django.urls import path

from . import review_views, views

app_name = "submissions"

urlpatterns = [
    path("", views.my_calls, name="my_calls"),
    path("calls/<int:call_id>/send/", views.send, name="send"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit_draft, name="submit_draft"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/review/", views.review, name="review"),
    path("versions/<int:pk>/<str:kind>/", views.download, name="download"),
    path("review/", review_views.review_calls, name="review_calls"),
    path("review/calls/new/", review_views.call_create, name="call_create"),
    path("review/calls/<int:pk>/", review_views.call_status, name="call_status"),
    path("review/calls/<int:pk>/export.xlsx", review_views.call_export, name="call_export"),
    path("review/calls/<int:pk>/accepted.zip", review_views.call_zip, name="call_zip"),
    path(
        "review/calls/<int:pk>/units/<int:unit_id>/attachments.zip",
        review_views.recommendation_materials,
        name="recommendation_materials",
    ),
    path("review/calls/<int:pk>/extensions/", review_views.extension_create, name="extension_create"),
]
