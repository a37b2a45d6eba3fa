"""What a request generates: the data of each kind of document, loaded and access-checked.

`resolve` turns (kind, object id, year, user) into a Target: the parts (dataclass + owner +
source + download name) that documents.services generates and stores.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.rules import is_admin_of_organisation
from accounts.selectors import has_role
from courses.models import StudyGuide, Teacher
from credits.services import issue_certificate
from selection.models import Recommendation

from . import generators, selectors
from .generators import DocumentInputError
from .models import Kind


@dataclass
class Part:
    """One document: what it shows, whose it is, what it was made from and its download name."""

    kind: str
    doc: object
    name: str
    owner_organisation: Organisation | None = None
    owner_user: User | None = None
    source: object | None = None


@dataclass
class Target:
    """What a job produces: one part, or for a package several parts zipped together."""

    kind: str
    parts: list[Part]
    name: str
    owner_organisation: Organisation | None = None
    owner_user: User | None = None
    source: object | None = None
    skipped: list[str] = field(default_factory=list)


def _not_found() -> Http404:
    return Http404(_("对象不存在，或您无权为其生成文书。"))


def _may_act_for(user, organisation) -> bool:
    return user is None or has_role(user, Role.PROVINCE_STAFF) or is_admin_of_organisation(user, organisation)


def verification_url(code: str) -> str:
    """The public page that verifies a 学时证明 by its code (credits app), as an absolute URL."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("credits:verify_code", kwargs={"code": code})


def _organisation(object_id, user) -> Organisation:
    organisation = Organisation.objects.filter(pk=object_id).first()
    if organisation is None or not _may_act_for(user, organisation):
        raise _not_found()
    return organisation


def _guide_part(guide) -> Part:
    return Part(
        Kind.ATTACHMENT1,
        selectors.guide_doc(guide),
        f"附件1_{guide.department.name}{guide.year}年度专业技术人员继续教育指南",
        owner_organisation=guide.department,
        source=guide,
    )


def _pledge_part(recommendation) -> Part:
    return Part(
        Kind.ATTACHMENT4,
        selectors.pledge_doc(recommendation),
        f"附件4_知识产权保护承诺书_{recommendation.course.title}"[:80],
        owner_organisation=recommendation.organisation,
        source=recommendation,
    )


def resolve(*, kind: str, object_id: int | None, year: int | None, user=None) -> Target:
    """Load the data of a request and check that `user` may have it (None: an operator's command).

    Raises Http404 for objects that don't exist or aren't the user's, DocumentInputError for
    data that can't make the document.
    """
    if kind == Kind.ATTACHMENT1:
        if object_id is None:
            part = Part(kind, generators.blank_guide(), "附件1_专业技术人员继续教育指南（参考格式）")
            return Target(kind, [part], part.name)
        guide = StudyGuide.objects.select_related("department").filter(pk=object_id).first()
        if guide is None or not _may_act_for(user, guide.department):
            raise _not_found()
        part = _guide_part(guide)
        return Target(kind, [part], part.name, owner_organisation=guide.department, source=guide)
    if kind == Kind.ATTACHMENT2:
        organisation = _organisation(object_id, user)
        part = Part(
            kind,
            selectors.platform_table_doc(organisation),
            f"附件2_{organisation.name}继续教育学习平台信息统计表",
            owner_organisation=organisation,
            source=organisation,
        )
        return Target(kind, [part], part.name, owner_organisation=organisation, source=organisation)
    if kind == Kind.ATTACHMENT3:
        year = _require_year(year)
        organisation = _organisation_for_selection(object_id, user)
        part = Part(
            kind,
            selectors.recommendation_table_doc(organisation, year),
            f"附件3_{organisation.name}{year}年度优质在线公需课推荐表",
            owner_organisation=organisation,
            source=organisation,
        )
        return Target(kind, [part], part.name, owner_organisation=organisation, source=organisation)
    if kind == Kind.ATTACHMENT4:
        recommendation = (
            Recommendation.objects.select_related("course", "organisation", "campaign").filter(pk=object_id).first()
        )
        if recommendation is None or not (
            _may_act_for(user, recommendation.organisation) or has_role(user, Role.ASSOCIATION_ADMIN)
        ):
            raise _not_found()
        part = _pledge_part(recommendation)
        return Target(kind, [part], part.name, owner_organisation=recommendation.organisation, source=recommendation)
    if kind == Kind.HOURS_CERTIFICATE:
        return _hours_certificate_target(object_id, _require_year(year), user)
    if kind == Kind.TEACHER_CERTIFICATE:
        return _teacher_certificate_target(object_id, year, user)
    if kind == Kind.PACKAGE:
        return _package_target(object_id, _require_year(year), user)
    raise DocumentInputError(_("未知的文书类型：%(kind)s") % {"kind": kind})


