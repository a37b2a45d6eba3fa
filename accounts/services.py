"""Writes of accounts data: creating professionals, granting roles, the audit log."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .models import ROLE_ORGANISATION_KIND, AuditEvent, Membership, Organisation, Role, User
from .selectors import forget_roles
from .validators import normalise_id_number, validate_id_number


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def audit(
    *,
    type: str,
    actor=None,
    organisation: Organisation | None = None,
    target: object | str = "",
    data: dict | None = None,
    request=None,
) -> AuditEvent:
    """Record a security-relevant action (typed, with who, what and when)."""
    return AuditEvent.objects.create(
        type=type,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        target=str(target)[:200],
        data=data or {},
        ip_address=client_ip(request),
    )


def jsonable(value):
    """A setting's value as the audit log stores it: decimals (without trailing zeros, so 120 and
    120.0 compare equal) and dates as text, objects by pk."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "pk"):
        return value.pk
    return value


def audit_change(
    *,
    type: str,
    actor,
    target: object | str,
    old: dict,
    new: dict,
    labels: dict | None = None,
    organisation=None,
    request=None,
):
    """Record a settings change with its old and new values (only the settings that changed;
    nothing is recorded when nothing changed), and each setting's name as staff read it.
    Returns the event, or None."""
    old, new = jsonable(old), jsonable(new)
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if not changed:
        return None
    labels = labels or {}
    return audit(
        type=type,
        actor=actor,
        organisation=organisation,
        target=target,
        data={
            "changed": changed,
            "old": {k: old.get(k) for k in changed},
            "new": {k: new.get(k) for k in changed},
            "labels": {k: str(labels.get(k, k)) for k in changed},
        },
        request=request,
    )


def field_labels(model, names) -> dict:
    """Field names -> their verbose names, for `audit_change(labels=...)`."""
    return {name: model._meta.get_field(name).verbose_name for name in names}


def create_professional(
    *,
    username: str,
    name: str,
    id_number: str,
    password: str | None = None,
    phone: str = "",
    email: str = "",
    is_verified: bool = True,
) -> User:
    """Create a professional's account after validating the ID number (format, birth date,
    GB 11643 checksum) and that no one else has it."""
    id_number = normalise_id_number(id_number)
    validate_id_number(id_number)
    if User.objects.filter(id_number=id_number).exists():
        raise ValidationError({"id_number": _("该身份证号已注册。")}, code="id_number_taken")
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")}, code="username_taken")
    user = User(username=username, name=name, id_number=id_number, phone=phone, email=email, is_verified=is_verified)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def grant_role(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    granted_by=None,
    department: str = "",
    job_title: str = "",
) -> Membership:
    """Give a user a role in an organisation, checking that the role fits the organisation."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}}, code="unknown_role")
    expected_kind = ROLE_ORGANISATION_KIND[Role(role)]
    if organisation.kind != expected_kind:
        raise ValidationError(
            {
                "organisation": _("角色“%(role)s”只能授予%(kind)s的人员。")
                % {"role": Role(role).label, "kind": Organisation.Kind(expected_kind).label}
            },
            code="role_kind_mismatch",
        )
    if role == Role.PROFESSIONAL and not user.id_number:
        raise ValidationError({"user": _("专业技术人员必须登记有效的身份证号。")}, code="id_number_required")
    if role == Role.PROFESSIONAL:
        # Moving to another employer ends the previous staff membership.
        Membership.objects.filter(user=user, role=Role.PROFESSIONAL, is_active=True).exclude(
            organisation=organisation
        ).update(is_active=False)
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        defaults={"department": department, "job_title": job_title},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    forget_roles(user)
    audit(
        type=AuditEvent.Type.ROLE_GRANTED,
        actor=granted_by,
        organisation=organisation,
        target=user.username,
        data={"role": role},
    )
    return membership


@transaction.atomic
def revoke_role(*, membership: Membership, revoked_by=None) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    forget_roles(membership.user)
    audit(
        type=AuditEvent.Type.ROLE_REVOKED,
        actor=revoked_by,
        organisation=membership.organisation,
        target=membership.user.username,
        data={"role": membership.role},
    )


def end_browser_sessions(*, user: User) -> None:
    """Every browser session the user opened so far ends at its next request (the session's
    auth hash includes session_generation; Django logs such a session out). One UPDATE, whatever
    the session backend and however many sessions there are."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
