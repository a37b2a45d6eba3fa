"""Teachers: the provider's records (workplace, proposed account link) and each person's own
page where they confirm or decline that a teacher record is them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import add_errors, error_messages, paginate
from portal.permissions import SIGNED_IN, permission_required

from .. import selectors, services
from ..forms import TeacherForm
from ..models import Teacher
from .common import acting_unit, units


@permission_required("courses.manage_courses")
def my_teachers(request):
    ids = selectors.provider_organisation_ids(request.user)
    teachers = selectors.teachers_managed_by(request.user).order_by("organisation__name", "name", "id")
    return render(request, "courses/my_teachers.html", {"page": paginate(request, teachers), "units": units(ids)})


def _initial(teacher: Teacher | None) -> dict | None:
    if teacher is None:
        return None
    return {
        "name": teacher.name,
        "professional_title": teacher.professional_title,
        "current_unit": teacher.current_unit_id,
        "former_units": [u.pk for u in teacher.former_units.all()],
        "unit": teacher.unit,
        "bio": teacher.bio,
    }


def _teacher_form(request, teacher):
    ids = selectors.provider_organisation_ids(request.user)
    organisation = teacher.organisation if teacher else acting_unit(request, ids)
    form = TeacherForm(request.POST or None, initial=_initial(teacher))
    if request.method == "POST" and request.POST.get("unlink") and teacher:
        # Unlinking reverses the teaching credit the link brought; a refused reversal refuses it.
        try:
            services.unlink_teacher_account(actor=request.user, teacher=teacher)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("已撤销账号关联。"))
        return redirect("courses:teacher_edit", pk=teacher.pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # The ID number is write-only (never shown back): left empty keeps the current proposal.
        if teacher and not data["id_number"].strip():
            data["id_number"] = teacher.id_number
        data["former_units"] = list(data["former_units"])
        try:
            services.save_teacher(actor=request.user, organisation=organisation, teacher=teacher, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("教师信息已保存。"))
            return redirect("courses:my_teachers")
    return render(
        request,
        "courses/teacher_form.html",
        {"form": form, "teacher": teacher, "organisation": organisation, "units": units(ids) if not teacher else []},
    )


@permission_required("courses.manage_courses")
def teacher_create(request):
    return _teacher_form(request, None)


@permission_required("courses.manage_courses")
def teacher_edit(request, pk: int):
    return _teacher_form(request, get_object_or_404(selectors.teachers_managed_by(request.user), pk=pk))


@permission_required(SIGNED_IN)
def my_teaching(request):
    """The person's own page: teacher records proposed to them by ID number, to confirm or decline."""
    return render(
        request,
        "courses/my_teaching.html",
        {
            "proposed": selectors.teacher_links_proposed_to(request.user),
            "confirmed": selectors.teacher_links_of(request.user),
        },
    )


@require_POST
@permission_required(SIGNED_IN)
def my_teaching_answer(request, pk: int):
    action = request.POST.get("action")
    if action not in ("confirm", "decline"):
        messages.error(request, _("请选择确认或拒绝。"))
        return redirect("courses:my_teaching")
    answer = services.confirm_teacher_link if action == "confirm" else services.decline_teacher_link
    try:
        answer(user=request.user, teacher_id=pk)
    except Teacher.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("courses:my_teaching")
    if action == "confirm":
        messages.success(request, _("已确认关联，该课程的授课记录将计入您的账号。"))
    else:
        messages.success(request, _("已拒绝关联。"))
    return redirect("courses:my_teaching")
