"""Bureau pages: city and province compliance reports, city audit (reversal)."""

from decimal import Decimal
from functools import lru_cache

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent, City, Organisation, Role
from accounts.selectors import has_role, roles_of
from accounts.services import audit
from portal.pages import paginate
from portal.permissions import permission_required

from .. import excel, selectors, services
from ..forms import (
    ReverseForm,
)
from ._common import _xlsx, _year


def _city_of(request) -> str:
    cities = [g.organisation_city for g in roles_of(request.user) if g.role == Role.CITY_STAFF]
    wanted = request.GET.get("city", "")
    return wanted if wanted in cities else cities[0]


def _share(compliant: int, staff: int) -> Decimal | None:
    """达标率 as a fraction for the `percent` filter; None (shown as 无人员) when nobody is counted."""
    return Decimal(compliant) / Decimal(staff) if staff else None


def _chart(rows) -> list[dict]:
    """Horizontal bars, highest rate first, rows without staff last (drawn as 无人员, never 0 %);
    widths in the SVG's 0-100 coordinate space, the names and figures as HTML text above them."""
    bars = [
        {
            "label": r.label,
            "staff": r.staff,
            "compliant": r.compliant,
            "share": _share(r.compliant, r.staff),
            "width": round(r.compliant * 100 / r.staff, 1) if r.staff else 0,
        }
        for r in rows
    ]
    return sorted(bars, key=lambda b: (b["share"] is None, -(b["share"] or 0), b["label"]))


@lru_cache(maxsize=64)
def _report_fragments(rows: tuple, *, year: int, drill_down: str, language: str, script_prefix: str) -> tuple[str, str]:
    """The report's figures (with the chart) and its table, rendered once per process for each set
    of rows: they depend on nothing else than the arguments (rows are frozen, read from the rollups
    on every request, so a changed figure is a new key), never on the user."""
    total_staff = sum(r.staff for r in rows)
    total_ok = sum(r.compliant for r in rows)
    context = {
        "table": [{"row": r, "share": _share(r.compliant, r.staff)} for r in rows],
        "chart": _chart(rows),
        "year": year,
        "drill_down": drill_down,
        "total_staff": total_staff,
        "total_compliant": total_ok,
        "total_share": _share(total_ok, total_staff),
    }
    return (
        render_to_string("credits/_report_figures.html", context),
        render_to_string("credits/_report_table.html", context),
    )


def _report(request, *, template: str, rows, title: str, export_url: str, year: int, extra=None):
    extra = extra or {}
    figures, table = _report_fragments(
        tuple(rows),
        year=year,
        drill_down=extra.get("drill_down", ""),
        language=get_language(),
        script_prefix=get_script_prefix(),
    )
    context = {
        "rows": rows,
        "report_figures": figures,
        "report_table": table,
        "title": title,
        "year": year,
        "years": selectors.years_with_policy(),
        "export_url": export_url,
        **extra,
    }
    return render(request, template, context)


def _report_city(request) -> str | None:
    """City staff see their own city; provincial staff any city they pick from the province report."""
    if has_role(request.user, Role.PROVINCE_STAFF):
        wanted = request.GET.get("city", "")
        if wanted in City.values:
            return wanted
    if has_role(request.user, Role.CITY_STAFF):
        return _city_of(request)
    return None


def _requirement_rates(*, year: int, city: str | None):
    """Departments' and cities' requirements as lines of their own, among the report's staff."""
    employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER)
    if city is not None:
        employers = employers.filter(city=city)
    memberships = selectors.staff_memberships(organisation_ids=employers.values("id"))
    rates = selectors.requirement_rates(
        memberships=memberships, year=year, requirements=selectors.requirements_of_year(year=year)
    )
    return [r for r in rates if r.staff]


@permission_required("credits.view_city_report")
def city_report(request):
    city, year = _report_city(request), _year(request)
    if city is None:
        return redirect("credits:province_report")
    try:
        rows = selectors.compliance_by_employer(city=city, year=year)
    except selectors.NoPolicyError as exc:
        return render(request, "credits/report.html", {"error": exc.messages[0], "year": year})
    if request.GET.get("format") == "xlsx":
        audit(type=AuditEvent.Type.DATA_EXPORTED, actor=request.user, target=f"city-report:{city}:{year}")
        return _xlsx(
            excel.rates_xlsx(rows=rows, unit_label=_("用人单位")),
            _("%(city)s%(year)s年度各用人单位学时达标情况.xlsx") % {"city": City(city).label, "year": year},
        )
    return _report(
        request,
        template="credits/report.html",
        rows=rows,
        title=_("%(city)s %(year)s年度各用人单位学时达标情况") % {"city": City(city).label, "year": year},
        export_url=f"?year={year}&city={city}&format=xlsx",
        year=year,
        extra={
            "audit": has_role(request.user, Role.CITY_STAFF),
            "drill_down": "employer",
            "requirement_rates": _requirement_rates(year=year, city=city),
        },
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
        return _xlsx(
            excel.rates_xlsx(rows=rows, unit_label=_("设区的市")),
            _("全省%(year)s年度各市学时达标情况.xlsx") % {"year": year},
        )
    return _report(
        request,
        template="credits/report.html",
        rows=rows,
        title=_("全省 %(year)s年度各市学时达标情况") % {"year": year},
        export_url=f"?year={year}&format=xlsx",
        year=year,
        extra={"drill_down": "city", "requirement_rates": _requirement_rates(year=year, city=None)},
    )


def _correctable(request, *, year: int | None = None):
    """The records this bureau may correct: the province all, a city bureau its city's."""
    city = None if has_role(request.user, Role.PROVINCE_STAFF) else _city_of(request)
    return selectors.auditable_records(city=city, year=year)


@permission_required("credits.audit_record")
def audit_records(request):
    year = _year(request)
    records = _correctable(request, year=year)
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(Q(professional__name__contains=q) | Q(professional__id_number__endswith=q))
    page = paginate(request, records)
    return render(request, "credits/audit.html", {"page": page, "year": year, "q": q, "form": ReverseForm()})


@require_POST
@permission_required("credits.audit_record")
def reverse(request, pk: int):
    record = get_object_or_404(_correctable(request), pk=pk)
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
