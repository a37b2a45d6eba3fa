import os

import pytest

from accounts.models import Role

from .factories import OrganisationFactory, user_with_role


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="山东省立医院测试")


@pytest.fixture
def other_employer(db):
    return OrganisationFactory(name="青岛市市立医院测试", city="qingdao")


@pytest.fixture
def role_users(db, employer):
    """One user per role; the professional and employer admin share `employer`."""
    return {
        Role.PROFESSIONAL: user_with_role(Role.PROFESSIONAL, employer),
        Role.EMPLOYER_ADMIN: user_with_role(Role.EMPLOYER_ADMIN, employer),
        Role.CITY_STAFF: user_with_role(Role.CITY_STAFF),
        Role.PROVINCE_STAFF: user_with_role(Role.PROVINCE_STAFF),
        Role.DEPARTMENT_STAFF: user_with_role(Role.DEPARTMENT_STAFF),
        Role.BASE_ADMIN: user_with_role(Role.BASE_ADMIN),
        Role.ASSOCIATION_ADMIN: user_with_role(Role.ASSOCIATION_ADMIN),
        Role.EXPERT: user_with_role(Role.EXPERT),
    }


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Browser tests' live-server threads can keep a PostgreSQL session open past the end of the
    run, which makes dropping the test database fail; end them before the teardown."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def page():
    """A zh-CN chromium page at phone width (tests/browser.py), for the browser tests."""
    from tests.browser import PHONE, launch

    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        yield context.new_page()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
