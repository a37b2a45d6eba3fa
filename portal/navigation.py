"""Navigation by role, collected from each app's `navigation.py`.

An app declares `ITEMS = [NavItem(...), ...]`. The item marked `start=True` for a role is that
role's start page (the dashboard sends the user there); the others become menu entries. Apps
don't edit this module to add pages.
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

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


# The menus depend only on the code (the items, the URLconf), the script prefix the site is served
# under and the roles held: built once per process for each set of roles, never per request. The
# labels stay lazy translations, so one entry serves every language.
@lru_cache(maxsize=8)
def _public_entries(script_prefix: str) -> tuple[tuple, ...]:
    return tuple((i.label, url) for i in all_items() if i.role == PUBLIC and (url := i.url()))


@lru_cache(maxsize=256)
def _sections(roles: tuple[str, ...], script_prefix: str) -> tuple[tuple, ...]:
    return tuple(
        (
            role,
            Role(role).label,
            start_url_for_role(role),
            tuple((i.label, url) for i in items_for_role(role) if (url := i.url())),
        )
        for role in roles
    )


def public_menu() -> list[dict]:
    return [{"label": label, "url": url} for label, url in _public_entries(get_script_prefix())]


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
    return [
        {"role": role, "label": label, "start": start, "items": [{"label": lb, "url": url} for lb, url in entries]}
        for role, label, start, entries in _sections(tuple(user_roles_in_priority(user)), get_script_prefix())
    ]
