"""Industry departments' pages: their study guides and the headings of 一、学习内容."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import add_errors, error_messages, paginate
from portal.permissions import permission_required

from .. import selectors, services
from ..forms import GuideForm, SectionForm
from .common import acting_unit, units


@permission_required("courses.manage_guides")
def my_guides(request):
    ids = selectors.department_ids(request.user)
    guides = selectors.guides_managed_by(request.user).order_by("-year", "department__name")
    return render(request, "courses/my_guides.html", {"page": paginate(request, guides), "units": units(ids)})


@permission_required("courses.manage_guides")
def guide_create(request):
    ids = selectors.department_ids(request.user)
    department = acting_unit(request, ids)
    form = GuideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.save_guide(actor=request.user, department=department, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("学习指南已创建，请继续填写学习内容。"))
            return redirect("courses:guide_edit", pk=guide.pk)
    return render(
        request, "courses/guide_form.html", {"form": form, "guide": None, "department": department, "units": units(ids)}
    )


@permission_required("courses.manage_guides")
def guide_edit(request, pk: int):
    guide = get_object_or_404(selectors.guides_managed_by(request.user), pk=pk)
    form = GuideForm(request.POST or None, instance=guide, prefix="guide")
    section_form = SectionForm(guide=guide, prefix="section")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_guide(actor=request.user, department=guide.department, data=form.cleaned_data, guide=guide)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("学习指南已保存。"))
            return redirect("courses:guide_edit", pk=guide.pk)
    return render(
        request,
        "courses/guide_form.html",
        {
            "form": form,
            "guide": guide,
            "department": guide.department,
            "tree": selectors.section_tree(guide=guide),
            "section_form": section_form,
        },
    )


@require_POST
@permission_required("courses.manage_guides")
def guide_publish(request, pk: int):
    guide = get_object_or_404(selectors.guides_managed_by(request.user), pk=pk)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_guide(actor=request.user, guide=guide)
            messages.success(request, _("学习指南已撤回为草稿。"))
        else:
            services.publish_guide(actor=request.user, guide=guide)
            messages.success(request, _("学习指南已发布。"))
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect("courses:guide_edit", pk=guide.pk)


def _section_page(request, guide, section):
    form = SectionForm(
        request.POST or None,
        guide=guide,
        prefix="section",
        initial={"parent": section.parent_id, "heading": section.heading, "body": section.body, "order": section.order}
        if section
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(actor=request.user, guide=guide, section=section, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("学习内容已保存。"))
            return redirect("courses:guide_edit", pk=guide.pk)
    return render(request, "courses/section_form.html", {"form": form, "guide": guide, "section": section})


@permission_required("courses.manage_guides")
def section_add(request, pk: int):
    guide = get_object_or_404(selectors.guides_managed_by(request.user), pk=pk)
    return _section_page(request, guide, None)


@permission_required("courses.manage_guides")
def section_edit(request, pk: int):
    section = get_object_or_404(selectors.guide_sections_managed_by(request.user), pk=pk)
    return _section_page(request, section.guide, section)


@require_POST
@permission_required("courses.manage_guides")
def section_delete(request, pk: int):
    section = get_object_or_404(selectors.guide_sections_managed_by(request.user), pk=pk)
    services.delete_section(actor=request.user, section=section)
    messages.success(request, _("已删除该条目及其下级内容。"))
    return redirect("courses:guide_edit", pk=section.guide_id)
