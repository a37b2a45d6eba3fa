"""Reads: the dataclass of each document from the other apps' models, and the user's jobs and files.

The adapters read other apps' models (never write them); each raises DocumentInputError with a
Chinese message when the data can't make the document.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role
from accounts.rules import ADMIN_ROLES
from accounts.selectors import has_role, organisation_ids_with_role
from courses.models import LearningPlatform, StudyGuide
from selection.models import ExcellentTeacherCertificate, TeacherPoolEntry
from selection.selectors import submitted_recommendations_of

from .data import (
    FormFooter,
    GuideDoc,
    GuideSection,
    HoursCertificateDoc,
    PlatformRow,
    PlatformTableDoc,
    PledgeDoc,
    RecommendationRow,
    RecommendationTableDoc,
    TeacherCertificateDoc,
    TeacherLine,
)
from .generators import DocumentInputError, cn_number
from .models import DocumentJob, GeneratedDocument, stale_jobs

# The attachment 1 headings after 一、学习内容, and the StudyGuide fields that fill them.
GUIDE_TEXT_PARTS = (
    ("学时要求", "hours_requirement"),
    ("学习形式", "learning_forms"),
    ("相关要求", "related_requirements"),
)


def _guide_content(sections: list) -> tuple[GuideSection, ...]:
    """The 学习内容 tree: model level 1 （一）, level 2 1., level 3 （1） (shown as level 3)."""
    by_parent: dict[int | None, list] = {}
    for s in sorted(sections, key=lambda s: (s.order, s.id)):
        by_parent.setdefault(s.parent_id, []).append(s)

    def build(parent_id, depth) -> tuple[GuideSection, ...]:
        out = []
        for i, s in enumerate(by_parent.get(parent_id, []), start=1):
            if depth == 1:
                heading = f"（{cn_number(i)}）{s.heading}"
            elif depth == 2:
                heading = f"{i}.{s.heading}"
            else:
                heading = f"（{i}）{s.heading}"
            out.append(GuideSection(min(depth + 1, 3), heading, s.body, build(s.id, depth + 1)))
        return tuple(out)

    return build(None, 1)


def guide_doc(guide) -> GuideDoc:
    """Attachment 1 from a courses.StudyGuide."""
    content = _guide_content(list(guide.sections.all()))
    parts = [GuideSection(1, "学习内容", "", content)]
    parts += [GuideSection(1, heading, getattr(guide, field) or "") for heading, field in GUIDE_TEXT_PARTS]
    return GuideDoc(year=guide.year, unit_name=guide.department.name, sections=tuple(parts), title=guide.title)


def platform_table_doc(organisation: Organisation) -> PlatformTableDoc:
    platforms = list(LearningPlatform.objects.filter(owner=organisation, is_active=True).order_by("name", "id"))
    # 填报日期: when the unit last filled in its platforms, not the day the file is made.
    filled_on = timezone.localdate(max(p.updated_at for p in platforms)) if platforms else None
    return PlatformTableDoc(
        unit_name=organisation.name,
        platforms=tuple(PlatformRow(p.name, p.url, p.audience, p.department, p.notes) for p in platforms),
        footer=FormFooter(organisation.contact_person, organisation.contact_phone, filled_on),
    )


def recommendations_of(organisation: Organisation, year: int) -> QuerySet:
    """What the unit sends to the association: its submitted recommendations of the year (the
    rows of attachment 3, one attachment 4 each); drafts and withdrawn ones are not sent."""
    return submitted_recommendations_of(organisation=organisation, year=year)


def recommendation_table_doc(organisation: Organisation, year: int) -> RecommendationTableDoc:
    recs = list(recommendations_of(organisation, year).prefetch_related("course__teachers"))
    first = recs[0] if recs else None
    # 填报日期: the day the unit sent its (last) recommendation.
    sent = [r.submitted_at for r in recs if r.submitted_at]
    return RecommendationTableDoc(
        unit_name=organisation.name,
        year=year,
        recommendations=tuple(
            RecommendationRow(
                r.course.title,
                r.intro,
                r.study_url,
                _test_account(r),
                r.notes,
                teacher_intro=r.teacher_intro,
                teachers=tuple(
                    TeacherLine(t.name, t.professional_title, t.bio)
                    for t in sorted(r.course.teachers.all(), key=lambda t: (t.name, t.pk))
                ),
            )
            for r in recs
        ),
        footer=FormFooter(
            (first.filler_name if first else "") or organisation.contact_person,
            (first.filler_phone if first else "") or organisation.contact_phone,
            timezone.localdate(max(sent)) if sent else None,
        ),
    )


def _test_account(recommendation) -> str:
    if recommendation.test_password:
        return _("账号：%(a)s\n密码：%(p)s") % {"a": recommendation.test_account, "p": recommendation.test_password}
    return recommendation.test_account


def pledge_doc(recommendation) -> PledgeDoc:
    """Attachment 4 for one recommendation; its pledge (signatory, date) must have been filled in."""
    try:
        pledge = recommendation.pledge
    except ObjectDoesNotExist:
        pledge = None
    if pledge is None:
        raise DocumentInputError(
            _("推荐课程《%(course)s》尚未填写知识产权保护承诺书（单位负责人、签署日期），无法生成附件4。")
            % {"course": recommendation.course.title}
        )
    return PledgeDoc(
        unit_name=recommendation.organisation.name,
        course_title=recommendation.course.title,
        year=recommendation.campaign.year,
        signatory=pledge.signatory,
        signed_on=pledge.signed_on,
    )


def hours_certificate_doc(certificate, verify_url: str) -> HoursCertificateDoc:
    """学时证明 from credits.HoursCertificate: a snapshot that already holds the masked ID number only."""
    return HoursCertificateDoc(
        name=certificate.name,
        masked_id_number=certificate.masked_id_number,
        employer=certificate.employer_name,
        year=certificate.year,
        public_hours=certificate.public_hours,
        professional_hours=certificate.professional_hours,
        total_hours=certificate.total_hours,
        required_public=certificate.required_public,
        required_professional=certificate.required_professional,
        required_total=certificate.required_total,
        compliant=True,
        code=certificate.code,
        verify_url=verify_url,
        issued_on=timezone.localdate(certificate.issued_at),
    )


def teacher_certificate_for(teacher, year: int | None = None):
    """The teacher's latest 优秀师资特聘证书 (of `year` if given)."""
    certificates = ExcellentTeacherCertificate.objects.filter(teacher=teacher).select_related("campaign", "teacher")
    if year:
        certificates = certificates.filter(campaign__year=year)
    certificate = certificates.order_by("-campaign__year", "-id").first()
    if certificate is None:
        raise DocumentInputError(_("%(name)s尚未获颁优秀师资特聘证书。") % {"name": teacher.name})
    if certificate.revoked_at is not None:
        raise DocumentInputError(
            _("%(name)s的优秀师资特聘证书 %(n)s 已撤销（评选结果更正）。")
            % {"name": teacher.name, "n": certificate.number}
        )
    return certificate


