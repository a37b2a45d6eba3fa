"""The provincial catalogue: topics, learning platforms, teachers and courses."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.formats import format_hours
from portal.uploads import upload_to

from .frozen import FrozenFiguresMixin

# A single course longer than this is a data-entry mistake, not a course (the whole year
# asks for 90 hours).
MAX_COURSE_HOURS = Decimal("200.0")


class Category(models.TextChoices):
    PUBLIC = "public", _("公需课")
    PROFESSIONAL = "professional", _("专业课")


class Mode(models.TextChoices):
    ONLINE = "online", _("线上（远程教育）")
    OFFLINE = "offline", _("线下培训")


class Topic(models.Model):
    """A public-subject topic of one year's notice (公需科目学习内容), kept as data."""

    class Group(models.TextChoices):
        REQUIRED = "required", _("重点专题系列")
        EMPHASISED = "emphasised", _("加强学习专题系列")
        ELECTIVE = "elective", _("自主选学内容")

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    group = models.CharField(_("类别"), max_length=16, choices=Group.choices)
    name = models.CharField(_("专题名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("公需课专题")
        verbose_name_plural = _("公需课专题")
        ordering = ["year", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="topic_unique_per_year")]

    def __str__(self):
        return f"{self.year} {self.name}"


class LearningPlatform(models.Model):
    """A unit's online learning platform (继续教育学习平台), with the fields of attachment 2."""

    owner = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="platforms"
    )
    name = models.CharField(_("平台名称"), max_length=128)
    url = models.URLField(_("网络地址"), max_length=300)
    audience = models.CharField(_("培训对象"), max_length=200)
    department = models.CharField(_("负责部门"), max_length=100)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    is_active = models.BooleanField(_("运行中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习平台")
        verbose_name_plural = _("学习平台")
        ordering = ["owner_id", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="platform_unique_name_per_owner")]

    def __str__(self):
        return self.name


