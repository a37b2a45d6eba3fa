"""Demo organisations and people for `manage.py seed_demo` (idempotent, deterministic)."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from .models import City, Membership, Organisation, Role, User
from .services import grant_role
from .validators import check_character

DEMO_PASSWORD = "demo-2022"  # noqa: S105 - the documented demo password

# First four digits of resident ID numbers issued in each city (GB/T 2260).
CITY_ID_PREFIX = {
    City.JINAN: "3701",
    City.QINGDAO: "3702",
    City.ZIBO: "3703",
    City.ZAOZHUANG: "3704",
    City.DONGYING: "3705",
    City.YANTAI: "3706",
    City.WEIFANG: "3707",
    City.JINING: "3708",
    City.TAIAN: "3709",
    City.WEIHAI: "3710",
    City.RIZHAO: "3711",
    City.LINYI: "3713",
    City.DEZHOU: "3714",
    City.LIAOCHENG: "3715",
    City.BINZHOU: "3716",
    City.HEZE: "3717",
}

PROVINCIAL_BUREAU = "山东省人力资源和社会保障厅"
ASSOCIATION = "山东省继续工程教育协会"
DEPARTMENTS = ["山东省教育厅", "山东省卫生健康委员会", "山东省住房和城乡建设厅", "山东省工业和信息化厅"]
DEPARTMENT_SECTORS = {
    "山东省教育厅": Organisation.Sector.EDUCATION,
    "山东省卫生健康委员会": Organisation.Sector.HEALTH,
    "山东省住房和城乡建设厅": Organisation.Sector.HOUSING,
    "山东省工业和信息化厅": Organisation.Sector.INDUSTRY,
}
# (name, level, city, managing unit)
CE_BASES = [
    ("国家级专业技术人员继续教育基地（山东大学）", "national", City.JINAN, PROVINCIAL_BUREAU),
    ("国家级专业技术人员继续教育基地（中国石油大学（华东））", "national", City.QINGDAO, PROVINCIAL_BUREAU),
    ("山东省专业技术人员继续教育基地（齐鲁工业大学）", "provincial", City.JINAN, "山东省工业和信息化厅"),
    ("山东省专业技术人员继续教育基地（山东第一医科大学）", "provincial", City.TAIAN, "山东省卫生健康委员会"),
    ("山东省专业技术人员继续教育基地（山东建筑大学）", "provincial", City.JINAN, "山东省住房和城乡建设厅"),
]
# (name, city, departments inside it)
EMPLOYERS = [
    ("山东省立医院", City.JINAN, ["内科", "外科", "护理部", "医技科室"]),
    ("济南市第一中学", City.JINAN, ["语文组", "数学组", "理化生组"]),
    ("浪潮集团有限公司", City.JINAN, ["研发中心", "云计算事业部", "质量部"]),
    ("青岛市市立医院", City.QINGDAO, ["内科", "外科", "药剂科"]),
    ("山东高速集团有限公司", City.JINAN, ["工程技术部", "养护管理部"]),
    ("烟台市规划设计研究院", City.YANTAI, ["规划所", "建筑所"]),
    ("潍坊市农业科学院", City.WEIFANG, ["作物所", "园艺所"]),
    ("临沂市人民医院", City.LINYI, ["内科", "外科", "护理部"]),
    ("淄博市建筑设计研究院", City.ZIBO, ["结构所", "设备所"]),
    ("威海市第二中学", City.WEIHAI, ["教务处", "理科组"]),
    ("济宁市水利事业发展中心", City.JINING, ["工程科", "水资源科"]),
    ("德州市人民医院", City.DEZHOU, ["内科", "儿科"]),
]
# Employers managed by an industry department.
SECTORS = {
    "山东省立医院": "山东省卫生健康委员会",
    "青岛市市立医院": "山东省卫生健康委员会",
    "临沂市人民医院": "山东省卫生健康委员会",
    "德州市人民医院": "山东省卫生健康委员会",
    "济南市第一中学": "山东省教育厅",
    "威海市第二中学": "山东省教育厅",
}
# Every employer's industry (the sector a department's requirements reach, credits.selectors.sector_employers).
EMPLOYER_SECTORS = {
    "山东省立医院": Organisation.Sector.HEALTH,
    "济南市第一中学": Organisation.Sector.EDUCATION,
    "浪潮集团有限公司": Organisation.Sector.INDUSTRY,
    "青岛市市立医院": Organisation.Sector.HEALTH,
    "山东高速集团有限公司": Organisation.Sector.TRANSPORT,
    "烟台市规划设计研究院": Organisation.Sector.NATURAL_RESOURCES,
    "潍坊市农业科学院": Organisation.Sector.AGRICULTURE,
    "临沂市人民医院": Organisation.Sector.HEALTH,
    "淄博市建筑设计研究院": Organisation.Sector.HOUSING,
    "威海市第二中学": Organisation.Sector.EDUCATION,
    "济宁市水利事业发展中心": Organisation.Sector.WATER,
    "德州市人民医院": Organisation.Sector.HEALTH,
}
JOB_TITLES = [
    "助理工程师",
    "工程师",
    "高级工程师",
    "主治医师",
    "副主任医师",
    "主管护师",
    "一级教师",
    "高级教师",
    "助理研究员",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文红建国志海波鹏辉晓东雪梅俊峰婷宇浩然欣怡子涵"


@dataclass
class DemoContext:
    """What one app's demo seeding hands to the next."""

    rng: random.Random
    out: object  # a management command's stdout (has .write)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    professionals: list[User] = field(default_factory=list)

    def log(self, message: str) -> None:
        self.out.write(message)


