"""Hour pages: my hours, self-report, certificate and verification, employer roster and queue,
bureau reports and audit, policy editing, Excel import. Thin: services and selectors do the work."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse as reverse_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent, City, Membership, Organisation, Role
from accounts.selectors import organisation_ids_with_role, roles_of
from accounts.services import audit
from portal.permissions import permission_required
from portal.uploads import attachment_response

from . import excel, selectors, services
from .forms import (
    ConversionRuleFormSet,
    DecisionForm,
    ImportForm,
    ReverseForm,
    RosterFilterForm,
    SelfReportForm,
    VerifyForm,
    YearPolicyForm,
)
from .models import HourRecord, YearPolicy

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1900 < int(raw) < 3000 else timezone.localdate().year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _page(request, queryset):
    return Paginator(queryset, getattr(settings, "PAGINATE_BY", 25)).get_page(request.GET.get("page"))


def _one_of(request, ids: list[int], param: str = "org") -> int:
    """The organisation chosen in the query string among the user's own, else the first."""
    raw = request.GET.get(param, "")
    if raw.isdigit() and int(raw) in ids:
        return int(raw)
    return ids[0]


# ---------------------------------------------------------------- professional


@permission_required("credits.view_my_hours")
def my_hours(request):
    year = _year(request)
    context = {"year": year, "years": selectors.years_with_policy()}
    try:
        compliance = selectors.compliance_for(user=request.user, year=year)
    except selectors.NoPolicyError as exc:
        context["error"] = exc.messages[0]
        return render(request, "credits/my_hours.html", context)
    context.update(
        compliance=compliance,
        records=selectors.records_for(user=request.user, year=year),
        courses=selectors.public_courses_for_gap(year=year) if compliance.missing.public else [],
    )
    return render(request, "credits/my_hours.html", context)


