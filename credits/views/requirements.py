"""Departments and city bureaus set their mandatory learning for a year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Role
from accounts.selectors import roles_of
from portal.pages import paginate
from portal.permissions import permission_required

from .. import selectors, services
from ..forms import RequirementForm
from ._common import _year


def _setter_units(user) -> list[int]:
    return [g.organisation_id for g in roles_of(user) if g.role in (Role.DEPARTMENT_STAFF, Role.CITY_STAFF)]


@permission_required("credits.manage_requirements")
def requirements(request):
    units = _setter_units(request.user)
    organisation = Organisation.objects.get(pk=units[0])
    for_department = organisation.kind == Organisation.Kind.INDUSTRY_DEPARTMENT
    year = _year(request)
    form = RequirementForm(
        request.POST or None, for_department=for_department, department=organisation, initial={"year": year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_requirement(
                actor=request.user,
                organisation=organisation,
                year=data["year"],
                kind=data["kind"],
                course_id=data.get("course_id"),
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


@require_POST
@permission_required("credits.manage_requirements")
def requirement_remove(request, pk: int):
    requirement = get_object_or_404(selectors.requirements_set_by(organisation_ids=_setter_units(request.user)), pk=pk)
    services.remove_requirement(actor=request.user, requirement=requirement)
    messages.success(request, _("已删除该要求。"))
    return redirect("credits:requirements")