def make_id_number(rng: random.Random, city: str, born: datetime.date | None = None, female: bool | None = None) -> str:
    """A well-formed resident ID number for the given city (valid birth date and checksum)."""
    if born is None:
        born = datetime.date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randint(0, 499) * 2 + (0 if female else 1) if female is not None else rng.randint(1, 999)
    first17 = f"{CITY_ID_PREFIX[City(city)]}{rng.randint(1, 30):02d}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _org(ctx: DemoContext, name: str, kind: str, **fields) -> Organisation:
    org, _created = Organisation.objects.update_or_create(name=name, defaults={"kind": kind, **fields})
    ctx.organisations[name] = org
    return org


def _user(username: str, name: str, password_hash: str, **fields) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"name": name, "password": password_hash, **fields}
    )
    if not created and not user.check_password(DEMO_PASSWORD):
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    province = _org(
        ctx,
        PROVINCIAL_BUREAU,
        Organisation.Kind.PROVINCIAL_BUREAU,
        city=City.JINAN,
        short_name="省人社厅",
        email="wlrst@shandong.cn",
        contact_person="王磊",
        contact_phone="0531-51788155",
    )
    for city in City:
        _org(
            ctx,
            f"{city.label}人力资源和社会保障局",
            Organisation.Kind.CITY_BUREAU,
            city=city,
            parent=province,
            short_name=f"{city.label}人社局",
            email=f"rsj@{city.value}.example.cn",
        )
    for name in DEPARTMENTS:
        _org(ctx, name, Organisation.Kind.INDUSTRY_DEPARTMENT, city=City.JINAN, sector=DEPARTMENT_SECTORS[name])
    for name, level, city, manager in CE_BASES:
        _org(ctx, name, Organisation.Kind.CE_BASE, base_level=level, city=city, parent=ctx.organisations[manager])
    for name, city, _departments in EMPLOYERS:
        # The managing unit: the sector's department where there is one, otherwise the city's bureau.
        manager = SECTORS.get(name) or f"{City(city).label}人力资源和社会保障局"
        sector = EMPLOYER_SECTORS[name]
        _org(ctx, name, Organisation.Kind.EMPLOYER, city=city, parent=ctx.organisations[manager], sector=sector)
    association = _org(
        ctx,
        ASSOCIATION,
        Organisation.Kind.ASSOCIATION,
        city=City.JINAN,
        contact_person="张田夏荫",
        contact_phone="0531-85193735",
        email="sdacee@163.com",
    )

    password_hash = make_password(DEMO_PASSWORD)
    hospital = ctx.organisations["山东省立医院"]
    logins = {
        "professional": ("李明", Role.PROFESSIONAL, hospital),
        "employer": ("张红", Role.EMPLOYER_ADMIN, hospital),
        "city": ("刘强", Role.CITY_STAFF, ctx.organisations["济南市人力资源和社会保障局"]),
        "province": ("王磊", Role.PROVINCE_STAFF, province),
        "department": ("陈静", Role.DEPARTMENT_STAFF, ctx.organisations["山东省卫生健康委员会"]),
        "base": ("赵伟", Role.BASE_ADMIN, ctx.organisations[CE_BASES[0][0]]),
        "association": ("孙丽", Role.ASSOCIATION_ADMIN, association),
        "expert": ("周涛", Role.EXPERT, association),
    }
    demo_rng = random.Random(20220328)
    for username, (name, role, org) in logins.items():
        fields = {"email": f"{username}@demo.example.cn"}
        if role in (Role.PROFESSIONAL, Role.EXPERT):
            fields.update(
                id_number=make_id_number(demo_rng, City.JINAN),
                is_verified=True,
                phone=f"138{demo_rng.randint(10000000, 99999999)}",
            )
        user = _user(username, name, password_hash, **fields)
        grant_role(
            user=user,
            organisation=org,
            role=role,
            department="内科" if role == Role.PROFESSIONAL else "",
            job_title="主治医师" if role == Role.PROFESSIONAL else "",
        )
        ctx.users[username] = user
    # The expert is a professional too, on the staff of another employer.
    grant_role(
        user=ctx.users["expert"],
        organisation=ctx.organisations["浪潮集团有限公司"],
        role=Role.PROFESSIONAL,
        department="研发中心",
        job_title="高级工程师",
    )
    ctx.professionals.append(ctx.users["professional"])

    # More experts for the evaluation, and a few hundred professionals across the employers.
    for i in range(1, 9):
        user = _user(
            f"expert{i:02d}",
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            password_hash,
            id_number=make_id_number(rng, rng.choice(list(City))),
            is_verified=True,
        )
        grant_role(user=user, organisation=association, role=Role.EXPERT)
        ctx.users[user.username] = user

    existing = set(Membership.objects.filter(role=Role.PROFESSIONAL).values_list("user__username", flat=True))
    count = 0
    for index, (employer_name, city, departments) in enumerate(EMPLOYERS):
        employer = ctx.organisations[employer_name]
        for n in range(25):
            username = f"p{index + 1:02d}{n + 1:03d}"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            id_number = make_id_number(rng, city, female=rng.random() < 0.5)
            department = rng.choice(departments)
            job_title = rng.choice(JOB_TITLES)
            if username in existing:
                ctx.professionals.append(User.objects.get(username=username))
                continue
            user = _user(
                username,
                name,
                password_hash,
                id_number=id_number,
                is_verified=rng.random() < 0.9,
                phone=f"13{rng.randint(100000000, 999999999)}",
            )
            Membership.objects.get_or_create(
                user=user,
                organisation=employer,
                role=Role.PROFESSIONAL,
                defaults={"department": department, "job_title": job_title},
            )
            ctx.professionals.append(user)
            count += 1
    ctx.log(f"  单位 {Organisation.objects.count()} 个，专业技术人员 {len(ctx.professionals)} 人（新建 {count} 人）")