@permission_required("credits.self_report")
def self_report(request):
    year = _year(request)
    try:
        selectors.policy_for(year=year)
    except selectors.NoPolicyError as exc:
        messages.error(request, exc.messages[0])
        return redirect("credits:my_hours")
    form = SelfReportForm(request.POST or None, request.FILES or None, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.self_report_hours(
                professional=request.user,
                year=year,
                title=data["title"],
                completed_on=data["completed_on"],
                conversion_rule=data["conversion_rule"],
                quantity=data["quantity"],
                category=data["category"] or None,
                hours=data["hours"],
                proof=data["proof"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已提交，等待单位审核。"))
            return redirect(f"{reverse_url('credits:my_hours')}?year={year}")
    rules = selectors.conversion_rules_for(year=year)
    return render(request, "credits/self_report.html", {"form": form, "year": year, "rules": rules})


def _visible_records(user):
    """Records a user may open: their own, their employer's staff, their city's, or all for the province."""
    if any(g.role == Role.PROVINCE_STAFF for g in roles_of(user)):
        return HourRecord.objects.all()
    scope = Q(professional=user) | Q(recorded_by_id__in=organisation_ids_with_role(user, Role.EMPLOYER_ADMIN))
    cities = [g.organisation_city for g in roles_of(user) if g.role == Role.CITY_STAFF]
    if cities:
        in_city = Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation__city__in=cities)
        scope |= Q(professional__in=in_city.values("user_id"))
    return HourRecord.objects.filter(scope)


def proof(request, pk: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    record = get_object_or_404(_visible_records(request.user).exclude(proof=""), pk=pk)
    return attachment_response(record.proof, f"proof-{record.pk}.{record.proof.name.rsplit('.', 1)[-1]}")


@permission_required("credits.view_certificate")
def certificate(request, year: int):
    try:
        cert = services.issue_certificate(user=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(f"{reverse_url('credits:my_hours')}?year={year}")
    verify_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse_url("credits:verify_code", args=[cert.code])
    return render(request, "credits/certificate.html", {"cert": cert, "verify_url": verify_url})


def verify(request, code: str = ""):
    """Public: the figures of a genuine certificate, nothing for a forged code."""
    form = VerifyForm(request.GET or None)
    if not code and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
    cert = selectors.certificate_by_code(code=code) if code else None
    status = 404 if code and cert is None else 200
    return render(request, "credits/verify.html", {"form": form, "cert": cert, "code": code}, status=status)


# ---------------------------------------------------------------- employer


def _roster_context(request):
    employer_ids = organisation_ids_with_role(request.user, Role.EMPLOYER_ADMIN)
    org_id = _one_of(request, employer_ids)
    year = _year(request)
    form = RosterFilterForm(request.GET or None, departments=selectors.departments_of(organisation_id=org_id))
    filters = form.cleaned_data if form.is_valid() else {}
    compliant = {"1": True, "0": False}.get(filters.get("compliant", ""))
    rows = selectors.roster(
        organisation_id=org_id,
        year=year,
        compliant=compliant,
        department=filters.get("department", ""),
        missing=filters.get("missing", ""),
        search=filters.get("q", "").strip(),
    )
    return org_id, year, form, rows


@permission_required("credits.view_roster")
def roster(request):
    try:
        org_id, year, form, rows = _roster_context(request)
    except selectors.NoPolicyError as exc:
        return render(request, "credits/roster.html", {"error": exc.messages[0], "year": _year(request)})
    policy = selectors.policy_for(year=year)
    page = _page(request, rows)
    for m in page:
        m.figures = selectors.annual_hours_requirement(
            policy=policy, public=m.public_hours, professional=m.professional_hours
        )
    context = {
        "form": form,
        "page": page,
        "year": year,
        "years": selectors.years_with_policy(),
        "organisation": Organisation.objects.get(pk=org_id),
        "pending": selectors.approval_queue(organisation_ids=[org_id]).count(),
        "policy": policy,
    }
    return render(request, "credits/roster.html", context)


@permission_required("credits.view_roster")
def roster_export(request):
    try:
        org_id, year, _form, rows = _roster_context(request)
    except selectors.NoPolicyError as exc:
        messages.error(request, exc.messages[0])
        return redirect("credits:roster")
    policy = selectors.policy_for(year=year)
    audit(type=AuditEvent.Type.DATA_EXPORTED, actor=request.user, target=f"roster:{org_id}:{year}")
    return _xlsx(excel.roster_xlsx(rows=rows, policy=policy), f"roster-{year}.xlsx")


@permission_required("credits.decide_record")
def queue(request):
    employer_ids = organisation_ids_with_role(request.user, Role.EMPLOYER_ADMIN)
    page = _page(request, selectors.approval_queue(organisation_ids=employer_ids))
    return render(request, "credits/queue.html", {"page": page, "form": DecisionForm()})


@require_POST
@permission_required("credits.decide_record")
def decide(request, pk: int):
    employer_ids = organisation_ids_with_role(request.user, Role.EMPLOYER_ADMIN)
    record = get_object_or_404(selectors.approval_queue(organisation_ids=employer_ids), pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if request.POST.get("action") == "approve":
            services.approve_record(record_id=record.pk, actor=request.user)
            messages.success(
                request, _("已通过：%(name)s %(hours)s 学时。") % {"name": record.professional, "hours": record.hours}
            )
        else:
            services.reject_record(record_id=record.pk, actor=request.user, reason=reason)
            messages.success(request, _("已退回。"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("credits:queue")


# ---------------------------------------------------------------- bureaus


def _city_of(request) -> str:
    cities = [g.organisation_city for g in roles_of(request.user) if g.role == Role.CITY_STAFF]
    wanted = request.GET.get("city", "")
    return wanted if wanted in cities else cities[0]


def _chart(rows) -> list[dict]:
    """Bars for the inline SVG chart: one per row, widths in the SVG's 0-100 coordinate space."""
    return [{"label": r.label, "rate": r.rate, "width": float(r.rate), "y": i * 26} for i, r in enumerate(rows)]


def _report(request, *, template: str, rows, title: str, export_url: str, year: int, extra=None):
    total_staff = sum(r.staff for r in rows)
    total_ok = sum(r.compliant for r in rows)
    context = {
        "rows": rows,
        "chart": _chart(rows),
        "chart_height": max(26, len(rows) * 26),
        "title": title,
        "year": year,
        "years": selectors.years_with_policy(),
        "export_url": export_url,
        "total_staff": total_staff,
        "total_compliant": total_ok,
        "total_rate": round(total_ok * 100 / total_staff, 1) if total_staff else 0,
        **(extra or {}),
    }
    return render(request, template, context)


@permission_required("credits.view_city_report")
def city_report(request):
    city, year = _city_of(request), _year(request)
    try:
        rows = selectors.compliance_by_employer(city=city, year=year)
    except selectors.NoPolicyError as exc:
        return render(request, "credits/report.html", {"error": exc.messages[0], "year": year})
    if request.GET.get("format") == "xlsx":
        audit(type=AuditEvent.Type.DATA_EXPORTED, actor=request.user, target=f"city-report:{city}:{year}")
        return _xlsx(excel.rates_xlsx(rows=rows, unit_label=_("用人单位")), f"compliance-{city}-{year}.xlsx")
    return _report(
        request,
        template="credits/report.html",
        rows=rows,
        title=_("%(city)s %(year)s年度各用人单位学时达标情况") % {"city": City(city).label, "year": year},
        export_url=f"?year={year}&city={city}&format=xlsx",
        year=year,
        extra={"audit": True},
    )


@permission_required("credits.view_province_report")
def province_report(request):
    year = _year(request)
    try:
        rows = selectors.compliance_by_city(year=year)
    except selectors.NoPolicyError as exc:
        return render(request, "credits/report.html", {"error": exc.messages[0], "year": year})
    if request.GET.get("format") == "xlsx":
        audit(type=AuditEvent.Type.DATA_EXPORTED, actor=request.user, target=f"province-report:{year}")
        return _xlsx(excel.rates_xlsx(rows=rows, unit_label=_("设区的市")), f"compliance-province-{year}.xlsx")
    return _report(
        request,
        template="credits/report.html",
        rows=rows,
        title=_("全省 %(year)s年度各市学时达标情况") % {"year": year},
        export_url=f"?year={year}&format=xlsx",
        year=year,
    )


@permission_required("credits.audit_record")
def audit_records(request):
    city, year = _city_of(request), _year(request)
    records = selectors.auditable_records(city=city, year=year)
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(Q(professional__name__contains=q) | Q(professional__id_number__endswith=q))
    page = _page(request, records)
    return render(request, "credits/audit.html", {"page": page, "year": year, "q": q, "form": ReverseForm()})


@require_POST
@permission_required("credits.audit_record")
def reverse(request, pk: int):
    city = _city_of(request)
    record = get_object_or_404(selectors.auditable_records(city=city), pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写冲正理由。"))
        return redirect("credits:audit")
    try:
        services.reverse_record(record_id=record.pk, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("已冲正该记录，本人可在学时记录中看到冲正理由。"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("credits:audit")


# ---------------------------------------------------------------- policies (province)


@permission_required("credits.manage_policy")
def policies(request):
    rows = YearPolicy.objects.prefetch_related("conversion_rules").order_by("-year")
    return render(request, "credits/policies.html", {"policies": rows})


@permission_required("credits.manage_policy")
def policy_edit(request, year: int | None = None):
    policy = get_object_or_404(YearPolicy, year=year) if year else None
    form = YearPolicyForm(request.POST or None, instance=policy)
    formset = ConversionRuleFormSet(request.POST or None, instance=policy or YearPolicy(), prefix="rules")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        from django.db import transaction

        with transaction.atomic():
            saved = form.save()
            formset.instance = saved
            formset.save()
            audit(
                type=AuditEvent.Type.OTHER,
                actor=request.user,
                target=f"year-policy:{saved.year}",
                data={k: str(v) for k, v in form.cleaned_data.items()},
            )
        messages.success(request, _("%(year)s年度学时政策已保存。") % {"year": saved.year})
        return redirect("credits:policies")
    return render(request, "credits/policy_form.html", {"form": form, "formset": formset, "policy": policy})


# ---------------------------------------------------------------- import (platforms)


@permission_required("credits.import_records")
def import_records(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        organisation = services.platform_organisation_of(request.user)
        try:
            rows = excel.read_import_rows(form.cleaned_data["file"], max_rows=services.MAX_BULK_ROWS)
            if not rows:
                raise ValidationError(_("表格中没有数据行。"))
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
    return render(request, "credits/import.html", {"form": form, "row_errors": row_errors})


@permission_required("credits.import_records")
def import_template(request):
    return _xlsx(excel.import_template_xlsx(), "hour-records-template.xlsx")
