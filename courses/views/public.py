"""Public pages: the catalogue, a course, the published study guides."""

from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from portal import cache_versions
from portal.bounds import whole_number
from portal.pages import paginate
from portal.permissions import public

from .. import selectors
from ..filters import CatalogueFilter
from ..models import Course, StudyGuide


@public
def catalogue(request):
    """The provincial catalogue: published courses, filtered, paginated (constant queries per page).

    The same for everyone: the filter form, the count, the rows and the page links are rendered once
    per query string and language and kept in the cache until the catalogue changes (portal.cache_versions);
    only the page around them (base.html: the person's name, menu, messages) is rendered each time."""
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(timezone.localdate().year)
    filters = tuple(sorted((name, tuple(values)) for name, values in data.lists() if name != "page"))
    context = {}

    def listing() -> str:
        filterset = CatalogueFilter(data, queryset=Course.objects.published(), request=request)
        queryset = filterset.qs if filterset.is_valid() else Course.objects.none()
        page = paginate(request, selectors.CatalogueListing(queryset, filters=filters))
        context.update(filter=filterset, page=page)
        return render_to_string("courses/_catalogue.html", context, request=request)

    html = cache_versions.cached(
        "catalogue-page",
        (get_language(), filters, request.GET.get("page")),
        listing,
        versions=(cache_versions.CATALOGUE,),
    )
    # On a miss the context also has the filter and the page (tests and debugging read them).
    return render(request, "courses/catalogue.html", {"listing": html, **context})


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
    # A year that is no number lists nothing (year 0), as an absurd one does.
    guides = selectors.published_guides(year=(whole_number(year) or 0) if year else None)
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
