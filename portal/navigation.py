"""Navigation by role, collected from each app's `navigation.py`.

An app declares `ITEMS = [NavItem(...), ...]`. The item marked `start=True` for a role is that
role's start page (the dashboard sends the user there); the others become menu entries. Apps
don't edit this module to add pages.
"""

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from accounts.selectors import roles_of

# The role of public pages (catalogue, results, certificate verification): shown to everyone,
# logged in or not, as top-level menu entries.
PUBLIC = "*"


@dataclass(frozen=True)
class NavItem:
    role: str  # an accounts.models.Role value, or PUBLIC
    label: str  # a lazy translation
    url_name: str
    start: bool = False
    order: int = 100

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


# The order roles are tried in when a user holding several logs in: the most specific work first.
ROLE_PRIORITY = [
    Role.PROVINCE_STAFF,
    Role.ASSOCIATION_ADMIN,
    Role.CITY_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.BASE_ADMIN,
    Role.EMPLOYER_ADMIN,
    Role.EXPERT,
    Role.PROFESSIONAL,
]


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for app in settings.PROJECT_APPS:
        try:
            module = import_module(f"{app}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
            continue
        items.extend(getattr(module, "ITEMS", ()))
    return tuple(sorted(items, key=lambda i: i.order))


def items_for_role(role: str) -> list[NavItem]:
    return [i for i in all_items() if i.role == role]


def public_menu() -> list[dict]:
    return [{"label": i.label, "url": url} for i in all_items() if i.role == PUBLIC and (url := i.url())]


def start_url_for_role(role: str) -> str:
    for item in items_for_role(role):
        if item.start and (url := item.url()):
            return url
    return reverse("portal:workspace", args=[role])


def user_roles_in_priority(user) -> list[str]:
    held = {g.role for g in roles_of(user)}
    return [r for r in ROLE_PRIORITY if r in held]


def menu_for(user) -> list[dict]:
    """Menu sections, one per role the user holds: [{"role", "label", "start", "items": [...]}]."""
    sections = []
    for role in user_roles_in_priority(user):
        entries = [{"label": i.label, "url": url} for i in items_for_role(role) if i.role == role and (url := i.url())]
        sections.append({"role": role, "label": Role(role).label, "start": start_url_for_role(role), "items": entries})
    return sections
