"""The yearly quality online public course evaluation (优质在线公需课评选).

A campaign moves forward through its phases (recommendation, expert review, public voting,
public notice with objections, confirmation, publication). Weights, limits, deadlines and the
scoring rubric are data on the campaign, edited by the association.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.uploads import upload_to


class Phase(models.TextChoices):
    RECOMMENDATION = "recommendation", _("单位推荐")
    REVIEW = "review", _("专家评审")
    VOTING = "voting", _("网络投票")
    OBJECTION = "objection", _("结果公示")
    CONFIRMED = "confirmed", _("结果已确认")
    PUBLISHED = "published", _("结果已发布")


# Phases only move forward, in this order.
PHASE_ORDER = [
    Phase.RECOMMENDATION,
    Phase.REVIEW,
    Phase.VOTING,
    Phase.OBJECTION,
    Phase.CONFIRMED,
    Phase.PUBLISHED,
]


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(Phase(phase))


class TieRule(models.TextChoices):
    """How equal combined scores are ordered; whatever stays tied shares a rank, and a tie across
    the selection line is decided by the association with a recorded reason."""

    EXPERT_THEN_VOTES = "expert_then_votes", _("综合得分相同时，专家评分高者在前；再相同时，得票多者在前")
    VOTES_THEN_EXPERT = "votes_then_expert", _("综合得分相同时，得票多者在前；再相同时，专家评分高者在前")


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    phase = models.CharField(_("当前阶段"), max_length=16, choices=Phase.choices, default=Phase.RECOMMENDATION)
    recommendation_deadline = models.DateTimeField(_("推荐截止时间"))
    review_start = models.DateTimeField(_("专家评审开始"))
    review_end = models.DateTimeField(_("专家评审结束"))
    voting_start = models.DateTimeField(_("网络投票开始"))
    voting_end = models.DateTimeField(_("网络投票结束"))
    objection_start = models.DateTimeField(_("公示开始"), null=True, blank=True)
    objection_end = models.DateTimeField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    expert_weight = models.DecimalField(
        _("专家评审权重"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.700"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    vote_weight = models.DecimalField(
        _("网络投票权重"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    select_count = models.PositiveSmallIntegerField(_("入选课程数"), null=True, blank=True)
    min_combined_score = models.DecimalField(
        _("入选最低综合得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    min_expert_scores = models.PositiveSmallIntegerField(
        _("参与排名的最少专家评分数"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("专家评分少于该数的课程不参与排名，标为“专家评分不足”。"),
    )
    tie_rule = models.CharField(
        _("同分规则"), max_length=32, choices=TieRule.choices, default=TieRule.EXPERT_THEN_VOTES
    )
    blind_review = models.BooleanField(
        _("匿名评审"), default=True, help_text=_("开启后，评审专家看不到推荐单位和授课教师姓名。")
    )
    votes_per_voter = models.PositiveSmallIntegerField(_("每人可投课程数"), default=10)
    experts_per_course = models.PositiveSmallIntegerField(_("每门课程评审专家数"), default=5)
    drop_extremes_min_experts = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少专家数"), default=5, help_text=_("评审专家达到该人数时，去掉一个最高分和一个最低分。")
    )
    outlier_threshold = models.DecimalField(
        _("专家评分偏离阈值"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text=_("专家总分与其他专家平均分的平均偏差超过该值（百分制）时提示管理员。"),
    )
    anomaly_votes_per_hour = models.PositiveIntegerField(
        _("同单位每小时投票异常阈值"), default=30, help_text=_("同一用人单位人员一小时内投票数达到该值时提示。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="campaign_select_rule_given",
                condition=Q(select_count__isnull=False) | Q(min_combined_score__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def phase_index(self) -> int:
        return phase_index(self.phase)

    def is_past(self, phase: str) -> bool:
        return self.phase_index > phase_index(phase)

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED

    @property
    def results_public(self) -> bool:
        """The ranking is public from the public notice (公示) on; final once published."""
        return self.is_past(Phase.VOTING)


class PhaseTransition(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(_("原阶段"), max_length=16, choices=Phase.choices)
    to_phase = models.CharField(_("新阶段"), max_length=16, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the phase ended before its published end, or moved on with courses lacking scores.
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更记录")
        verbose_name_plural = _("阶段变更记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.from_phase} -> {self.to_phase}"


class Criterion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("代码"), max_length=32)
    label = models.CharField(_("评审指标"), max_length=100)
    max_score = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评审指标")
        verbose_name_plural = _("评审指标")
        ordering = ["campaign_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="criterion_unique_code")]

    def __str__(self):
        return self.label


class Recommendation(models.Model):
    """One row of attachment 3 (优质在线公需课推荐表) with its unit and course."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        WITHDRAWN = "withdrawn", _("已撤回")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="recommendations")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("课程"), on_delete=models.PROTECT, related_name="recommendations"
    )

    class Copyright(models.TextChoices):
        OWN = "own", _("推荐单位拥有版权")
        LICENSED = "licensed", _("已获版权所有者授权（上传授权书）")

    # Attachment 3's "课程及师资简介" is both parts; blind review shows experts only the first.
    intro = models.TextField(_("课程简介"))
    teacher_intro = models.TextField(_("师资简介"), blank=True)
    is_original = models.BooleanField(_("原创性资源"), default=False)
    copyright = models.CharField(_("版权"), max_length=16, choices=Copyright.choices, default=Copyright.OWN)
    licence = models.FileField(_("版权授权书（PDF）"), upload_to=upload_to("selection/licences"), blank=True)
    learner_count = models.PositiveIntegerField(_("平台学习人数"), null=True, blank=True)
    rating = models.DecimalField(
        _("平台学员评价（满分5分）"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    study_url = models.URLField(_("学习网址"), max_length=300)
    test_account = models.CharField(_("测试账号（供专家评审用）"), max_length=100, blank=True)
    test_password = models.CharField(_("测试密码"), max_length=100, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    filler_name = models.CharField(_("填报人"), max_length=64, blank=True)
    filler_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐课程")
        verbose_name_plural = _("推荐课程")
        ordering = ["campaign_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "course"], name="recommendation_once_per_course")]

    def __str__(self):
        return f"{self.course} · {self.organisation}"


class Pledge(models.Model):
    """Attachment 4 (知识产权保护承诺书), signed by the unit's head."""

    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="pledge")
    signatory = models.CharField(_("单位负责人"), max_length=64)
    signed_on = models.DateField(_("签署日期"))
    owns_full_ip = models.BooleanField(_("对课程（文档、源文件、图片、视频等）拥有完全的知识产权"), default=False)
    no_plagiarism = models.BooleanField(_("无剽窃、抄袭等侵犯他人知识产权现象"), default=False)
    bears_liability = models.BooleanField(_("如引起法律纠纷，法律责任由本单位承担"), default=False)
    scan = models.FileField(_("盖章承诺书扫描件（PDF）"), upload_to=upload_to("selection/pledges"), blank=True)

    class Meta:
        verbose_name = _("知识产权保护承诺书")
        verbose_name_plural = _("知识产权保护承诺书")

    def __str__(self):
        return f"{self.recommendation_id} · {self.signatory}"

    @property
    def all_clauses_confirmed(self) -> bool:
        return self.owns_full_ip and self.no_plagiarism and self.bears_liability


class Assignment(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["recommendation_id", "id"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "expert"], name="assignment_unique")]

    def __str__(self):
        return f"{self.recommendation_id} · {self.expert_id}"


class ConflictOfInterest(models.Model):
    class Type(models.TextChoices):
        SAME_UNIT = "same_unit", _("本单位")
        FORMER_UNIT = "former_unit", _("曾任职单位")
        CO_AUTHOR = "co_author", _("合作者")
        TEACHER = "teacher", _("本课程授课教师")
        COLLEAGUE = "colleague", _("与授课教师同单位")
        FORMER_COLLEAGUE = "former_colleague", _("与授课教师曾同单位")
        DECLARED = "declared", _("其他（本人申报）")

    class Source(models.TextChoices):
        DETECTED = "detected", _("系统识别")
        DECLARED = "declared", _("专家申报")

    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="conflicts")
    type = models.CharField(_("回避类型"), max_length=16, choices=Type.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避记录")
        verbose_name_plural = _("回避记录")
        constraints = [
            models.UniqueConstraint(fields=["expert", "recommendation", "type"], name="conflict_unique_type")
        ]

    def __str__(self):
        return f"{self.expert_id} · {self.recommendation_id} · {self.type}"


class Score(models.Model):
    """One expert's scores on one course: `values` maps criterion code to the score given."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="score")
    values = models.JSONField(_("各项得分"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")

    def __str__(self):
        return f"{self.assignment_id}: {self.total}"


class Vote(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="votes")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The voter's employer when voting: the anomaly view groups bursts by employer.
    employer = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        constraints = [models.UniqueConstraint(fields=["recommendation", "voter"], name="vote_once_per_course")]
        indexes = [models.Index(fields=["campaign", "recommendation"], name="vote_campaign_rec")]

    def __str__(self):
        return f"{self.voter_id} -> {self.recommendation_id}"


class VoterBallot(models.Model):
    """A voter's vote counter in a campaign; locked with select_for_update before each vote so
    the per-voter limit holds under concurrent requests."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "voter"], name="ballot_unique_voter")]

    def __str__(self):
        return f"{self.voter_id}: {self.used}"


class Objection(models.Model):
    """An objection (异议) filed during the public notice period (公示)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="objections")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="objections"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.campaign_id} #{self.pk}"


class ResultSnapshot(models.Model):
    """The inputs (scores, votes, weights, rule) a ranking was computed from, with their hash."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    inputs = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign_id} {self.sha256[:12]}"


class Result(models.Model):
    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.CASCADE, related_name="results")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="results")
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True, help_text=_("专家评分不足的课程不排名。"))
    expert_count = models.PositiveSmallIntegerField(_("评分专家数"), default=0)
    expert_score = models.DecimalField(_("专家评分"), max_digits=6, decimal_places=2)
    votes = models.PositiveIntegerField(_("得票数"))
    combined_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    selected = models.BooleanField(_("入选"), default=False)
    # Still tied after the tie rule, across the selection line: the association decides.
    tied_at_line = models.BooleanField(_("入选线并列"), default=False)

    class Meta:
        ordering = ["snapshot_id", models.F("rank").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "recommendation"], name="result_unique_per_snapshot")
        ]

    def __str__(self):
        return f"{self.rank}. {self.recommendation_id}"


