from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api_views, views
from .health import ReadinessView

portal_patterns = [
    path("", views.home, name="home"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("workspace/<str:role>/", views.workspace, name="workspace"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", ReadinessView.as_view(), name="readyz"),
]

api_v1 = [
    path("", api_views.ApiRoot.as_view(), name="api-root"),
    path("", include("accounts.api_urls")),
    *[path("", include(f"{app}.api_urls")) for app in ("courses", "credits", "selection", "submissions", "documents")],
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("accounts/", include("accounts.urls")),
    path("courses/", include("courses.urls")),
    path("hours/", include("credits.urls")),
    path("selection/", include("selection.urls")),
    path("submissions/", include("submissions.urls")),
    path("documents/", include("documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.PORTAL_BENCH:
    from . import bench_views

    urlpatterns.append(path("bench/baseline/", bench_views.baseline, name="bench-baseline"))

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