def teacher_certificate_doc(certificate) -> TeacherCertificateDoc:
    entries = TeacherPoolEntry.objects.filter(teacher=certificate.teacher, campaign=certificate.campaign)
    titles = [e.course.title for e in entries.select_related("course").order_by("id")]
    return TeacherCertificateDoc(
        teacher_name=certificate.teacher.name,
        teacher_unit=certificate.teacher.unit,
        course_title="》《".join(titles) or "—",
        year=certificate.campaign.year,
        number=certificate.number,
        issued_on=certificate.issued_on,
    )


def admin_organisation_ids(user) -> list[int]:
    return sorted({i for role in ADMIN_ROLES for i in organisation_ids_with_role(user, role)})


def jobs_of(user) -> QuerySet[DocumentJob]:
    """The jobs a user started (the only ones their pages show)."""
    return DocumentJob.objects.filter(requested_by=user).select_related("result", "organisation")


def running_jobs_of(user) -> QuerySet[DocumentJob]:
    """The user's jobs still queued or running and still making progress (a stale one is not
    waited for: its worker is gone, see documents.models.stale_jobs)."""
    return (
        jobs_of(user)
        .filter(status__in=[DocumentJob.Status.PENDING, DocumentJob.Status.RUNNING])
        .exclude(stale_jobs(timezone.now()))
    )


