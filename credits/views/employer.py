"""Employer pages: staff roster with filters and export, approval queue."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import organisation_ids_with_role
from accounts.services import audit
from portal.formats import format_hours as hours
from portal.pages import paginate
from portal.permissions import SIGNED_IN, permission_required

from .. import excel, selectors, services
from ..forms import (
    DecisionForm,
    RosterFilterForm,
)
from ..selectors.people import employer_visible_to, staff_member_visible_to
from ._common import _one_of, _xlsx, _year


def _roster_rows(request, org_id: int, requirements=()):
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
        requirements=requirements,
    )
    return year, form, rows


def _render_roster(request, org_id: int, *, export_url: str, show_pending: bool):
    organisation = Organisation.objects.get(pk=org_id)
    requirements = selectors.requirements_for_employer(employer=organisation, year=_year(request))
    try:
        year, form, rows = _roster_rows(request, org_id, requirements)
    except selectors.NoPolicyError as exc:
        return render(request, "credits/roster.html", {"error": exc.messages[0], "year": _year(request)})
    policy = selectors.policy_for(year=year)
    summary = selectors.roster_summary(organisation=org_id, year=year)
    # Unfiltered, the page count is the staff memberships alone (one index range, no join to the
    # people and their summaries, which only annotate the rows).
    filters = form.cleaned_data if form.is_valid() else {}
    unfiltered = not any(filters.get(k) for k in ("compliant", "department", "missing", "q"))
    count = selectors.staff_memberships(organisation_ids=[org_id]).count() if unfiltered else None
    page = paginate(request, rows, count=count)
    for m in page:
        m.requirement_lines = selectors.row_requirement_lines(m, requirements)
        m.figures = selectors.compliance_with(
            policy=policy, public=m.public_hours, professional=m.professional_hours, lines=m.requirement_lines
        )
    context = {
        "form": form,
        "page": page,
        "year": year,
        "years": selectors.years_with_policy(),
        "organisation": organisation,
        "requirements": requirements,
        "pending": selectors.records_decidable_by(request.user).count() if show_pending else 0,
        "summary": summary,
        # 达标率 as a fraction for the `percent` filter; None (无人员) for an employer without staff.
        "summary_share": Decimal(summary.compliant) / summary.staff if summary.staff else None,
        "policy": policy,
        "export_url": export_url,
    }
    return render(request, "credits/roster.html", context)


def _export_roster(request, org_id: int):
    organisation = Organisation.objects.get(pk=org_id)
    # The same requirements as the page, so the export's 是否达标 agrees with it when they bind.
    requirements = selectors.requirements_for_employer(employer=organisation, year=_year(request))
    try:
        year, _form, rows = _roster_rows(request, org_id, requirements)
    except selectors.NoPolicyError as exc:
        messages.error(request, exc.messages[0])
        return redirect(request.path.rsplit("export/", 1)[0])
    policy = selectors.policy_for(year=year)
    audit(type=AuditEvent.Type.DATA_EXPORTED, actor=request.user, target=f"roster:{org_id}:{year}")
    content = excel.roster_xlsx(rows=rows, policy=policy, requirements=requirements)
    return _xlsx(content, _("%(unit)s-%(year)s年度学时达标名单.xlsx") % {"unit": organisation.name, "year": year})


def _own_employer(request) -> int:
    return _one_of(request, organisation_ids_with_role(request.user, Role.EMPLOYER_ADMIN))


@permission_required("credits.view_roster")
def roster(request):
    return _render_roster(
        request, _own_employer(request), export_url=reverse("credits:roster_export"), show_pending=True
    )


@permission_required("credits.view_roster")
def roster_export(request):
    return _export_roster(request, _own_employer(request))


def _organisation_for(request, pk: int) -> Organisation:
    """An employer the user may oversee (bureau staff, or its own admin); 404 for any other."""
    organisation = employer_visible_to(user=request.user, organisation_id=pk)
    if organisation is None:
        raise Http404
    return organisation


@permission_required(SIGNED_IN)
def organisation_roster(request, pk: int):
    organisation = _organisation_for(request, pk)
    export_url = reverse("credits:organisation_roster_export", args=[organisation.pk])
    return _render_roster(request, organisation.pk, export_url=export_url, show_pending=False)


@permission_required(SIGNED_IN)
def organisation_roster_export(request, pk: int):
    return _export_roster(request, _organisation_for(request, pk).pk)


@permission_required(SIGNED_IN)
def person_records(request, pk: int):
    """One staff member's year for those who oversee their employer (职称 files): the summary and
    every ledger line; 404 for a person outside the user's scope."""
    membership = staff_member_visible_to(user=request.user, membership_id=pk)
    if membership is None:
        raise Http404
    person, year = membership.user, _year(request)
    if membership.organisation_id in organisation_ids_with_role(request.user, Role.EMPLOYER_ADMIN):
        back_url = f"{reverse('credits:roster')}?org={membership.organisation_id}&year={year}"
    else:
        back_url = f"{reverse('credits:organisation_roster', args=[membership.organisation_id])}?year={year}"
    context = {
        "membership": membership,
        "person": person,
        "year": year,
        "years": selectors.years_with_policy(),
        "back_url": back_url,
    }
    try:
        context["compliance"] = selectors.compliance_for(user=person, year=year)
    except selectors.NoPolicyError as exc:
        context["error"] = exc.messages[0]
        return render(request, "credits/person_records.html", context)
    context.update(
        requirement_lines=selectors.requirement_lines(user=person, year=year),
        records=selectors.records_for(user=person, year=year).select_related("decided_by"),
    )
    return render(request, "credits/person_records.html", context)


@permission_required("credits.decide_record")
def queue(request):
    page = paginate(request, selectors.records_decidable_by(request.user))
    selectors.attach_earlier_versions(page)
    for record in page:
        record.decision_form = DecisionForm(auto_id=f"id_%s_{record.pk}")
    return render(request, "credits/queue.html", {"page": page})


@require_POST
@permission_required("credits.decide_record")
def decide(request, pk: int):
    """POST only. A missing decision or a return without a reason shows the record again with the
    error and the choice kept; an approval is first shown for confirmation, then made."""
    record = get_object_or_404(selectors.records_decidable_by(request.user), pk=pk)
    selectors.attach_earlier_versions([record])
    form = DecisionForm(request.POST, auto_id=f"id_%s_{record.pk}")
    if not form.is_valid():
        return render(request, "credits/decide.html", {"record": record, "form": form})
    data = form.cleaned_data
    if data["action"] == DecisionForm.APPROVE and not data["confirm"]:
        confirm = DecisionForm(initial={"action": DecisionForm.APPROVE, "confirm": True})
        return render(request, "credits/decide.html", {"record": record, "form": confirm, "confirming": True})
    try:
        if data["action"] == DecisionForm.APPROVE:
            services.approve_record(record_id=record.pk, actor=request.user)
            messages.success(
                request,
                _("已通过：%(name)s %(hours)s 学时。") % {"name": record.professional, "hours": hours(record.hours)},
            )
        else:
            services.reject_record(record_id=record.pk, actor=request.user, reason=data["reason"])
            messages.success(request, _("已退回：%(name)s。") % {"name": record.professional})
    except services.SentToCityBureau as exc:
        # The record is no longer this employer's to decide: back to the queue, which no longer lists it.
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return render(request, "credits/decide.html", {"record": record, "form": form})
    return redirect("credits:queue")
