"""People, units (单位) and the roles people hold in units."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .validators import mask_id_number, mask_phone, normalise_id_number, validate_id_number


class City(models.TextChoices):
    """The 16 prefecture-level cities of Shandong (设区的市)."""

    JINAN = "jinan", _("济南市")
    QINGDAO = "qingdao", _("青岛市")
    ZIBO = "zibo", _("淄博市")
    ZAOZHUANG = "zaozhuang", _("枣庄市")
    DONGYING = "dongying", _("东营市")
    YANTAI = "yantai", _("烟台市")
    WEIFANG = "weifang", _("潍坊市")
    JINING = "jining", _("济宁市")
    TAIAN = "taian", _("泰安市")
    WEIHAI = "weihai", _("威海市")
    RIZHAO = "rizhao", _("日照市")
    LINYI = "linyi", _("临沂市")
    DEZHOU = "dezhou", _("德州市")
    LIAOCHENG = "liaocheng", _("聊城市")
    BINZHOU = "binzhou", _("滨州市")
    HEZE = "heze", _("菏泽市")


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """Anyone who logs in. A professional also has a resident ID number (身份证号)."""

    name = models.CharField(_("姓名"), max_length=64, blank=True)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
        help_text=_("18位居民身份证号码，用于登录和学时归档。"),
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Real-name verification (实名认证): only verified professionals may vote in the poll.
    is_verified = models.BooleanField(_("已实名认证"), default=False)
    # Raised to end every browser session opened before (a lockout, see accounts.signals): it is
    # part of the session's auth hash, which Django checks on every request.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
        else:
            self.id_number = None

    def _get_session_auth_hash(self, secret=None):
        # Generation 0 keeps Django's own hash, so sessions opened before this field existed last.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def save(self, *args, **kwargs):
        # Store one spelling only, so uniqueness can't be dodged with a lower-case x.
        self.id_number = normalise_id_number(self.id_number) or None
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Organisation(models.Model):
    """A unit (单位): a bureau, a department, a CE base, an employer or the association."""

    class Kind(models.TextChoices):
        PROVINCIAL_BUREAU = "provincial_bureau", _("省人社厅")
        CITY_BUREAU = "city_bureau", _("市人社局")
        INDUSTRY_DEPARTMENT = "industry_department", _("省级行业主管部门")
        CE_BASE = "ce_base", _("继续教育基地")
        EMPLOYER = "employer", _("用人单位")
        ASSOCIATION = "association", _("山东省继续工程教育协会")

    class BaseLevel(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")

    class Sector(models.TextChoices):
        """The industries whose provincial departments publish a study guide (专业科目由各省级行业主管部门
        制定学习指南): a department and the employers of its industry share one."""

        EDUCATION = "education", _("教育")
        HEALTH = "health", _("卫生健康")
        HOUSING = "housing", _("住房和城乡建设")
        INDUSTRY = "industry", _("工业和信息化")
        TRANSPORT = "transport", _("交通运输")
        AGRICULTURE = "agriculture", _("农业农村")
        WATER = "water", _("水利")
        NATURAL_RESOURCES = "natural_resources", _("自然资源")

    name = models.CharField(_("单位名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("单位类型"), max_length=32, choices=Kind.choices, db_index=True)
    base_level = models.CharField(
        _("基地级别"),
        max_length=16,
        choices=BaseLevel.choices,
        blank=True,
        help_text=_("仅继续教育基地填写。"),
    )
    city = models.CharField(_("所在市"), max_length=16, choices=City.choices, blank=True, db_index=True)
    sector = models.CharField(
        _("所属行业"),
        max_length=32,
        choices=Sector.choices,
        blank=True,
        db_index=True,
        help_text=_("行业主管部门和用人单位填写：行业主管部门的专门学习要求只适用于同一行业的用人单位。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级/管理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="org_base_level_only_for_bases",
                condition=Q(kind="ce_base", base_level__in=["national", "provincial"])
                | (~Q(kind="ce_base") & Q(base_level="")),
            ),
            models.CheckConstraint(
                name="org_city_bureau_has_city",
                condition=~Q(kind="city_bureau") | ~Q(city=""),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_ce_base(self) -> bool:
        return self.kind == self.Kind.CE_BASE


class Role(models.TextChoices):
    """What a membership lets a user do in its organisation."""

    PROFESSIONAL = "professional", _("专业技术人员")
    EMPLOYER_ADMIN = "employer_admin", _("用人单位管理员")
    CITY_STAFF = "city_staff", _("市人社局工作人员")
    PROVINCE_STAFF = "province_staff", _("省人社厅工作人员")
    DEPARTMENT_STAFF = "department_staff", _("行业主管部门工作人员")
    BASE_ADMIN = "base_admin", _("继续教育基地管理员")
    ASSOCIATION_ADMIN = "association_admin", _("协会管理员")
    EXPERT = "expert", _("评审专家")


# Which kind of organisation each role belongs to.
ROLE_ORGANISATION_KIND = {
    Role.PROFESSIONAL: Organisation.Kind.EMPLOYER,
    Role.EMPLOYER_ADMIN: Organisation.Kind.EMPLOYER,
    Role.CITY_STAFF: Organisation.Kind.CITY_BUREAU,
    Role.PROVINCE_STAFF: Organisation.Kind.PROVINCIAL_BUREAU,
    Role.DEPARTMENT_STAFF: Organisation.Kind.INDUSTRY_DEPARTMENT,
    Role.BASE_ADMIN: Organisation.Kind.CE_BASE,
    Role.ASSOCIATION_ADMIN: Organisation.Kind.ASSOCIATION,
    Role.EXPERT: Organisation.Kind.ASSOCIATION,
}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in an organisation. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.CharField(_("所在科室/部门"), max_length=64, blank=True)
    job_title = models.CharField(_("专业技术职务"), max_length=64, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            # A professional is staff of one employer at a time: the ledger and the rosters rely on it.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="professional", is_active=True),
                name="membership_one_active_employer",
            ),
        ]
        indexes = [
            # Rosters: "the active professionals of this employer".
            models.Index(fields=["organisation", "role", "is_active"], name="membership_org_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class AuditEvent(models.Model):
    """A typed record of a security-relevant action: who did what to which object, when."""

    class Type(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        TOKEN_ISSUED = "token_issued", _("签发API令牌")
        TOKEN_REVOKED = "token_revoked", _("撤销API令牌")
        RECORD_DECIDED = "record_decided", _("学时审核")
        RECORD_REVERSED = "record_reversed", _("学时冲正")
        PHASE_CHANGED = "phase_changed", _("评选阶段变更")
        RESULT_PUBLISHED = "result_published", _("评选结果发布")
        SUBMISSION_REVIEWED = "submission_reviewed", _("材料审核")
        DEADLINE_EXTENDED = "deadline_extended", _("延长报送期限")
        DATA_IMPORTED = "data_imported", _("批量导入")
        DATA_EXPORTED = "data_exported", _("数据导出")
        # Settings that decide outcomes; data holds {"changed": [...], "old": {...}, "new": {...}}.
        YEAR_POLICY_CHANGED = "year_policy_changed", _("年度学时政策变更")
        CAMPAIGN_SETTINGS_CHANGED = "campaign_settings_changed", _("评选设置变更")
        RUBRIC_CHANGED = "rubric_changed", _("评审指标变更")
        TIE_DECIDED = "tie_decided", _("并列裁定")
        REQUIREMENT_CHANGED = "requirement_changed", _("专门学习要求变更")
        OTHER = "other", _("其他")

    type = models.CharField(_("类型"), max_length=32, choices=Type.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_type_display()} {self.target}"
