"""Every page and API endpoint names its permission rule (issue 16): a view that forgets is found
by walking the URL resolver, and an API view naming no rule is refused rather than let through."""

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.checks import views_without_rule, walk
from tests.factories import UserFactory


def test_every_url_names_a_permission_rule():
    assert views_without_rule() == []


def test_the_walk_reaches_pages_and_api():
    routes = [route for route, _ in walk()]
    assert "hours/approvals/" in routes
    assert "api/v1/hour-records/" in routes
    assert len(routes) > 100


def test_system_check_passes():
    call_command("check", fail_level="ERROR")


class _Forgetful(APIView):
    def get(self, request):
        return Response({"ok": True})


@pytest.mark.django_db
def test_an_api_view_naming_no_rule_is_refused_even_signed_in():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    request._dont_enforce_csrf_checks = True
    from rest_framework.test import force_authenticate

    force_authenticate(request, user=request.user)
    response = _Forgetful.as_view()(request)
    assert response.status_code == 403


def test_the_walk_reports_a_page_and_an_endpoint_without_rule(monkeypatch, settings):
    from django.urls import clear_url_caches, path

    import portal.urls

    def forgetful_page(request):
        raise AssertionError("never called")

    monkeypatch.setattr(
        portal.urls,
        "urlpatterns",
        [*portal.urls.urlpatterns, path("x/", forgetful_page), path("y/", _Forgetful.as_view())],
    )
    clear_url_caches()
    try:
        problems = views_without_rule()
    finally:
        clear_url_caches()
    assert any(p.startswith("/x/ -> ") and "forgetful_page" in p for p in problems)
    assert any(p.startswith("/y/ -> ") and "_Forgetful" in p for p in problems)
