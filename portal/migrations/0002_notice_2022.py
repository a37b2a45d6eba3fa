"""Publish the provincial notice of 2022-03-28 as the first announcement."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import migrations

TITLE = "山东省人力资源和社会保障厅关于做好2022年度专业技术人员继续教育有关工作的通知"


def publish_notice(apps, schema_editor):
    Announcement = apps.get_model("portal", "Announcement")
    body = (Path(__file__).resolve().parent.parent / "content" / "notice-2022.txt").read_text(encoding="utf-8")
    Announcement.objects.get_or_create(
        title=TITLE,
        defaults={
            "issuer": "山东省人力资源和社会保障厅",
            "body": body.strip(),
            "published_at": datetime.datetime(2022, 3, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "is_published": True,
            "is_pinned": True,
        },
    )


def unpublish_notice(apps, schema_editor):
    apps.get_model("portal", "Announcement").objects.filter(title=TITLE).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(publish_notice, unpublish_notice)]
