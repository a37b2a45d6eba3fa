"""Certificates follow corrections (`superseded_at`), and the courses that approved records already
name are frozen (courses/0009).

Existing data: every course with an approved record is frozen now; a certificate whose figures the
year's summary no longer shows is superseded, dated by the summary's last change (the closest
recorded time of the correction). A certificate that still shows the current figures stays valid.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.utils import timezone


def freeze_and_supersede(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    HourRecord = apps.get_model("credits", "HourRecord")
    HoursCertificate = apps.get_model("credits", "HoursCertificate")
    YearSummary = apps.get_model("credits", "YearSummary")
    credited = HourRecord.objects.filter(status="approved", course__isnull=False).values("course_id")
    Course.objects.filter(frozen_at__isnull=True, pk__in=credited).update(frozen_at=timezone.now())
    same = YearSummary.objects.filter(
        professional_id=OuterRef("professional_id"),
        year=OuterRef("year"),
        public_hours=OuterRef("public_hours"),
        professional_hours=OuterRef("professional_hours"),
    )
    stale = HoursCertificate.objects.filter(superseded_at__isnull=True).exclude(Exists(same))
    changed_at = {
        (s.professional_id, s.year): s.updated_at
        for s in YearSummary.objects.filter(
            professional_id__in=stale.values("professional_id"), year__in=stale.values("year")
        )
    }
    for certificate in stale:
        certificate.superseded_at = changed_at.get((certificate.professional_id, certificate.year), timezone.now())
        certificate.save(update_fields=["superseded_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0005_ledger_partitions"),
        ("courses", "0009_h3_course_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="hourscertificate",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="失效时间（学时更正）"),
        ),
        migrations.RunPython(freeze_and_supersede, migrations.RunPython.noop),
    ]
