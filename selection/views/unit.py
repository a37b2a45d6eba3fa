"""The recommending unit's pages (CE base admins, city bureau staff): draft, pledge, submit, withdraw."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.services import safe_filename
from portal.pages import error_messages
from portal.permissions import permission_required
from portal.uploads import attachment_response

from .. import selectors, services
from ..forms import LicenceForm, PledgeForm, RecommendationForm
from ..models import Recommendation


def _warn_if_intro_names_identity(request, rec: Recommendation) -> None:
    """Blind review shows experts the course introduction: warn the unit (at save and at submit)
    when it names the unit or a teacher."""
    found = selectors.names_in_intro(intro=rec.intro, organisation=rec.organisation, course=rec.course)
    if found:
        messages.warning(
            request,
            _(
                "课程简介中出现了“%(names)s”。匿名评审时专家能看到课程简介，请删去单位名称、简称和教师姓名"
                "（教师介绍请写在“师资简介”中）。"
            )
            % {"names": "、".join(found)},
        )


def _unit(request):
    """The unit the user recommends for (the first one if they hold several)."""
    return selectors.recommending_organisations(request.user).first()


@permission_required("selection.recommend")
def unit_home(request):
    """Every campaign open for recommendations (next year's too), each with its dates and this
    unit's recommendations; then the current year's, to follow its recommendations."""
    unit = _unit(request)
    campaigns = selectors.campaigns_for_recommending_unit()
    unit_error = ""
    if campaigns:
        try:
            services.check_unit_may_recommend(organisation=unit)
        except ValidationError as exc:
            unit_error = exc.messages[0]
    recommendations = selectors.recommendations_of_unit(user=request.user, campaigns=campaigns)
    for campaign in campaigns:
        campaign.unit_recommendations = [r for r in recommendations if r.campaign_id == campaign.pk]
    context = {
        "campaigns": campaigns,
        "unit": unit,
        "unit_error": unit_error,
        "selected_counts": selectors.selected_counts_for_unit(organisation=unit),
    }
    return render(request, "selection/unit_home.html", context)


@permission_required("selection.recommend")
def unit_new(request, year: int):
    campaign = get_object_or_404(selectors.campaigns(), year=year)
    unit = _unit(request)
    try:
        # Refused before the form, whatever the method: nothing is saved once the window is closed.
        services.check_before_recommendation_deadline(campaign=campaign)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("selection:unit")
    courses = selectors.recommendable_courses(organisation=unit, year=campaign.year)
    form = RecommendationForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rec = services.create_recommendation(campaign=campaign, organisation=unit, actor=request.user, **data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("推荐已保存为草稿，请填写知识产权保护承诺书后报送。"))
            _warn_if_intro_names_identity(request, rec)
            return redirect("selection:unit_detail", pk=rec.pk)
    return render(request, "selection/unit_form.html", {"campaign": campaign, "form": form, "unit": unit})


@permission_required("selection.recommend")
def unit_detail(request, pk: int):
    rec = get_object_or_404(selectors.recommendations_of_units_of(request.user), pk=pk)
    pledge = getattr(rec, "pledge", None)
    form = RecommendationForm(request.POST or None, instance=rec, prefix="rec")
    pledge_form = PledgeForm(
        request.POST or None,
        request.FILES or None,
        prefix="pledge",
        initial={
            "signatory": pledge.signatory if pledge else "",
            "signed_on": pledge.signed_on if pledge else None,
            "owns_full_ip": pledge.owns_full_ip if pledge else False,
            "no_plagiarism": pledge.no_plagiarism if pledge else False,
            "bears_liability": pledge.bears_liability if pledge else False,
        },
    )
    licence_form = LicenceForm(request.POST or None, request.FILES or None, prefix="licence")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and form.is_valid():
                fields = {k: v for k, v in form.cleaned_data.items() if k != "course"}
                if not fields.get("test_password"):
                    # The password field is write-only: left empty, the stored password stays.
                    fields.pop("test_password", None)
                rec.refresh_from_db()
                services.update_recommendation(recommendation=rec, **fields)
                messages.success(request, _("推荐信息已保存。"))
                _warn_if_intro_names_identity(request, rec)
                return redirect("selection:unit_detail", pk=rec.pk)
            if action == "licence" and licence_form.is_valid():
                services.save_licence(recommendation=rec, licence=licence_form.cleaned_data["licence"])
                messages.success(request, _("版权授权书已上传。"))
                return redirect("selection:unit_detail", pk=rec.pk)
            if action == "pledge" and pledge_form.is_valid():
                services.save_pledge(recommendation=rec, **pledge_form.cleaned_data)
                messages.success(request, _("承诺书已保存。"))
                return redirect("selection:unit_detail", pk=rec.pk)
        except ValidationError as exc:
            error_messages(request, exc)
    return render(
        request,
        "selection/unit_detail.html",
        {
            "rec": rec,
            "pledge": pledge,
            "form": form,
            "pledge_form": pledge_form,
            "licence_form": licence_form,
            "names_in_intro": selectors.names_in_intro(
                intro=rec.intro, organisation=rec.organisation, course=rec.course
            ),
        },
    )


@require_POST
@permission_required("selection.recommend")
def unit_submit(request, pk: int):
    rec = get_object_or_404(selectors.recommendations_of_units_of(request.user), pk=pk)
    try:
        services.submit_recommendation(recommendation=rec, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("推荐已报送至山东省继续工程教育协会。"))
        _warn_if_intro_names_identity(request, rec)
    return redirect("selection:unit_detail", pk=rec.pk)


@require_POST
@permission_required("selection.recommend")
def unit_withdraw(request, pk: int):
    rec = get_object_or_404(selectors.recommendations_of_units_of(request.user), pk=pk)
    try:
        services.withdraw_recommendation(recommendation=rec, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("推荐已撤回。"))
    return redirect("selection:unit_detail", pk=rec.pk)


def _own_or_managed(request, pk: int) -> Recommendation:
    """The unit's own recommendation, or any for association admins: the scans name the unit, so
    experts (blind review) and others never download them."""
    qs = selectors.recommendation_files_visible_to(request.user)
    return get_object_or_404(qs.select_related("pledge", "course"), pk=pk)


@permission_required("selection.view_recommendation")
def unit_licence(request, pk: int):
    rec = _own_or_managed(request, pk)
    if not rec.licence:
        raise Http404(_("尚未上传版权授权书。"))
    return attachment_response(rec.licence, safe_filename(f"版权授权书-{rec.course.title}") + ".pdf")


@permission_required("selection.view_recommendation")
def unit_pledge_scan(request, pk: int):
    """The stamped pledge scan, for the unit itself and association admins."""
    rec = _own_or_managed(request, pk)
    pledge = getattr(rec, "pledge", None)
    if pledge is None or not pledge.scan:
        raise Http404(_("尚未上传承诺书扫描件。"))
    return attachment_response(pledge.scan, safe_filename(f"知识产权保护承诺书-{rec.course.title}") + ".pdf")
