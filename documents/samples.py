"""Sample documents with realistic Chinese content: used by the benchmark, the screenshots in
docs/screenshots and the tests, so all three look at the same thing."""

import datetime
from decimal import Decimal

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
)

UNIT = "山东省卫生健康委员会"
BASE = "山东大学继续教育学院"
FILLED_ON = datetime.date(2022, 4, 20)


def guide() -> GuideDoc:
    return GuideDoc(
        year=2022,
        title="2022年度卫生健康行业继续教育指南",
        unit_name=UNIT,
        intro="为深入实施专业技术人员知识更新工程，提升全省卫生健康专业技术人员能力素质，制定本指南。",
        sections=(
            GuideSection(
                1,
                "学习内容",
                "",
                (
                    GuideSection(
                        2,
                        "卫生健康法律法规",
                        "学习《中华人民共和国基本医疗卫生与健康促进法》等法律法规。",
                        (GuideSection(3, "医疗质量安全", "医疗质量管理办法、医疗纠纷预防和处理条例。"),),
                    ),
                    GuideSection(2, "新知识新技术", "重点学习临床诊疗新技术、公共卫生应急处置等内容。"),
                ),
            ),
            GuideSection(1, "学时要求", "每年累计不少于90学时，其中公需课不少于30学时，专业课不少于60学时。"),
            GuideSection(1, "学习形式", "采取远程教育和线下培训相结合的形式开展。"),
            GuideSection(1, "相关要求", "各单位要支持专业技术人员参加继续教育，提供必要的学习条件和时间。"),
        ),
    )


def platforms() -> PlatformTableDoc:
    return PlatformTableDoc(
        unit_name=BASE,
        platforms=(
            PlatformRow(
                "山东大学继续教育网络学习平台", "https://jxjy.sdu.example.edu.cn", "全省专业技术人员", "继续教育学院"
            ),
            PlatformRow(
                "齐鲁医学继续教育平台", "https://med.sdu.example.edu.cn", "卫生系列专业技术人员", "医学部", "移动端可用"
            ),
        ),
        footer=FormFooter("张明", "0531-88888888", FILLED_ON),
    )


def recommendations() -> RecommendationTableDoc:
    return RecommendationTableDoc(
        unit_name=BASE,
        year=2022,
        recommendations=(
            RecommendationRow(
                "黄河流域生态保护和高质量发展",
                "系统讲授黄河流域生态保护的战略部署。主讲：李华，教授，山东大学环境学院。",
                "https://jxjy.sdu.example.edu.cn/course/101",
                "账号：expert01\n密码：pingshen2022",
            ),
            RecommendationRow(
                "专业技术人员职业道德与能力建设",
                "结合案例讲授职业道德规范。主讲：王芳，副教授。",
                "https://jxjy.sdu.example.edu.cn/course/102",
                "账号：expert02\n密码：pingshen2022",
                "已上线两年",
            ),
        ),
        footer=FormFooter("张明", "0531-88888888", FILLED_ON),
    )


def pledge() -> PledgeDoc:
    return PledgeDoc(BASE, "黄河流域生态保护和高质量发展", 2022, "赵强", FILLED_ON)


def hours_certificate() -> HoursCertificateDoc:
    return HoursCertificateDoc(
        name="王小明",
        masked_id_number="370102********123X",
        employer="山东省立医院",
        year=2022,
        public_hours=Decimal("32.0"),
        professional_hours=Decimal("64.5"),
        total_hours=Decimal("96.5"),
        required_public=Decimal("30.0"),
        required_professional=Decimal("60.0"),
        required_total=Decimal("90.0"),
        compliant=True,
        code="K7Q2M9X4P3",
        verify_url="http://127.0.0.1:8000/hours/verify/K7Q2M9X4P3/",
        issued_on=datetime.date(2022, 12, 28),
    )


def teacher_certificate() -> TeacherCertificateDoc:
    return TeacherCertificateDoc(
        "李华", "山东大学", "黄河流域生态保护和高质量发展", 2022, "SDCEE-2022-0001", datetime.date(2022, 7, 1)
    )


ALL = {
    "attachment1": guide,
    "attachment2": platforms,
    "attachment3": recommendations,
    "attachment4": pledge,
    "hours_certificate": hours_certificate,
    "teacher_certificate": teacher_certificate,
}
