"""Demo catalogue: topics for 2021-2026, platforms, approved work plans, study guides, courses and teachers."""

import datetime
import random
import zlib
from decimal import Decimal

from django.utils import timezone

from accounts.demo import CE_BASES, DEPARTMENTS, GIVEN, PROVINCIAL_BUREAU, SURNAMES, DemoContext
from accounts.selectors import employer_of

from .models import (
    Category,
    Course,
    LearningPlatform,
    Mode,
    StudyGuide,
    StudyGuideSection,
    Teacher,
    Topic,
    WorkPlan,
    WorkPlanTraining,
)

CITY_PLATFORMS = ["济南市人力资源和社会保障局", "青岛市人力资源和社会保障局", "潍坊市人力资源和社会保障局"]
YEARS = range(2021, 2027)
# Offline trainings (线下培训) each approved work plan lists; hour records name them (credits demo).
PLAN_TRAININGS = [
    ("公需科目线下专题培训", Decimal("12.0"), Category.PUBLIC),
    ("专业科目线下研修班", Decimal("24.0"), Category.PROFESSIONAL),
    ("专业技术人员能力建设线下工作坊", Decimal("8.0"), Category.PROFESSIONAL),
]

PUBLIC_TITLES = {
    "习近平新时代中国特色社会主义思想": [
        "习近平新时代中国特色社会主义思想概论",
        "新时代坚持和发展中国特色社会主义的根本遵循",
        "以人民为中心的发展思想解读",
    ],
    "党的十九大和十九届历次全会精神": [
        "党的十九届六中全会精神解读",
        "党的百年奋斗重大成就和历史经验",
        "学习贯彻党的十九大精神专题",
    ],
    "黄河流域生态保护和高质量发展": [
        "黄河流域生态保护和高质量发展战略解读",
        "黄河下游生态保护与山东实践",
        "沿黄城市群绿色低碳发展",
    ],
    "八大发展战略、十大创新": ["山东八大发展战略解读", "“十大创新”与山东高质量发展", "新旧动能转换重大工程实践"],
    "专业技术人员职业道德和能力建设": ["专业技术人员职业道德修养", "专业技术人员创新能力建设", "科研诚信与学术规范"],
    "疫情防控": ["常态化疫情防控知识", "突发公共卫生事件应急处置"],
    "医养健康": ["医养结合与健康山东", "职场人群健康管理"],
    "信息化及网络安全": ["网络安全法与个人信息保护", "数字政府与信息化建设", "数据安全基础"],
    "电子商务": ["数字经济与电子商务发展", "跨境电商实务"],
    "知识产权": ["知识产权保护与运用", "专利申请与技术转化实务"],
    "人才国际化": ["人才国际化与国际交流合作", "国际视野下的人才发展"],
    "人文素养": ["中华优秀传统文化与人文素养", "齐鲁文化概览"],
}
# Per department: professional course titles, and the CE base that also teaches its sector.
PROFESSIONAL = {
    "山东省教育厅": (
        ["新课程标准解读与教学设计", "信息技术与学科教学融合", "班主任工作与学生心理健康", "教育科研方法与论文写作"],
        "国家级专业技术人员继续教育基地（山东大学）",
    ),
    "山东省卫生健康委员会": (
        ["临床诊疗指南更新", "医疗质量安全管理", "护理质量与患者安全", "合理用药与处方点评"],
        "山东省专业技术人员继续教育基地（山东第一医科大学）",
    ),
    "山东省住房和城乡建设厅": (
        ["建筑工程质量安全管理", "装配式建筑技术", "绿色建筑评价标准解读", "BIM技术应用"],
        "山东省专业技术人员继续教育基地（山东建筑大学）",
    ),
    "山东省工业和信息化厅": (
        ["智能制造与工业互联网", "工业节能与绿色制造", "新一代信息技术产业发展", "企业数字化转型实务"],
        "山东省专业技术人员继续教育基地（齐鲁工业大学）",
    ),
}
GUIDE_CONTENT = {
    "山东省教育厅": ("教育", ["师德师风建设", "课程改革与教学能力", "教育信息化"]),
    "山东省卫生健康委员会": ("卫生健康", ["医疗质量与安全", "临床专业知识更新", "公共卫生与疫情防控"]),
    "山东省住房和城乡建设厅": ("住房城乡建设", ["工程质量安全", "绿色建筑与建筑节能", "新型建造方式"]),
    "山东省工业和信息化厅": ("工业和信息化", ["智能制造", "绿色制造", "数字化转型"]),
}
# Year ranges the demo courses are offered in: together they cover 2021-2026.
# Public courses on the 2022 topics are all offered in 2022, the year of the quality-course evaluation.
PUBLIC_SPANS = [(2022, 2022), (2021, 2022), (2022, 2023), (2022, 2026), (2022, 2024)]
SPANS = [(2021, 2022), (2022, 2022), (2022, 2023), (2022, 2026), (2024, 2026), (2026, 2026), (2025, 2026), (2023, 2024)]
TEACHER_TITLES = ["教授", "副教授", "研究员", "高级工程师", "主任医师", "正高级教师"]


