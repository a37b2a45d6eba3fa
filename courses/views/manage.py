"""Providers' pages: their own courses and learning platforms, the Excel upload, the catalogue export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.bounds import whole_number
from portal.pages import add_errors, error_messages, paginate
from portal.permissions import permission_required
from portal.uploads import XLSX, download_response

from .. import excel, export, selectors, services
from ..filters import CourseFilter
from ..forms import CourseForm, PlatformForm, UploadForm
from ..models import Course
from .common import acting_unit, units


@permission_required("courses.manage_courses")
def my_courses(request):
    ids = selectors.provider_organisation_ids(request.user)
    queryset = selectors.courses_managed_by(request.user).order_by("-updated_at", "id")
    status = request.GET.get("status")
    if status in Course.Status.values:
        queryset = queryset.filter(status=status)
    page = paginate(request, queryset)
    context = {
        "page": page,
        "units": units(ids),
        "statuses": Course.Status.choices,
        "status": status,
        "has_drafts": any(course.status == Course.Status.DRAFT for course in page),
    }
    return render(request, "courses/my_courses.html", context)


def _course_form(request, course: Course | None):
    ids = selectors.provider_organisation_ids(request.user)
    provider = course.provider if course else acting_unit(request, ids)
    form = CourseForm(request.POST or None, instance=course, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.save_course(
                actor=request.user,
                provider=provider,
                data=form.course_data(),
                course=course,
                teacher_names=form.teacher_list(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("课程已保存。"))
            return redirect("courses:course_edit", pk=course.pk)
    return render(
        request,
        "courses/course_form.html",
        {"form": form, "course": course, "provider": provider, "units": units(ids) if course is None else []},
    )


@permission_required("courses.manage_courses")
def course_create(request):
    return _course_form(request, None)


@permission_required("courses.manage_courses")
def course_edit(request, pk: int):
    course = get_object_or_404(selectors.courses_managed_by(request.user), pk=pk)
    return _course_form(request, course)


@require_POST
@permission_required("courses.manage_courses")
def course_status(request, pk: int):
    course = get_object_or_404(selectors.courses_managed_by(request.user), pk=pk)
    try:
        services.set_course_status(actor=request.user, course=course, status=request.POST.get("status", ""))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("课程状态已更新。"))
    return redirect("courses:course_edit", pk=course.pk)


@require_POST
@permission_required("courses.manage_courses")
def course_new_version(request, pk: int):
    """复制为新课程/新版本: a draft copy to edit, the old course and its records unchanged."""
    course = get_object_or_404(selectors.courses_managed_by(request.user), pk=pk)
    try:
        copy = services.copy_course_as_new_version(actor=request.user, course=course)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("courses:course_edit", pk=course.pk)
    messages.success(request, _("已复制为新课程（草稿），修改后发布即可；原课程及其学时记录保持不变。"))
    return redirect("courses:course_edit", pk=copy.pk)


@permission_required("courses.manage_courses")
def course_upload(request):
    ids = selectors.provider_organisation_ids(request.user)
    provider = acting_unit(request, ids)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_courses(actor=request.user, provider=provider, file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if result.ok:
                messages.success(request, _("已导入 %(n)s 门课程（草稿），勾选后可批量发布。") % {"n": result.created})
                if result.skipped:
                    messages.info(
                        request,
                        _("%(n)s 门课程本单位已有（名称、类别、形式、年度相同），未重复导入。")
                        % {"n": len(result.skipped)},
                    )
                return redirect(f"{reverse('courses:my_courses')}?status={Course.Status.DRAFT}&org={provider.pk}")
    return render(
        request,
        "courses/upload.html",
        {"form": form, "result": result, "provider": provider, "units": units(ids), "max_rows": excel.MAX_IMPORT_ROWS},
    )


@permission_required("courses.manage_courses")
def upload_template(request):
    provider = acting_unit(request, selectors.provider_organisation_ids(request.user))
    return download_response(excel.template_workbook(provider=provider), filename="课程导入模板.xlsx", kind=XLSX)


@require_POST
@permission_required("courses.manage_courses")
def bulk_publish(request):
    """Publish the drafts ticked on the unit's course list, all or none."""
    ids = [pk for pk in map(whole_number, request.POST.getlist("course")) if pk is not None]
    courses = list(selectors.courses_managed_by(request.user).filter(pk__in=ids))
    try:
        published = services.publish_courses(actor=request.user, courses=courses)
    except ValidationError as exc:
        messages.error(request, _("未发布任何课程：%(reasons)s") % {"reasons": " ".join(exc.messages)})
    else:
        messages.success(request, _("已发布 %(n)s 门课程。") % {"n": published})
    return redirect(f"{reverse('courses:my_courses')}?status={Course.Status.DRAFT}")


@permission_required("courses.export_catalogue")
def export_xlsx(request):
    """The catalogue (filtered as in the public page) as .xlsx for bureau staff: every status for provincial
    staff; city staff get the published catalogue and their own bureau's drafts and withdrawn courses."""
    filterset = CourseFilter(request.GET, queryset=selectors.exportable_courses(request.user), request=request)
    queryset = filterset.qs if filterset.is_valid() else Course.objects.none()
    content = export.export_catalogue(actor=request.user, queryset=queryset.order_by("provider__name", "title", "id"))
    return download_response(content, filename=f"课程目录-{timezone.localdate():%Y%m%d}.xlsx", kind=XLSX)


@permission_required("courses.manage_platforms")
def my_platforms(request):
    ids = selectors.provider_organisation_ids(request.user)
    platforms = selectors.platforms_managed_by(request.user).order_by("owner__name", "name")
    return render(request, "courses/my_platforms.html", {"page": paginate(request, platforms), "units": units(ids)})


def _platform_form(request, platform):
    ids = selectors.provider_organisation_ids(request.user)
    owner = platform.owner if platform else acting_unit(request, ids)
    form = PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_platform(actor=request.user, owner=owner, data=form.cleaned_data, platform=platform)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("学习平台已保存。"))
            return redirect("courses:my_platforms")
    return render(
        request,
        "courses/platform_form.html",
        {"form": form, "platform": platform, "owner": owner, "units": units(ids) if platform is None else []},
    )


@permission_required("courses.manage_platforms")
def platform_create(request):
    return _platform_form(request, None)


@permission_required("courses.manage_platforms")
def platform_edit(request, pk: int):
    return _platform_form(request, get_object_or_404(selectors.platforms_managed_by(request.user), pk=pk))
