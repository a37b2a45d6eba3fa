"""One way to see an employer's roster (issue 16): the page, its export and the API all ask
`credits.selectors.people.employer_visible_to`, so they answer alike for every role: the
employer's own admin, the bureau of its city and the province see it; another employer's admin,
another city's bureau and a professional get 404 from all three."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import City, Organisation, Role
from tests.factories import OrganisationFactory, user_with_role


@pytest.mark.django_db
def test_page_export_and_api_agree_for_every_role(client, policy):
    employer = OrganisationFactory(city=City.JINAN)
    users = {
        "own admin": (user_with_role(Role.EMPLOYER_ADMIN, employer), 200),
        "city bureau": (user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city=City.JINAN)), 200),
        "province": (user_with_role(Role.PROVINCE_STAFF), 200),
        "other employer's admin": (user_with_role(Role.EMPLOYER_ADMIN, OrganisationFactory()), 404),
        "other city's bureau": (
            user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city=City.QINGDAO)),
            404,
        ),
        "professional": (user_with_role(Role.PROFESSIONAL, employer), 404),
    }
    page = reverse("credits:organisation_roster", args=[employer.pk])
    export = reverse("credits:organisation_roster_export", args=[employer.pk])
    api_url = f"/api/v1/organisations/{employer.pk}/compliance/?year=2022"
    for who, (user, expected) in users.items():
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        answers = (
            client.get(page, {"year": 2022}).status_code,
            client.get(export, {"year": 2022}).status_code,
            api.get(api_url).status_code,
        )
        assert answers == (expected,) * 3, who


@pytest.mark.django_db
def test_a_non_employer_is_not_found_anywhere(client, policy):
    bureau = OrganisationFactory(city_bureau=True, city=City.JINAN)
    province = user_with_role(Role.PROVINCE_STAFF)
    client.force_login(province)
    api = APIClient()
    api.force_authenticate(province)
    assert bureau.kind != Organisation.Kind.EMPLOYER
    assert client.get(reverse("credits:organisation_roster", args=[bureau.pk])).status_code == 404
    assert api.get(f"/api/v1/organisations/{bureau.pk}/compliance/?year=2022").status_code == 404
