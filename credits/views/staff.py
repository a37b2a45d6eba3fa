"""Provincial policy editing and platform Excel import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit_change, field_labels
from portal.pages import paginate
from portal.permissions import permission_required

from .. import excel_import, selectors, services, throttle
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
    """The hours import: all rows or none, each upload kept in the unit's list of past imports."""
    organisation = services.platform_organisation_of(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    error_list: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = None
        try:
            sheet = excel_import.read_import_rows(upload, max_rows=services.MAX_BULK_ROWS, organisation=organisation)
            if not sheet.rows:
                raise ValidationError(_("表格中没有数据行。"))
            if throttle.spend(user=request.user, rows=len(sheet.rows)) is not None:
                status = 429
                raise ValidationError(_("本单位提交学时记录过于频繁，请稍后再试。"))
            with transaction.atomic():
                results = services.record_platform_hours(organisation=organisation, actor=request.user, rows=sheet.rows)
                created = sum(1 for _r, c in results if c)
                services.log_hours_import(
                    organisation=organisation,
                    actor=request.user,
                    file_name=upload.name,
                    rows=len(results),
                    created=created,
                    existing=len(results) - created,
                )
        except services.BulkRejected as exc:
            sheet = getattr(exc, "sheet", sheet)
            error_list = excel_import.error_lines(exc.row_errors, sheet)
            form.add_error(None, exc.messages[0])
            _log_failure(request, organisation, upload, sheet, error_list or exc.messages)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
            _log_failure(request, organisation, upload, sheet, exc.messages[:1])
        else:
            messages.success(
                request,
                _("导入成功：新增 %(new)s 条，已存在 %(old)s 条（未重复计入）。")
                % {"new": created, "old": len(results) - created},
            )
            return redirect("credits:import")
    past = paginate(request, selectors.imports_of(organisation=organisation))
    context = {"form": form, "error_list": error_list, "past": past}
    return render(request, "credits/import.html", context, status=status)


def _log_failure(request, organisation, upload, sheet, errors: list[str]) -> None:
    services.log_hours_import(
        organisation=organisation,
        actor=request.user,
        file_name=upload.name,
        rows=len(sheet.rows) if sheet else 0,
        errors=errors,
    )


@permission_required("credits.import_records")
def import_template(request):
    organisation = services.platform_organisation_of(request.user)
    return _xlsx(excel_import.import_template_xlsx(organisation=organisation), _("学时记录导入模板.xlsx"))