def _topics() -> dict[tuple[int, str], Topic]:
    source = list(Topic.objects.filter(year=2022))
    for year in YEARS:
        have = set(Topic.objects.filter(year=year).values_list("name", flat=True))
        Topic.objects.bulk_create(
            [Topic(year=year, group=t.group, name=t.name, order=t.order) for t in source if t.name not in have]
        )
    return {(t.year, t.name): t for t in Topic.objects.filter(year__in=YEARS)}


def _platforms(ctx: DemoContext) -> dict[int, LearningPlatform]:
    for name, _level, _city, _manager in CE_BASES:
        owner = ctx.organisations[name]
        short = name.split("（", 1)[1].rstrip("）")
        LearningPlatform.objects.get_or_create(
            owner=owner,
            name=f"{short}专业技术人员继续教育网络学习平台",
            defaults={
                "url": f"https://jxjy.{zlib.crc32(short.encode()) % 1000:03d}.example.edu.cn",
                "audience": "全省专业技术人员",
                "department": "继续教育学院",
                "notes": "",
            },
        )
    for name in CITY_PLATFORMS:
        owner = ctx.organisations[name]
        LearningPlatform.objects.get_or_create(
            owner=owner,
            name=f"{owner.short_name}专业技术人员继续教育平台",
            defaults={
                "url": f"https://jxjy.{owner.city}.example.gov.cn",
                "audience": f"{owner.short_name[:-3]}专业技术人员",
                "department": "专业技术人员管理科",
            },
        )
    return {p.owner_id: p for p in LearningPlatform.objects.filter(owner__in=list(ctx.organisations.values()))}


def _work_plans(ctx: DemoContext) -> None:
    """Approved plans 2021-2026 for every base; one 2027 plan waiting for its managing unit."""
    now = timezone.now()
    for name, _level, _city, manager in CE_BASES:
        base = ctx.organisations[name]
        decider = ctx.users["province"] if manager == PROVINCIAL_BUREAU else None
        if manager == "山东省卫生健康委员会":
            decider = ctx.users["department"]
        for year in YEARS:
            plan, _created = WorkPlan.objects.get_or_create(
                base=base,
                year=year,
                defaults={
                    "title": f"{name}{year}年度继续教育工作计划",
                    "content": f"{year}年度计划举办公需课和专业课培训，面向全省专业技术人员开展线上线下培训。",
                    "status": WorkPlan.Status.APPROVED,
                    "reason": "同意。",
                    "submitted_at": now,
                    "decided_by": decider,
                    "decided_at": now,
                },
            )
            for order, (title, hours, category) in enumerate(PLAN_TRAININGS, start=1):
                WorkPlanTraining.objects.get_or_create(
                    plan=plan,
                    title=f"{year}年度{title}",
                    defaults={"hours": hours, "category": category, "order": order},
                )
    base = ctx.organisations["山东省专业技术人员继续教育基地（山东第一医科大学）"]
    WorkPlan.objects.get_or_create(
        base=base,
        year=2027,
        defaults={
            "title": f"{base.name}2027年度继续教育工作计划",
            "content": "2027年度拟举办医学专业课程培训12期、公需课线上课程20门。",
            "status": WorkPlan.Status.SUBMITTED,
            "submitted_at": now,
        },
    )


