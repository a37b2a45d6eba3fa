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
    ResubmitForm,
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
    # Every version of a self-report sits in its year, so the year's records say which returned
    # ones were already sent again (no query).
    resubmitted = {r.resubmission_of_id for r in mine.records if r.resubmission_of_id}
    for record in mine.records:
        if record.source == "self_reported" and record.status == "rejected":
            record.resubmit_refusal = services.resubmission_refusal(
                record=record, policy=mine.policy, resubmitted=record.pk in resubmitted
            )
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
            record, _created = services.self_report_hours(professional=request.user, year=year, **_reported(data))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _submitted_message(request, record)
            return redirect(f"{reverse_url('credits:my_hours')}?year={year}")
    rules = list(selectors.conversion_rules_for(year=year))
    max_hours = max((rule.max_hours() for rule in rules), default=None)
    context = {"form": form, "year": year, "rules": rules, "max_hours": max_hours}
    return render(request, "credits/self_report.html", context)


def _reported(data) -> dict:
    """What the self-report form (new or corrected) says, as the services take it."""
    fields = ("title", "completed_on", "conversion_rule", "quantity", "hours", "proof")
    return {name: data[name] for name in fields} | {"category": data["category"] or None}


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submitted_message(request, record) -> None:
    if record.bureau_review:
        messages.success(request, _("已提交。本年度个人申报学时超过规定阈值，本条由单位所在市人社局审核。"))
    else:
        messages.success(request, _("已提交，等待单位审核。"))


def _own_self_report(request, pk: int):
    """One of the user's own self-reports; 404 for anyone else's (nobody learns it exists)."""
    return get_object_or_404(selectors.self_reports_of(user=request.user), pk=pk)


def _history(record):
    """Every version of the record's chain, oldest first, and the refusal ("" = allowed) to send
    the latest one again."""
    chain = selectors.version_chains(records=[record]).get(record.first_version_id or record.pk, [record])
    latest = chain[-1]
    refusal = services.resubmission_refusal(
        record=latest, policy=selectors.policy_for(year=record.year), resubmitted=False
    )
    return chain, latest, refusal


@permission_required("credits.self_report")
def my_record(request, pk: int):
    """One of my self-reports with every version: each one's decision, when, and the reason."""
    record = _own_self_report(request, pk)
    chain, latest, refusal = _history(record)
    context = {"record": record, "chain": chain, "latest": latest, "refusal": refusal}
    return render(request, "credits/my_record.html", context)


@permission_required("credits.self_report")
def resubmit(request, pk: int):
    """A returned self-report, corrected and sent again as its next version (GET: the form filled
    in from the returned version, with the earlier versions and the reason above it)."""
    returned = _own_self_report(request, pk)
    chain, latest, refusal = _history(returned)
    if latest.pk != returned.pk:
        refusal = _("该申报已修改后重新提交过，请查看最新版本。")
    form = ResubmitForm(request.POST or None, request.FILES or None, returned=returned)
    if request.method == "POST" and not refusal and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.resubmit_self_report(professional=request.user, record_id=returned.pk, **_reported(data))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _submitted_message(request, record)
            return redirect("credits:my_record", pk=record.pk)
    rules = list(selectors.conversion_rules_for(year=returned.year))
    context = {
        "form": form,
        "returned": returned,
        "chain": chain,
        "refusal": refusal,
        "year": returned.year,
        "rules": rules,
        "max_hours": max((rule.max_hours() for rule in rules), default=None),
    }
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "credits/resubmit.html", context, status=status)


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


@permission_required("credits.view_certificate")
def certificates(request):
    """下载学时证明: the person's years, those that can be certified with their button, and for the
    others what is missing. Nothing is issued until the person asks (POST to `certificate`)."""
    return render(request, "credits/certificates.html", {"rows": selectors.certificate_years(user=request.user)})


@public
def verify(request, code: str = ""):
    """Public: the figures of a genuine certificate, nothing for a forged code."""
    form = VerifyForm(request.GET or None)
    if not code and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
    cert = selectors.certificate_by_code(code=code) if code else None
    status = 404 if code and cert is None else 200
    return render(request, "credits/verify.html", {"form": form, "cert": cert, "code": code}, status=status)
