"""What each document shows, as plain dataclasses.

Generators take these and nothing else, so they are testable without the models, and the hash
of one of these is the key under which a generated file is reused.
"""

import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

# Bump when a generator's output changes, so stored files made by the old code are not reused.
GENERATOR_VERSION = "4"


@dataclass(frozen=True)
class GuideSection:
    """A section of a study guide: level 1 一、 level 2 （一） level 3 1. with its body text."""

    level: int
    heading: str
    body: str = ""
    children: tuple["GuideSection", ...] = ()


@dataclass(frozen=True)
class GuideDoc:
    """Attachment 1: 专业技术人员继续教育指南."""

    year: int | None
    unit_name: str
    sections: tuple[GuideSection, ...] = ()
    intro: str = ""
    # The guide's own title as its department wrote it; empty: "____年度专业技术人员继续教育指南".
    title: str = ""


@dataclass(frozen=True)
class PlatformRow:
    name: str
    url: str
    audience: str
    department: str
    notes: str = ""


@dataclass(frozen=True)
class FormFooter:
    """The 填报人 / 联系电话 / 填报日期 lines under a table (blank lines to fill in by hand)."""

    filled_by: str = ""
    phone: str = ""
    filled_on: datetime.date | None = None


@dataclass(frozen=True)
class PlatformTableDoc:
    """Attachment 2: 继续教育学习平台信息统计表."""

    unit_name: str
    platforms: tuple[PlatformRow, ...]
    footer: FormFooter = field(default_factory=FormFooter)


@dataclass(frozen=True)
class TeacherLine:
    """One of the course's teachers as the 课程及师资简介 cell introduces them."""

    name: str
    professional_title: str = ""
    bio: str = ""


@dataclass(frozen=True)
class RecommendationRow:
    course_title: str
    intro: str
    study_url: str
    test_account: str
    notes: str = ""
    teacher_intro: str = ""  # the unit's own words on the teachers (Recommendation.teacher_intro)
    teachers: tuple[TeacherLine, ...] = ()


@dataclass(frozen=True)
class RecommendationTableDoc:
    """Attachment 3: 优质在线公需课推荐表."""

    unit_name: str
    year: int
    recommendations: tuple[RecommendationRow, ...]
    footer: FormFooter = field(default_factory=FormFooter)


@dataclass(frozen=True)
class PledgeDoc:
    """Attachment 4: 知识产权保护承诺书 for one recommended course."""

    unit_name: str
    course_title: str
    year: int
    signatory: str = ""
    signed_on: datetime.date | None = None


@dataclass(frozen=True)
class HoursCertificateDoc:
    """学时证明: a professional's hours for one year. Carries the masked ID number only."""

    name: str
    masked_id_number: str
    employer: str
    year: int
    public_hours: Decimal
    professional_hours: Decimal
    total_hours: Decimal
    required_public: Decimal
    required_professional: Decimal
    required_total: Decimal
    compliant: bool
    code: str
    verify_url: str
    issued_on: datetime.date
    issuer: str = "山东省专业技术人员继续教育公共服务平台"


@dataclass(frozen=True)
class TeacherCertificateDoc:
    """优秀师资特聘证书, issued by the association to the teacher of a selected course."""

    teacher_name: str
    teacher_unit: str
    course_title: str
    year: int
    number: str
    issued_on: datetime.date
    issuer: str = "山东省继续工程教育协会"


def _default(value):
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    raise TypeError(f"not serialisable: {type(value)!r}")


def input_hash(doc) -> str:
    """A stable hash of what a document shows (plus the generator version)."""
    payload = {"v": GENERATOR_VERSION, "type": type(doc).__name__, "data": dataclasses.asdict(doc)}
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=_default)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
