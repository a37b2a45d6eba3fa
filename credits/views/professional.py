"""Professional pages: my hours, self-report, proof downloads, certificate, public verification."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse as reverse_url
from django.utils.translation import gettext as _

from portal.permissions import SIGNED_IN, permission_required, public
from portal.uploads import attachment_response

from .. import selectors, services
from ..forms import (
    SelfReportForm,
    VerifyForm,
)
from ..selectors.plan import my_hours as my_hours_of
from ._common import _year


@permission_required("credits.view_my_hours")
def my_hours(request):
    year = _year(request)
    context = {"year": year, "years": selectors.years_with_policy()}
    try:
        mine = my_hours_of(user=request.user, year=year)
    except selectors.NoPolicyError as exc:
        context["error"] = exc.messages[0]
        return render(request, "credits/my_hours.html", context)
    context.update(
        compliance=mine.compliance,
        policy=mine.policy,
        requirement_lines=mine.requirement_lines,
        records=mine.records,
        gaps=mine.gaps,
        plan=mine.plan,
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
            record, _created = services.self_report_hours(
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
            if record.bureau_review:
                messages.success(request, _("已提交。本年度个人申报学时超过规定阈值，本条由单位所在市人社局审核。"))
            else:
                messages.success(request, _("已提交，等待单位审核。"))
            return redirect(f"{reverse_url('credits:my_hours')}?year={year}")
    rules = list(selectors.conversion_rules_for(year=year))
    max_hours = max((rule.max_hours() for rule in rules), default=None)
    context = {"form": form, "year": year, "rules": rules, "max_hours": max_hours}
    return render(request, "credits/self_report.html", context)


@permission_required(SIGNED_IN)
def proof(request, pk: int):
    record = get_object_or_404(selectors.records_visible_to(request.user).exclude(proof=""), pk=pk)
    return attachment_response(record.proof, f"proof-{record.pk}.{record.proof.name.rsplit('.', 1)[-1]}")


@permission_required("credits.view_certificate")
def certificate(request, year: int):
    """GET shows the year's current certificate and never writes; POST issues one for a compliant year."""
    back = f"{reverse_url('credits:my_hours')}?year={year}"
    if request.method == "POST":
        try:
            services.issue_certificate(user=request.user, year=year)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(back)
        return redirect("credits:certificate", year=year)
    try:
        compliance = selectors.compliance_for(user=request.user, year=year)
    except selectors.NoPolicyError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    if not compliance.compliant:
        messages.error(request, _("%(year)s年度学时尚未达标，暂不能出具学时证明。") % {"year": year})
        return redirect(back)
    cert = selectors.current_certificate(user=request.user, year=year, compliance=compliance)
    verify_url = ""
    if cert is not None:
        verify_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse_url("credits:verify_code", args=[cert.code])
    return render(request, "credits/certificate.html", {"cert": cert, "year": year, "verify_url": verify_url})


@public
def verify(request, code: str = ""):
    """Public: the figures of a genuine certificate, nothing for a forged code."""
    form = VerifyForm(request.GET or None)
    if not code and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
    cert = selectors.certificate_by_code(code=code) if code else None
    status = 404 if code and cert is None else 200
    return render(request, "credits/verify.html", {"form": form, "cert": cert, "code": code}, status=status)
