import django.core.validators
import django.db.models.deletion
from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_teacher_units_and_links")]

    operations = [
        migrations.AddField(
            model_name="workplan",
            name="approved_on_arrival",
            field=models.BooleanField(
                default=False,
                help_text="管理单位同意计划时勾选：本计划所列线下培训的学时登记后直接计入，无需用人单位审核。",
                verbose_name="线下培训学时登记即生效",
            ),
        ),
        migrations.AddConstraint(
            model_name="workplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("approved_on_arrival", False), ("status", "approved"), _connector="OR"),
                name="work_plan_on_arrival_only_approved",
            ),
        ),
        migrations.CreateModel(
            name="WorkPlanTraining",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="培训名称")),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.1")),
                            django.core.validators.MaxValueValidator(Decimal("200.0")),
                        ],
                        verbose_name="学时",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[("public", "公需课"), ("professional", "专业课")], max_length=16, verbose_name="科目类别"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="trainings",
                        to="courses.workplan",
                        verbose_name="工作计划",
                    ),
                ),
            ],
            options={
                "verbose_name": "工作计划培训项目",
                "verbose_name_plural": "工作计划培训项目",
                "ordering": ["plan_id", "order", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("plan", "title"), name="work_plan_training_unique_title"),
                    models.CheckConstraint(
                        condition=models.Q(("hours__gt", 0), ("hours__lte", Decimal("200.0"))),
                        name="work_plan_training_hours_in_range",
                    ),
                ],
            },
        ),
    ]
