"""Who may use the document generator. Which objects they may generate for is checked in
documents.services.resolve (404 for what isn't theirs)."""

import rules

from accounts.rules import (
    is_association_admin,
    is_base_admin,
    is_city_staff,
    is_department_staff,
    is_professional,
    is_provincial_staff,
)

may_generate_documents = (
    is_department_staff | is_base_admin | is_city_staff | is_provincial_staff | is_association_admin | is_professional
)

rules.add_perm("documents.generate", may_generate_documents)