class TieDecision(models.Model):
    """The association's decision on courses still tied across the selection line, with its reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tie_decisions")
    tied = models.JSONField(_("并列课程"))
    selected = models.JSONField(_("裁定入选课程"))
    reason = models.TextField(_("裁定理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("并列裁定")
        verbose_name_plural = _("并列裁定")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.selected}"


class ReleasedAssignment(models.Model):
    """A review assignment removed because a conflict of interest appeared after it was made;
    listed for the association (the course is re-assigned automatically while review is open)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="released_assignments")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="released_assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    types = models.JSONField(_("回避类型"))
    had_score = models.BooleanField(_("已评分（评分作废）"), default=False)
    replacements = models.PositiveSmallIntegerField(_("已补充分配专家数"), default=0)
    created_at = models.DateTimeField(_("撤销时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("因回避撤销的评审分配")
        verbose_name_plural = _("因回避撤销的评审分配")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.recommendation_id} · {self.expert_id}"

    @property
    def type_labels(self) -> list[str]:
        return [str(ConflictOfInterest.Type(t).label) for t in self.types if t in ConflictOfInterest.Type.values]


class TeacherPoolEntry(models.Model):
    """山东继续教育师资库: teachers of selected courses."""

    teacher = models.ForeignKey("courses.Teacher", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pool_entries")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("师资库")
        verbose_name_plural = _("师资库")
        ordering = ["-campaign__year", "teacher__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "campaign", "course"], name="pool_unique_entry"),
        ]

    def __str__(self):
        return f"{self.teacher_id} · {self.course_id}"


class ExcellentTeacherCertificate(models.Model):
    """优秀师资特聘证书 issued by the association."""

    teacher = models.ForeignKey("courses.Teacher", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    issued_on = models.DateField(_("颁发日期"))

    class Meta:
        verbose_name = _("优秀师资特聘证书")
        verbose_name_plural = _("优秀师资特聘证书")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["teacher", "campaign"], name="certificate_once_per_year")]

    def __str__(self):
        return self.number
