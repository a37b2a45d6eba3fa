"""A lockout ends the account's browser sessions as well as its API tokens (issue 22, audit):
whoever is guessing the password may already be signed in elsewhere."""

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Role
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

# A signed-in page of a professional (their hours).
PAGE = "/hours/"


def _fail(client, username, times):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"})


def test_a_lockout_signs_out_every_browser_session_opened_before_it(settings):
    person = user_with_role(Role.PROFESSIONAL, username="liming")
    colleague = user_with_role(Role.PROFESSIONAL, username="colleague")
    office, home, theirs = Client(), Client(), Client()
    for client, user in ((office, person), (home, person), (theirs, colleague)):
        assert (
            client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 302
        )
        assert client.get(PAGE).status_code == 200
    Token.objects.create(user=person)

    _fail(Client(), "liming", settings.AXES_FAILURE_LIMIT)

    for client in (office, home):
        response = client.get(PAGE)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        assert "_auth_user_id" not in client.session
    assert not Token.objects.filter(user=person).exists()
    # Another account's session is untouched.
    assert theirs.get(PAGE).status_code == 200


def test_failures_below_the_limit_end_no_session(settings):
    person = user_with_role(Role.PROFESSIONAL, username="liming")
    office = Client()
    office.force_login(person)
    _fail(Client(), "liming", settings.AXES_FAILURE_LIMIT - 1)
    assert office.get(PAGE).status_code == 200


def test_sessions_opened_before_the_generation_existed_stay_valid():
    """Generation 0 is Django's own hash: deploying this change signs nobody out."""
    person = user_with_role(Role.PROFESSIONAL, username="liming")
    assert person.session_generation == 0
    assert person.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(person)
