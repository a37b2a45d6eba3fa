"""Login with either a username or an 18-digit resident ID number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .validators import normalise_id_number


def find_user(login: str):
    """The user a login name refers to: a username first, else an ID number."""
    User = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is None and len(login) == 18:
        user = User.objects.filter(id_number=normalise_id_number(login)).first()
    return user


def axes_username(request, credentials) -> str:
    """The key django-axes counts failures under: the canonical username when the login
    names a real account, so typing the ID number instead of the username does not double the
    number of guesses an attacker gets."""
    login = (credentials or {}).get("username") or ""
    user = find_user(login)
    return user.username if user is not None else normalise_id_number(login)


class UsernameOrIdNumberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check, so timing doesn't reveal which accounts exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
