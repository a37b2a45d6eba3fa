"""The public-subject topics of the 2022 notice (二、（二）1. 公需科目), as data."""

from django.db import migrations

TOPICS_2022 = [
    ("required", "习近平新时代中国特色社会主义思想"),
    ("required", "党的十九大和十九届历次全会精神"),
    ("required", "黄河流域生态保护和高质量发展"),
    ("emphasised", "八大发展战略、十大创新"),
    ("emphasised", "专业技术人员职业道德和能力建设"),
    ("elective", "疫情防控"),
    ("elective", "医养健康"),
    ("elective", "信息化及网络安全"),
    ("elective", "电子商务"),
    ("elective", "知识产权"),
    ("elective", "人才国际化"),
    ("elective", "人文素养"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("courses", "Topic")
    for order, (group, name) in enumerate(TOPICS_2022, start=1):
        Topic.objects.update_or_create(year=2022, name=name, defaults={"group": group, "order": order})


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("courses", "Topic")
    Topic.objects.filter(year=2022, name__in=[name for _group, name in TOPICS_2022], courses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_guides_work_plans")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