def _guides(ctx: DemoContext) -> None:
    now = timezone.now()
    for name in DEPARTMENTS:
        department = ctx.organisations[name]
        sector, areas = GUIDE_CONTENT[name]
        for year in (2022, 2026):
            guide, created = StudyGuide.objects.get_or_create(
                department=department,
                year=year,
                defaults={
                    "title": f"{year}年度{sector}行业专业技术人员继续教育指南",
                    "status": StudyGuide.Status.PUBLISHED,
                    "published_at": now,
                    "hours_requirement": (
                        "本行业专业技术人员每年参加继续教育累计不少于90学时，其中公需课不少于30学时，"
                        "专业课不少于60学时。专业课应围绕本指南所列学习内容选学。"
                    ),
                    "learning_forms": (
                        "采取远程教育和线下培训相结合的形式。可通过山东省专业技术人员继续教育公共服务平台、"
                        "继续教育基地学习平台参加网络学习，也可参加本部门组织的线下培训。"
                    ),
                    "related_requirements": (
                        "各单位要把专业技术人员参加继续教育情况作为考核、聘任和申报评审职称的重要条件，"
                        "提供必要的学习条件和时间。"
                    ),
                },
            )
            if not created:
                continue
            for i, area in enumerate(areas, start=1):
                top = StudyGuideSection.objects.create(
                    guide=guide, level=1, order=i, heading=area, body=f"围绕{area}开展学习，更新知识结构。"
                )
                for j, topic in enumerate(("政策法规与标准", "新知识新技术", "实践案例"), start=1):
                    second = StudyGuideSection.objects.create(
                        guide=guide, parent=top, level=2, order=j, heading=f"{area}{topic}", body=""
                    )
                    if j == 2:
                        StudyGuideSection.objects.create(
                            guide=guide,
                            parent=second,
                            level=3,
                            order=1,
                            heading=f"{year}年度{area}领域重点",
                            body="结合本行业发展实际确定具体科目内容并组织实施。",
                        )


def _teacher(provider, rng: random.Random, professional=None) -> Teacher:
    if professional is not None:
        teacher, _created = Teacher.objects.get_or_create(
            organisation=provider,
            user=professional,
            defaults={
                "name": professional.display_name,
                "professional_title": "高级工程师",
                "current_unit": employer_of(professional),
                "id_number": professional.id_number or "",
                "link_confirmed_at": timezone.now(),
            },
        )
        return teacher
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    teacher, _created = Teacher.objects.get_or_create(
        organisation=provider,
        name=name,
        defaults={
            "professional_title": rng.choice(TEACHER_TITLES),
            "current_unit": provider,
            "bio": f"{name}，长期从事相关领域教学与研究工作。",
        },
    )
    return teacher


def _course(provider, title: str, *, rng: random.Random, teachers: list[Teacher], **fields) -> Course:
    course, created = Course.objects.update_or_create(provider=provider, title=title, defaults=fields)
    if created:
        course.teachers.set(teachers)
    return course


