"""Recommendations by CE bases and city bureaus (attachment 3) with their pledge (attachment 4)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from courses.models import Category, Course, Mode
from portal.deadlines import is_open
from portal.formats import cn_datetime_minutes
from portal.uploads import PDF, validate_upload

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, Phase, Pledge, Recommendation
from ..selectors import recommendable_courses

PLEDGE_MAX_BYTES = 10 * 1024 * 1024
# What a unit fills in on its recommendation (attachment 3 plus eligibility and platform figures).
RECOMMENDATION_FIELDS = (
    "intro",
    "teacher_intro",
    "is_original",
    "copyright",
    "learner_count",
    "rating",
    "study_url",
    "test_account",
    "test_password",
    "notes",
    "filler_name",
    "filler_phone",
)


def check_unit_may_recommend(*, organisation: Organisation) -> None:
    """ "委托山东省继续工程教育协会面向国家级、省级专业技术人员继续教育基地和各市人社局开展优质在线公需课评选。"
    and "未建继续教育学习平台的单位可不推荐。": only CE bases and city bureaus with a platform recommend."""
    kinds = (Organisation.Kind.CE_BASE, Organisation.Kind.CITY_BUREAU)
    if organisation.kind not in kinds:
        raise RuleBroken(_("只有国家级、省级继续教育基地和各市人社局可以推荐课程。"), code="unit_not_eligible")
    if not organisation.platforms.filter(is_active=True).exists():
        raise RuleBroken(_("本单位未建继续教育学习平台，不能推荐课程。"), code="no_platform")


def check_course_is_own_online_public_course(*, organisation: Organisation, course: Course, year: int) -> None:
    """ "在我省国家级、省级专业技术人员继续教育基地和各市人社局继续教育学习平台已上线的公需课程均可推荐参评。"
    The course must be a published public online course on the unit's own platform."""
    if recommendable_courses(organisation=organisation, year=year).filter(pk=course.pk).exists():
        return
    if course.category != Category.PUBLIC:
        message = _("只能推荐公需课，专业课不能参评。")
    elif course.platform_id is None or course.platform.owner_id != organisation.pk:
        message = _("只能推荐本单位学习平台上的课程。")
    elif course.status != Course.Status.PUBLISHED:
        message = _("该课程尚未发布或已下线，不能推荐。")
    elif course.mode != Mode.ONLINE:
        message = _("只能推荐已在学习平台上线的在线课程。")
    else:
        message = _("该课程不在本年度开课范围内，不能推荐。")
    raise RuleBroken(message, code="course_not_recommendable")


def check_before_recommendation_deadline(*, campaign: Campaign) -> None:
    """ "参加优质在线公需课评选的单位请填写《优质在线公需课推荐表》（见附件3）和《知识产权保护承诺书》（见附件4），
    于4月底前报送至山东继续工程教育协会。" """
    if campaign.phase != Phase.RECOMMENDATION or not is_open(deadline=campaign.recommendation_deadline):
        deadline = timezone.localtime(campaign.recommendation_deadline)
        raise RuleBroken(
            _("推荐已截止（截止时间 %(deadline)s），不能再推荐、修改或撤回。")
            % {"deadline": cn_datetime_minutes(deadline)},
            code="recommendation_closed",
        )


def _check_editable(recommendation: Recommendation) -> None:
    if recommendation.status == Recommendation.Status.SUBMITTED:
        raise AlreadyDone(_("推荐已报送，请先撤回再修改。"), code="already_submitted")


@transaction.atomic
def create_recommendation(
    *,
    campaign: Campaign,
    organisation: Organisation,
    course: Course,
    intro: str,
    study_url: str,
    teacher_intro: str = "",
    is_original: bool = False,
    copyright: str = Recommendation.Copyright.OWN,
    learner_count: int | None = None,
    rating=None,
    test_account: str = "",
    test_password: str = "",
    notes: str = "",
    filler_name: str = "",
    filler_phone: str = "",
    actor=None,
) -> Recommendation:
    check_before_recommendation_deadline(campaign=campaign)
    check_unit_may_recommend(organisation=organisation)
    check_course_is_own_online_public_course(organisation=organisation, course=course, year=campaign.year)
    if Recommendation.objects.filter(campaign=campaign, course=course).exists():
        raise AlreadyDone(_("该课程本年度已推荐过。"), code="already_recommended")
    recommendation = Recommendation(
        campaign=campaign,
        organisation=organisation,
        course=course,
        intro=intro,
        teacher_intro=teacher_intro,
        is_original=is_original,
        copyright=copyright,
        learner_count=learner_count,
        rating=rating,
        study_url=study_url,
        test_account=test_account,
        test_password=test_password,
        notes=notes,
        filler_name=filler_name,
        filler_phone=filler_phone,
        created_by=actor,
    )
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def update_recommendation(*, recommendation: Recommendation, **fields) -> Recommendation:
    check_before_recommendation_deadline(campaign=recommendation.campaign)
    _check_editable(recommendation)
    allowed = set(RECOMMENDATION_FIELDS)
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationError(_("不能修改字段 %(name)s。") % {"name": name}, code="field_not_editable")
        setattr(recommendation, name, value)
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def save_pledge(
    *,
    recommendation: Recommendation,
    signatory: str,
    signed_on,
    owns_full_ip: bool,
    no_plagiarism: bool,
    bears_liability: bool,
    scan=None,
) -> Pledge:
    """Attachment 4: "我单位对上述课程（包括但不限于文档、源文件、图片、视频等）拥有完全的知识产权，无剽窃、抄袭等
    侵犯他人知识产权现象，如引起任何法律纠纷，其法律责任由本单位承担。" """
    check_before_recommendation_deadline(campaign=recommendation.campaign)
    _check_editable(recommendation)
    if not signatory.strip():
        raise ValidationError({"signatory": _("请填写单位负责人姓名。")}, code="required")
    if scan is not None:
        validate_upload(scan, allowed={PDF}, max_bytes=PLEDGE_MAX_BYTES)
    pledge, _created = Pledge.objects.update_or_create(
        recommendation=recommendation,
        defaults={
            "signatory": signatory.strip(),
            "signed_on": signed_on,
            "owns_full_ip": owns_full_ip,
            "no_plagiarism": no_plagiarism,
            "bears_liability": bears_liability,
        },
    )
    if scan is not None:
        pledge.scan.save(getattr(scan, "name", "pledge.pdf"), scan, save=True)
    return pledge


