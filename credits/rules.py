"""Who may do what with hours (django-rules). Objects are still fetched from user-scoped querysets."""

import rules

from accounts.rules import (
    is_admin_of_organisation,
    is_base_admin,
    is_city_staff,
    is_city_staff_over,
    is_department_staff,
    is_employer_admin,
    is_professional,
    is_provincial_staff,
)

# Learning platforms are run by CE bases and city bureaus; they post completions and upload sheets.
is_platform_operator = is_base_admin | is_city_staff

rules.add_perm("credits.view_my_hours", is_professional)
rules.add_perm("credits.self_report", is_professional)
rules.add_perm("credits.view_certificate", is_professional)
rules.add_perm("credits.view_roster", is_employer_admin)
# Which records each may decide is `selectors.records_decidable_by`: the person's employer, or the
# city bureau (the province for a city-less employer) when the person has no employer any more.
rules.add_perm("credits.decide_record", is_employer_admin | is_city_staff | is_provincial_staff)
rules.add_perm("credits.manage_requirements", is_department_staff | is_city_staff)
# Provincial staff open any city's employer breakdown from the province report.
rules.add_perm("credits.view_city_report", is_city_staff | is_provincial_staff)
rules.add_perm("credits.audit_record", is_city_staff | is_provincial_staff)
rules.add_perm("credits.view_province_report", is_provincial_staff)
rules.add_perm("credits.manage_policy", is_provincial_staff)
rules.add_perm("credits.post_records", is_platform_operator | is_professional)
rules.add_perm("credits.import_records", is_platform_operator)
# An organisation's compliance: its own employer admin, the city bureau over it, or the province.
rules.add_perm(
    "credits.view_organisation_compliance", is_provincial_staff | is_city_staff_over | is_admin_of_organisation
)