def _require_year(year) -> int:
    if not year:
        raise DocumentInputError(_("请指定年度。"))
    return int(year)


def _organisation_for_selection(object_id, user) -> Organisation:
    organisation = Organisation.objects.filter(pk=object_id).first()
    if organisation is None:
        raise _not_found()
    if not (_may_act_for(user, organisation) or has_role(user, Role.ASSOCIATION_ADMIN)):
        raise _not_found()
    return organisation


def _hours_certificate_target(object_id, year: int, user) -> Target:
    professional = User.objects.filter(pk=object_id).first()
    if professional is None or (user is not None and user.pk != professional.pk):
        raise _not_found()
    try:
        certificate = issue_certificate(user=professional, year=year)
    except ValidationError as exc:
        # credits refuses with a Chinese message (not compliant, no policy for the year).
        raise DocumentInputError("；".join(exc.messages)) from exc
    part = Part(
        Kind.HOURS_CERTIFICATE,
        selectors.hours_certificate_doc(certificate, verification_url(certificate.code)),
        f"学时证明_{certificate.name}_{year}年度",
        owner_user=professional,
        source=certificate,
    )
    return Target(part.kind, [part], part.name, owner_user=professional, source=certificate)


def _teacher_certificate_target(object_id, year, user) -> Target:
    teacher = Teacher.objects.filter(pk=object_id).first()
    allowed = teacher is not None and (
        user is None
        or has_role(user, Role.ASSOCIATION_ADMIN)
        or has_role(user, Role.PROVINCE_STAFF)
        or (teacher.user_id is not None and teacher.user_id == user.pk)
    )
    if not allowed:
        raise _not_found()
    certificate = selectors.teacher_certificate_for(teacher, year)
    part = Part(
        Kind.TEACHER_CERTIFICATE,
        selectors.teacher_certificate_doc(certificate),
        f"优秀师资特聘证书_{teacher.name}_{certificate.number}",
        owner_user=teacher.user,
        owner_organisation=teacher.organisation,
        source=certificate,
    )
    return Target(part.kind, [part], part.name, owner_user=teacher.user, source=certificate)


def _package_target(object_id, year: int, user) -> Target:
    """附件1-4 as they apply to the unit: 1 for a department's guide of the year, 2 if it has
    learning platforms, 3 and one 4 per course if it recommended courses in the year."""
    organisation = _organisation(object_id, user)
    parts: list[Part] = []
    skipped: list[str] = []
    guide = StudyGuide.objects.select_related("department").filter(department=organisation, year=year).first()
    if guide is not None:
        parts.append(_guide_part(guide))
    platform_doc = selectors.platform_table_doc(organisation)
    if platform_doc.platforms:
        parts.append(Part(Kind.ATTACHMENT2, platform_doc, f"附件2_{organisation.name}继续教育学习平台信息统计表"))
    else:
        skipped.append(_("附件2（本单位未登记学习平台）"))
    table = selectors.recommendation_table_doc(organisation, year)
    if table.recommendations:
        parts.append(Part(Kind.ATTACHMENT3, table, f"附件3_{organisation.name}{year}年度优质在线公需课推荐表"))
        recommendations = list(selectors.recommendations_of(organisation, year).select_related("campaign"))
        parts.extend(_pledge_part(r) for r in recommendations)  # a missing pledge fails the package
    else:
        skipped.append(_("附件3、4（本年度未推荐课程）"))
    if not parts:
        raise DocumentInputError(
            _("%(unit)s在%(year)s年度没有可生成的报送材料（无学习指南、学习平台或推荐课程）。")
            % {"unit": organisation.name, "year": year}
        )
    for part in parts:
        part.owner_organisation = organisation
    name = f"{organisation.name}{year}年度继续教育材料"
    return Target(Kind.PACKAGE, parts, name, owner_organisation=organisation, source=organisation, skipped=skipped)