class Teacher(models.Model):
    """A course's teacher (授课教师), recorded by the unit that provides the course.

    The teacher's workplace is an organisation (`current_unit`, plus `former_units`), so the
    evaluation detects an expert who is the teacher's colleague. `unit` keeps the free text only
    for a workplace not registered in the portal. `id_number` is what the provider proposes the
    teacher's account by; `user` is set only when that person confirms the link on their own
    page (`courses.services.confirm_teacher_link`): only a confirmed link brings the notice's
    teaching credit and excludes the person from reviewing the course."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("录入单位"), on_delete=models.PROTECT, related_name="teachers"
    )
    name = models.CharField(_("姓名"), max_length=64)
    professional_title = models.CharField(_("职称"), max_length=64, blank=True)
    current_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_teachers",
    )
    former_units = models.ManyToManyField(
        Organisation, verbose_name=_("曾任职单位"), blank=True, related_name="former_teachers"
    )
    unit = models.CharField(
        _("工作单位（平台未登记时填写）"), max_length=128, blank=True, help_text=_("工作单位未在平台登记时填写名称。")
    )
    bio = models.TextField(_("简介"), blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("关联账号（本人已确认）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teacher_profiles",
    )
    link_confirmed_at = models.DateTimeField(_("本人确认时间"), null=True, blank=True)
    link_declined_at = models.DateTimeField(_("本人拒绝时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("授课教师")
        verbose_name_plural = _("授课教师")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def unit_name(self) -> str:
        return self.current_unit.name if self.current_unit_id else self.unit


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def offered_in(self, year: int):
        return self.filter(year_from__lte=year, year_to__gte=year)


class Course(FrozenFiguresMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已下线")

    title = models.CharField(_("课程名称"), max_length=200)
    category = models.CharField(_("科目类别"), max_length=16, choices=Category.choices, db_index=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("公需课专题"), null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    sector = models.ForeignKey(
        Organisation,
        verbose_name=_("所属行业（行业主管部门）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sector_courses",
        limit_choices_to={"kind": Organisation.Kind.INDUSTRY_DEPARTMENT},
    )
    hours = models.DecimalField(
        _("学时"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_COURSE_HOURS)],
    )
    mode = models.CharField(_("学习形式"), max_length=16, choices=Mode.choices)
    provider = models.ForeignKey(
        Organisation, verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="courses"
    )
    platform = models.ForeignKey(
        LearningPlatform,
        verbose_name=_("所在学习平台"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    url = models.URLField(_("学习网址"), max_length=300, blank=True)
    description = models.TextField(_("课程简介"), blank=True)
    teachers = models.ManyToManyField(Teacher, verbose_name=_("授课教师"), blank=True, related_name="courses")
    year_from = models.PositiveSmallIntegerField(_("开课起始年度"))
    year_to = models.PositiveSmallIntegerField(_("开课截止年度"))
    is_original = models.BooleanField(_("原创课程"), default=False)
    copyright_holder = models.CharField(_("版权所有者"), max_length=128, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Set with the first approved hour record naming the course (courses.frozen); never cleared.
    frozen_at = models.DateTimeField(_("学时计入（锁定）时间"), null=True, blank=True, editable=False)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["-year_to", "title", "id"]
        constraints = [
            models.CheckConstraint(
                name="course_hours_in_range", condition=Q(hours__gt=0) & Q(hours__lte=MAX_COURSE_HOURS)
            ),
            models.CheckConstraint(name="course_years_ordered", condition=Q(year_from__lte=models.F("year_to"))),
            models.CheckConstraint(
                name="course_public_has_topic", condition=~Q(category="public") | Q(topic__isnull=False)
            ),
        ]
        indexes = [
            # The public catalogue: published courses of a category offered in a year.
            models.Index(fields=["status", "category", "year_to", "year_from"], name="course_catalogue"),
            # The catalogue's page order (selectors.CATALOGUE_ORDER): a page's ids are read off the index
            # instead of sorting every published course by title; with the years included (PostgreSQL) even
            # the last page of 20,000 courses is an index-only scan.
            models.Index(
                fields=["category", "title", "id"],
                include=["year_from", "year_to"],
                condition=Q(status="published"),
                name="course_catalogue_order",
            ),
            # A professional's plan (selectors.courses_for_gap) ranks this year's courses by category, length
            # and title: read in that order, filters included, without touching the table (PostgreSQL).
            models.Index(
                fields=["category", "hours", "title", "id"],
                include=["year_from", "year_to", "mode", "end_date", "sector"],
                condition=Q(status="published"),
                name="course_gap_order",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.category == Category.PUBLIC


class StudyGuide(models.Model):
    """A provincial industry department's study guide for one year (学习指南, attachment 1).

    The learning content (一、学习内容) is a tree of `StudyGuideSection`s; the other three parts
    of attachment 1 are plain text.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    department = models.ForeignKey(
        Organisation,
        verbose_name=_("行业主管部门"),
        on_delete=models.PROTECT,
        related_name="study_guides",
        limit_choices_to={"kind": Organisation.Kind.INDUSTRY_DEPARTMENT},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    hours_requirement = models.TextField(_("学时要求"), blank=True)
    learning_forms = models.TextField(_("学习形式"), blank=True)
    related_requirements = models.TextField(_("相关要求"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习指南")
        verbose_name_plural = _("学习指南")
        ordering = ["-year", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="guide_one_per_department_year"),
            models.CheckConstraint(
                name="guide_published_has_time", condition=~Q(status="published") | Q(published_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StudyGuideSection(models.Model):
    """One heading of 一、学习内容: level 1 is (一), level 2 is 1., level 3 is (1)."""

    guide = models.ForeignKey(StudyGuide, verbose_name=_("学习指南"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级标题"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"), validators=[MinValueValidator(1), MaxValueValidator(3)])
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    heading = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)

    class Meta:
        verbose_name = _("学习内容条目")
        verbose_name_plural = _("学习内容条目")
        ordering = ["guide_id", "level", "order", "id"]
        constraints = [
            models.CheckConstraint(name="guide_section_level_1_to_3", condition=Q(level__gte=1) & Q(level__lte=3)),
            models.CheckConstraint(
                name="guide_section_top_level_has_no_parent",
                condition=(Q(level=1) & Q(parent__isnull=True)) | (Q(level__gt=1) & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.heading


class WorkPlan(models.Model):
    """A CE base's annual work plan (继续教育工作计划), decided by its managing unit (base.parent)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已同意")
        RETURNED = "returned", _("已退回")

    base = models.ForeignKey(
        Organisation,
        verbose_name=_("继续教育基地"),
        on_delete=models.PROTECT,
        related_name="work_plans",
        limit_choices_to={"kind": Organisation.Kind.CE_BASE},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("计划内容"), blank=True)
    file = models.FileField(_("计划文件"), upload_to=upload_to("work_plans"), blank=True, max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("退回理由/审核意见"), blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # The managing unit may trust the base's own reporting: then offline training rows under this
    # plan count on arrival instead of waiting for each person's employer (credits intake).
    approved_on_arrival = models.BooleanField(
        _("线下培训学时登记即生效"),
        default=False,
        help_text=_("管理单位同意计划时勾选：本计划所列线下培训的学时登记后直接计入，无需用人单位审核。"),
    )

    class Meta:
        verbose_name = _("继续教育基地年度工作计划")
        verbose_name_plural = _("继续教育基地年度工作计划")
        ordering = ["-year", "base_id"]
        constraints = [
            models.UniqueConstraint(fields=["base", "year"], name="work_plan_one_per_base_year"),
            models.CheckConstraint(
                name="work_plan_returned_has_reason", condition=~Q(status="returned") | ~Q(reason="")
            ),
            models.CheckConstraint(
                name="work_plan_on_arrival_only_approved",
                condition=Q(approved_on_arrival=False) | Q(status="approved"),
            ),
        ]

    def __str__(self):
        return self.title


class WorkPlanTraining(models.Model):
    """One offline training (线下培训) listed in a base's work plan. Once the plan is approved, the base
    may credit attendance at it, up to its hours, in its category (credits.services.intake)."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("培训名称"), max_length=200)
    hours = models.DecimalField(
        _("学时"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_COURSE_HOURS)],
    )
    category = models.CharField(_("科目类别"), max_length=16, choices=Category.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作计划培训项目")
        verbose_name_plural = _("工作计划培训项目")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="work_plan_training_unique_title"),
            models.CheckConstraint(
                name="work_plan_training_hours_in_range", condition=Q(hours__gt=0) & Q(hours__lte=MAX_COURSE_HOURS)
            ),
        ]

    def __str__(self):
        return f"{self.title}（{format_hours(self.hours)}学时）"