@transaction.atomic
def save_licence(*, recommendation: Recommendation, licence) -> Recommendation:
    """The copyright holder's licence (PDF), needed when the unit does not hold the copyright itself."""
    check_before_recommendation_deadline(campaign=recommendation.campaign)
    _check_editable(recommendation)
    validate_upload(licence, allowed={PDF}, max_bytes=PLEDGE_MAX_BYTES)
    recommendation.licence.save(getattr(licence, "name", "licence.pdf"), licence, save=True)
    return recommendation


def check_original_with_copyright(*, recommendation: Recommendation) -> None:
    """ "推荐的课程应为原创性资源，推荐单位拥有版权": an original resource whose copyright the unit
    holds, or whose holder's licence is uploaded with the recommendation."""
    if not recommendation.is_original or not recommendation.course.is_original:
        raise RuleBroken(_("只能推荐原创性资源。"), code="not_original")
    organisation = recommendation.organisation
    holder = recommendation.course.copyright_holder.strip()
    own = not holder or holder in (organisation.name, organisation.short_name)
    if recommendation.copyright == Recommendation.Copyright.OWN and not own:
        raise RuleBroken(
            _("课程版权属于“%(holder)s”，推荐单位不拥有版权，请上传版权授权书。") % {"holder": holder},
            code="copyright_not_own",
        )
    if recommendation.copyright == Recommendation.Copyright.LICENSED and not recommendation.licence:
        raise RuleBroken(_("请上传版权所有者的授权书（PDF）。"), code="licence_missing")


def check_platform_figures(*, recommendation: Recommendation) -> None:
    """ "推荐质量高、反响好、学习人数较多的公需课": the platform's learner count and rating go with it."""
    if recommendation.learner_count is None or recommendation.rating is None:
        raise RuleBroken(_("请填写该课程在本单位平台的学习人数和学员评价。"), code="platform_figures_missing")


@transaction.atomic
def submit_recommendation(*, recommendation: Recommendation, actor=None) -> Recommendation:
    """ "推荐的课程应为原创性资源，推荐单位拥有版权": a recommendation is sent with the signed pledge,
    every clause confirmed and the stamped scan attached."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    check_before_recommendation_deadline(campaign=recommendation.campaign)
    _check_editable(recommendation)
    check_course_is_own_online_public_course(
        organisation=recommendation.organisation, course=recommendation.course, year=recommendation.campaign.year
    )
    check_original_with_copyright(recommendation=recommendation)
    check_platform_figures(recommendation=recommendation)
    pledge = Pledge.objects.filter(recommendation=recommendation).first()
    if pledge is None or not pledge.all_clauses_confirmed:
        raise RuleBroken(_("请先填写《知识产权保护承诺书》并确认全部条款。"), code="pledge_missing")
    if not pledge.scan:
        raise RuleBroken(_("请上传盖章的《知识产权保护承诺书》扫描件（PDF）。"), code="pledge_scan_missing")
    recommendation.status = Recommendation.Status.SUBMITTED
    recommendation.submitted_at = timezone.now()
    recommendation.save(update_fields=["status", "submitted_at"])
    return recommendation


@transaction.atomic
def withdraw_recommendation(*, recommendation: Recommendation, actor=None) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    check_before_recommendation_deadline(campaign=recommendation.campaign)
    if recommendation.status != Recommendation.Status.SUBMITTED:
        raise RuleBroken(_("只有已报送的推荐可以撤回。"), code="not_submitted")
    recommendation.status = Recommendation.Status.WITHDRAWN
    recommendation.save(update_fields=["status"])
    return recommendation
