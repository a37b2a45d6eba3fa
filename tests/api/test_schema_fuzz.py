"""The API answers what its schema says (issue 13, point 6): schemathesis generates requests
from /api/schema/ for every operation and sends them to a live server with a few roles'
tokens, under a fixed example budget. No 5xx, no undocumented status code or content type, no
body that does not match its schema. The figures are printed for the CI log."""

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role

# Examples per operation and role: enough to cross every parameter and body field a few times,
# small enough for two cores in CI (under a minute here).
EXAMPLES = 6
ROLES = [Role.PROFESSIONAL, Role.BASE_ADMIN, Role.PROVINCE_STAFF, Role.ASSOCIATION_ADMIN]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Revoking ends the token the remaining examples need; the owner's revocation is tested in
# test_token_lifetime.py.
SKIPPED = {("DELETE", "/api/v1/auth/token/")}


def _fuzz(operation, *, base_url: str, role: str, token: str, failures: dict) -> int:
    """Send EXAMPLES generated requests for one operation as one role; collect what fails.
    How many requests were sent."""
    sent = 0

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        nonlocal sent
        sent += 1
        response = case.call(base_url=base_url, headers={"Authorization": f"Token {token}"})
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:  # every failing check is collected, the run goes on
            for failure in group.exceptions:
                detail = f"{role} -> {response.status_code}: {failure.message}"
                failures.setdefault((operation.label, failure.title), detail[:700])

    run()
    return sent


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_to_its_schema_under_generated_requests(live_server, role_users, capsys):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    tokens = {role: Token.objects.create(user=role_users[role]).key for role in ROLES}
    operations, cases, failures = 0, 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for role in ROLES:
            cases += _fuzz(operation, base_url=live_server.url, role=role, token=tokens[role], failures=failures)

    with capsys.disabled():
        print(f"\nschemathesis: {operations} operations, {cases} cases, {len(failures)} failures")
        for (label, title), detail in sorted(failures.items()):
            print(f"  {label} [{title}] {detail}")
    assert operations >= 20 and cases >= (operations - len(SKIPPED)) * EXAMPLES
    assert not failures
