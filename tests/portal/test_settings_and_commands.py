import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, Role, User

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_PRODUCTION": "true",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-run-0123456789",
    "DJANGO_ALLOWED_HOSTS": "ce.example.cn",
}


def run_manage(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_seed_demo_refuses_production_settings():
    result = run_manage("seed_demo", env_extra=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "生产环境" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_every_role():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    assert Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU).count() == 16
    assert Membership.objects.filter(role=Role.PROFESSIONAL).count() >= 300
    expected = {
        "professional": Role.PROFESSIONAL,
        "employer": Role.EMPLOYER_ADMIN,
        "city": Role.CITY_STAFF,
        "province": Role.PROVINCE_STAFF,
        "department": Role.DEPARTMENT_STAFF,
        "base": Role.BASE_ADMIN,
        "association": Role.ASSOCIATION_ADMIN,
        "expert": Role.EXPERT,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo-2022")
        assert user.memberships.filter(role=role, is_active=True).exists()
    professional = User.objects.get(username="professional")
    employer_admin = User.objects.get(username="employer")
    assert (
        professional.memberships.get(role=Role.PROFESSIONAL).organisation
        == employer_admin.memberships.get(role=Role.EMPLOYER_ADMIN).organisation
    )
    base = User.objects.get(username="base").memberships.get(role=Role.BASE_ADMIN).organisation
    assert base.platforms.exists()
    for user in User.objects.filter(id_number__isnull=False):
        user.full_clean(exclude=["password"])


DEMO_LOGINS = ["professional", "employer", "city", "province", "department", "base", "association", "expert"]


@pytest.mark.django_db
def test_every_demo_login_reaches_its_start_page(client):
    call_command("seed_demo", stdout=io.StringIO())
    for username in DEMO_LOGINS:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "demo-2022"}, follow=True)
        assert response.status_code == 200, username
        final_url = response.redirect_chain[-1][0]
        assert final_url not in ("/accounts/login/", "/accounts/profile/"), username
        assert final_url.startswith(("/hours/", "/courses/", "/selection/")), (username, final_url)


def test_each_app_logs_through_its_named_logger_configured_in_settings(settings):
    import logging

    for app in ("portal", "accounts", "courses", "credits", "selection", "submissions", "documents"):
        assert app in settings.LOGGING["loggers"]
        assert logging.getLogger(app).level == logging.getLevelName(settings.PORTAL_LOG_LEVEL)
    # A module's logger (logging.getLogger(__name__)) hands its records to its app's logger.
    assert logging.getLogger("submissions.reminders").parent is logging.getLogger("submissions")
