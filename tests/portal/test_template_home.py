"""One home for templates (issue 16): each app keeps its own under <app>/templates/<app>/, portal's
also holds the shared base, error pages and includes; nothing lives in a project-level folder."""

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template


def test_no_project_level_template_folder():
    assert not (Path(settings.BASE_DIR) / "templates").exists()
    assert all(not engine.get("DIRS") for engine in settings.TEMPLATES)


def test_each_app_keeps_its_templates_under_its_own_name():
    root = Path(settings.BASE_DIR)
    shared = {"base.html", "403.html", "404.html", "500.html", "503.html", "includes"}
    for app in settings.PROJECT_APPS:
        folder = root / app / "templates"
        if not folder.exists():
            continue
        for entry in folder.iterdir():
            assert entry.name == app or (app == "portal" and entry.name in shared), entry


def test_the_moved_templates_are_found():
    for name in (
        "base.html",
        "403.html",
        "404.html",
        "includes/pagination.html",
        "portal/home.html",
        "accounts/login.html",
        "credits/my_hours.html",
    ):
        assert get_template(name)
