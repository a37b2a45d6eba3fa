"""Departments and city bureaus set their mandatory learning for a year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role
from accounts.selectors import roles_of
from portal.pages import paginate
from portal.permissions import permission_required

from .. import selectors, services
from ..forms import RequirementForm
from ._common import _year

# Buttons that re-render the form with what was typed (a course search, another year) without saving.
REFRESH = "refresh"


def _setter_units(user) -> list[int]:
    return [g.organisation_id for g in roles_of(user) if g.role in (Role.DEPARTMENT_STAFF, Role.CITY_STAFF)]


def _typed(data) -> dict:
    """What was typed, as the initial values of an unbound form (a refresh shows no errors)."""
    return {name: data.getlist(name) if name == "employers" else data.get(name) for name in data}


@permission_required("credits.manage_requirements")
def requirements(request):
    units = _setter_units(request.user)
    organisation = Organisation.objects.get(pk=units[0])
    for_department = organisation.kind == Organisation.Kind.INDUSTRY_DEPARTMENT
    year = _year(request)
    if REFRESH in request.POST:
        form = RequirementForm(for_department=for_department, department=organisation, initial=_typed(request.POST))
    else:
        form = RequirementForm(
            request.POST or None, for_department=for_department, department=organisation, initial={"year": year}
        )
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_requirement(
                actor=request.user,
                organisation=organisation,
                year=data["year"],
                kind=data["kind"],
                course_id=data.get("course"),
                topic=data.get("topic"),
                min_hours=data.get("min_hours"),
                employers=data.get("employers") or (),
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("专门学习要求已设置。"))
            return redirect("credits:requirements")
    page = paginate(request, selectors.requirements_set_by(organisation_ids=[organisation.pk]))
    context = {"form": form, "page": page, "organisation": organisation, "for_department": for_department}
    return render(request, "credits/requirements.html", context)


@permission_required("credits.manage_requirements")
def requirement_remove(request, pk: int):
    """Deleting asks first, saying whom the requirement stops binding; only the confirmation's own
    form (its `confirm` field) deletes, and the deletion is recorded (audit log, history)."""
    requirement = get_object_or_404(selectors.requirements_set_by(organisation_ids=_setter_units(request.user)), pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        services.remove_requirement(actor=request.user, requirement=requirement)
        messages.success(request, _("已删除该要求。"))
        return redirect("credits:requirements")
    if request.method == "POST":
        return redirect("credits:requirement_remove", pk=requirement.pk)
    for_department = requirement.organisation.kind == Organisation.Kind.INDUSTRY_DEPARTMENT
    try:
        binding = selectors.policy_for(year=requirement.year).mandatory_binding
    except selectors.NoPolicyError:
        binding = False
    context = {"requirement": requirement, "for_department": for_department, "binding": binding}
    return render(request, "credits/requirement_remove.html", context)
