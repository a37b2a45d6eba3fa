"""Provincial policy editing and platform Excel import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit_change, field_labels
from portal.permissions import permission_required

from .. import excel, services, throttle
from ..forms import (
    ConversionRuleFormSet,
    ImportForm,
    YearPolicyForm,
)
from ..models import YearPolicy
from ._common import _xlsx


@permission_required("credits.manage_policy")
def policies(request):
    rows = YearPolicy.objects.prefetch_related("conversion_rules").order_by("-year")
    return render(request, "credits/policies.html", {"policies": rows})


def _policy_values(policy: YearPolicy | None) -> dict:
    """The year policy's settings as the audit log compares them: the form's fields and the rules."""
    if policy is None:
        return {}
    values = {name: getattr(policy, name) for name in YearPolicyForm._meta.fields}
    values["conversion_rules"] = [
        {"name": r.name, "unit": r.unit, "hours_per_unit": r.hours_per_unit, "category": r.category}
        for r in policy.conversion_rules.order_by("order", "id")
    ]
    return values


@permission_required("credits.manage_policy")
def policy_edit(request, year: int | None = None):
    policy = get_object_or_404(YearPolicy, year=year) if year else None
    old = _policy_values(policy) if request.method == "POST" else {}
    form = YearPolicyForm(request.POST or None, instance=policy)
    formset = ConversionRuleFormSet(request.POST or None, instance=policy or YearPolicy(), prefix="rules")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            saved = form.save()
            formset.instance = saved
            formset.save()
            audit_change(
                type=AuditEvent.Type.YEAR_POLICY_CHANGED,
                actor=request.user,
                target=f"year-policy:{saved.year}",
                old=old,
                new=_policy_values(saved),
                labels={**field_labels(YearPolicy, YearPolicyForm._meta.fields), "conversion_rules": _("折算规则")},
            )
        messages.success(request, _("%(year)s年度学时政策已保存。") % {"year": saved.year})
        return redirect("credits:policies")
    return render(request, "credits/policy_form.html", {"form": form, "formset": formset, "policy": policy})


# ---------------------------------------------------------------- import (platforms)


@permission_required("credits.import_records")
def import_records(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        organisation = services.platform_organisation_of(request.user)
        try:
            rows = excel.read_import_rows(form.cleaned_data["file"], max_rows=services.MAX_BULK_ROWS)
            if not rows:
                raise ValidationError(_("表格中没有数据行。"))
            if throttle.spend(user=request.user, rows=len(rows)) is not None:
                status = 429
                raise ValidationError(_("本单位提交学时记录过于频繁，请稍后再试。"))
            results = services.record_platform_hours(organisation=organisation, actor=request.user, rows=rows)
        except services.BulkRejected as exc:
            # Row numbers as the user sees them in Excel: the header is row 1.
            row_errors = [{"row": e.index + 2, "errors": e.errors} for e in exc.row_errors]
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            created = sum(1 for _r, c in results if c)
            messages.success(
                request,
                _("导入成功：新增 %(new)s 条，已存在 %(old)s 条（未重复计入）。")
                % {"new": created, "old": len(results) - created},
            )
            return redirect("credits:import")
    return render(request, "credits/import.html", {"form": form, "row_errors": row_errors}, status=status)


@permission_required("credits.import_records")
def import_template(request):
    return _xlsx(excel.import_template_xlsx(), "hour-records-template.xlsx")