def seed(ctx: DemoContext) -> None:
    rng = random.Random(20220328)
    topics = _topics()
    platforms = _platforms(ctx)
    _work_plans(ctx)
    _guides(ctx)

    public_providers = [ctx.organisations[name] for name, *_rest in CE_BASES] + [
        ctx.organisations[name] for name in CITY_PLATFORMS
    ]
    # The demo professional and a few more teach; selected quality courses credit them 2 x the hours.
    teaching_professionals = [ctx.users["professional"], *ctx.professionals[1:6]]
    index = 0
    for topic_name, titles in PUBLIC_TITLES.items():
        for title in titles:
            provider = public_providers[index % len(public_providers)]
            year_from, year_to = PUBLIC_SPANS[index % len(PUBLIC_SPANS)]
            professional = teaching_professionals[index % len(teaching_professionals)] if index % 4 == 0 else None
            teachers = [_teacher(provider, rng, professional)]
            platform = platforms.get(provider.pk)
            _course(
                provider,
                title,
                rng=rng,
                teachers=teachers,
                category=Category.PUBLIC,
                topic=topics[(year_from, topic_name)],
                hours=Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0", "4.0", "6.0"])),
                mode=Mode.ONLINE,
                platform=platform,
                url=f"{platform.url}/course/{1000 + index}" if platform else "",
                description=f"本课程围绕“{topic_name}”专题，系统讲解{title}的主要内容与实践要求。",
                year_from=year_from,
                year_to=year_to,
                is_original=True,
                copyright_holder=provider.name,
                status=Course.Status.DRAFT if index % 13 == 12 else Course.Status.PUBLISHED,
            )
            index += 1

    # Lecture series of the current years, so 2025 and 2026 have a full catalogue too.
    topic_names = list(PUBLIC_TITLES)
    for p, provider in enumerate(public_providers):
        platform = platforms.get(provider.pk)
        for k in range(4):
            topic_name = topic_names[(p * 4 + k) % len(topic_names)]
            year = 2025 + k % 2
            _course(
                provider,
                f"{topic_name}系列讲座（{year}年第{k // 2 + 1}讲）",
                rng=rng,
                teachers=[_teacher(provider, rng)],
                category=Category.PUBLIC,
                topic=topics[(year, topic_name)],
                hours=Decimal(rng.choice(["1.0", "2.0", "3.0"])),
                mode=Mode.ONLINE,
                platform=platform,
                url=f"{platform.url}/series/{year}{p}{k}" if platform else "",
                description=f"{provider.short_name or provider.name}{year}年度“{topic_name}”专题系列讲座。",
                year_from=year,
                year_to=2026,
                is_original=True,
                copyright_holder=provider.name,
                status=Course.Status.PUBLISHED,
            )

    for department_name, (titles, base_name) in PROFESSIONAL.items():
        department = ctx.organisations[department_name]
        base = ctx.organisations[base_name]
        for i, title in enumerate(titles):
            year_from, year_to = SPANS[(i * 3 + len(department_name)) % len(SPANS)]
            # The department runs offline training; its base runs the online courses.
            offline = i % 2 == 0
            provider = department if offline else base
            platform = None if offline else platforms.get(base.pk)
            start = datetime.date(year_from, 5 + i, 10)
            _course(
                provider,
                title,
                rng=rng,
                teachers=[_teacher(provider, rng), _teacher(provider, rng)],
                category=Category.PROFESSIONAL,
                sector=department,
                hours=Decimal(rng.choice(["6.0", "8.0", "12.0", "16.0", "24.0"])),
                mode=Mode.OFFLINE if offline else Mode.ONLINE,
                platform=platform,
                url=f"{platform.url}/course/{2000 + i}" if platform else "",
                description=f"依据本行业学习指南开设的专业课：{title}。",
                year_from=year_from,
                year_to=year_to,
                place="济南市历下区山东省专业技术人员继续教育培训中心" if offline else "",
                start_date=start if offline else None,
                end_date=start + datetime.timedelta(days=2) if offline else None,
                status=Course.Status.PUBLISHED,
            )
    ctx.log(
        f"  学习平台 {LearningPlatform.objects.count()} 个，课程 {Course.objects.count()} 门，"
        f"学习指南 {StudyGuide.objects.count()} 份，工作计划 {WorkPlan.objects.count()} 份"
    )
