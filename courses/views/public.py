"""Public pages: the catalogue, a course, the published study guides."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal.pages import paginate
from portal.permissions import public

from .. import selectors
from ..filters import CatalogueFilter
from ..models import StudyGuide


@public
def catalogue(request):
    """The provincial catalogue: published courses, filtered, paginated (constant queries per page)."""
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(timezone.localdate().year)
    filterset = CatalogueFilter(data, queryset=selectors.catalogue(), request=request)
    queryset = filterset.qs if filterset.is_valid() else selectors.catalogue().none()
    page = paginate(request, queryset.order_by(*selectors.CATALOGUE_ORDER))
    return render(request, "courses/catalogue.html", {"filter": filterset, "page": page})


@public
def course_detail(request, pk: int):
    course = get_object_or_404(selectors.course_visible_to(request.user), pk=pk)
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "guides": selectors.guides_for_course(course=course)},
    )


@public
def guide_list(request):
    year = request.GET.get("year")
    guides = selectors.published_guides(year=int(year) if year and year.isdigit() else None)
    return render(request, "courses/guide_list.html", {"page": paginate(request, guides), "year": year})


@public
def guide_detail(request, pk: int):
    guide: StudyGuide = get_object_or_404(selectors.guide_visible_to(request.user), pk=pk)
    courses = selectors.courses_of_guide(guide=guide).order_by("title", "id")[:100]
    return render(
        request,
        "courses/guide_detail.html",
        {"guide": guide, "tree": selectors.section_tree(guide=guide), "courses": courses},
    )
