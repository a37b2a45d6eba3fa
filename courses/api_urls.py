from django.urls import path

from . import api

urlpatterns = [
    path("courses/", api.CourseListCreateView.as_view(), name="api-courses"),
    path("courses/<int:pk>/", api.CourseDetailView.as_view(), name="api-course-detail"),
    path("courses/<int:pk>/new-version/", api.CourseNewVersionView.as_view(), name="api-course-new-version"),
    path("platforms/", api.PlatformListView.as_view(), name="api-platforms"),
    path("platforms/<int:pk>/", api.PlatformDetailView.as_view(), name="api-platform-detail"),
    path("study-guides/", api.GuideListView.as_view(), name="api-study-guides"),
    path("study-guides/<int:pk>/", api.GuideDetailView.as_view(), name="api-study-guide-detail"),
    path("topics/", api.TopicListView.as_view(), name="api-topics"),
]