def documents_visible_to(user) -> QuerySet[GeneratedDocument]:
    """Files a user may download: their own, their unit's, or any for provincial staff."""
    if has_role(user, Role.PROVINCE_STAFF):
        return GeneratedDocument.objects.all()
    query = Q(owner_user=user) | Q(owner_organisation_id__in=admin_organisation_ids(user))
    if has_role(user, Role.ASSOCIATION_ADMIN):
        query |= Q(kind__in=["attachment3", "attachment4", "teacher_certificate"])
    # Blank templates belong to no one: anyone who may generate documents may fetch them.
    query |= Q(kind="attachment1", source_id__isnull=True)
    return GeneratedDocument.objects.filter(query)


def generator_options(user, *, year: int) -> list[dict]:
    """What the documents page offers this user: [{"label", "kind", "object_id", "year", "package"}]."""
    options: list[dict] = []
    unit_roles = (Role.DEPARTMENT_STAFF, Role.BASE_ADMIN, Role.CITY_STAFF, Role.PROVINCE_STAFF)
    if any(has_role(user, r) for r in unit_roles):
        options.append({"label": _("附件1 学习指南（空白参考格式）"), "kind": "attachment1", "object_id": None})
    department_ids = organisation_ids_with_role(user, Role.DEPARTMENT_STAFF)
    for guide in StudyGuide.objects.filter(department_id__in=department_ids).select_related("department"):
        options.append(
            {
                "label": _("附件1 %(year)s年度学习指南（%(unit)s）")
                % {"year": guide.year, "unit": guide.department.name},
                "kind": "attachment1",
                "object_id": guide.pk,
            }
        )
    unit_ids = [
        i
        for r in (Role.DEPARTMENT_STAFF, Role.BASE_ADMIN, Role.CITY_STAFF)
        for i in organisation_ids_with_role(user, r)
    ]
    units = list(Organisation.objects.filter(pk__in=unit_ids).order_by("name"))
    for unit in units:
        options.append(
            {
                "label": _("附件2 学习平台信息统计表（%(u)s）") % {"u": unit.name},
                "kind": "attachment2",
                "object_id": unit.pk,
            }
        )
        options.append(
            {
                "label": _("附件3 %(y)s年度优质在线公需课推荐表（%(u)s）") % {"y": year, "u": unit.name},
                "kind": "attachment3",
                "object_id": unit.pk,
                "year": year,
            }
        )
    # The pledges a unit sends: one per submitted recommendation (drafts are not sent).
    recommendations = [rec for unit in units for rec in recommendations_of(unit, year)]
    for rec in recommendations:
        options.append(
            {
                "label": _("附件4 知识产权保护承诺书《%(c)s》") % {"c": rec.course.title},
                "kind": "attachment4",
                "object_id": rec.pk,
            }
        )
    for unit in units:
        options.append(
            {
                "label": _("%(u)s%(y)s年度继续教育材料（附件1-4，Word+PDF 压缩包）") % {"u": unit.name, "y": year},
                "kind": "package",
                "object_id": unit.pk,
                "year": year,
                "package": True,
            }
        )
    if has_role(user, Role.PROFESSIONAL):
        options.append(
            {
                "label": _("%(y)s年度学时证明") % {"y": year},
                "kind": "hours_certificate",
                "object_id": user.pk,
                "year": year,
            }
        )
    certificates = ExcellentTeacherCertificate.objects.select_related("teacher", "campaign")
    if not has_role(user, Role.ASSOCIATION_ADMIN):
        certificates = certificates.filter(teacher__user=user)
    for certificate in certificates.filter(campaign__year=year).order_by("number")[:200]:
        options.append(
            {
                "label": _("优秀师资特聘证书 %(n)s（%(t)s）")
                % {"n": certificate.number, "t": certificate.teacher.name}
                + (_("（已撤销）") if certificate.revoked_at else ""),
                "kind": "teacher_certificate",
                "object_id": certificate.teacher_id,
                "year": year,
            }
        )
    return options
