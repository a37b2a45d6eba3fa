"""Demo catalogue data: learning platforms for the CE bases and some city bureaus."""

import zlib

from accounts.demo import CE_BASES, DemoContext

from .models import LearningPlatform

CITY_PLATFORMS = ["济南市人力资源和社会保障局", "青岛市人力资源和社会保障局", "潍坊市人力资源和社会保障局"]


def seed(ctx: DemoContext) -> None:
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
    ctx.log(f"  学习平台 {LearningPlatform.objects.count()} 个")
