"""One catalogue filter set, used by the public page, the API list and the Excel export."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.models import City, Organisation
from portal.bounds import whole_number

from .models import Category, Course, Mode, Topic
from .selectors import search_courses


def _topic_names():
    # Topics repeat across years; filter by name so one choice covers every year's list.
    names = Topic.objects.order_by("name").values_list("name", flat=True).distinct()
    return [(n, n) for n in names]


def _sectors():
    return Organisation.objects.filter(kind=Organisation.Kind.INDUSTRY_DEPARTMENT, is_active=True).order_by("name")


def _providers():
    return Organisation.objects.filter(
        Exists(Course.objects.published().filter(provider=OuterRef("pk"))),
        kind__in=[Organisation.Kind.CE_BASE, Organisation.Kind.CITY_BUREAU, Organisation.Kind.INDUSTRY_DEPARTMENT],
        is_active=True,
    ).order_by("kind", "name")


# Drop-downs offer 全部 (no filter), never Django's "---------".
ALL = _("全部")


class CourseFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=_("科目类别"), choices=Category.choices, empty_label=ALL)
    topic = django_filters.CharFilter(label=_("公需课专题"), method="filter_topic")
    sector = django_filters.ModelChoiceFilter(
        label=_("所属行业"), queryset=lambda request: _sectors(), empty_label=ALL
    )
    mode = django_filters.ChoiceFilter(label=_("学习形式"), choices=Mode.choices, empty_label=ALL)
    provider = django_filters.CharFilter(label=_("提供单位"), method="filter_provider")
    # The provider's city: a city bureau's courses and those of the CE bases and departments located there.
    city = django_filters.ChoiceFilter(
        label=_("所在市"), choices=City.choices, field_name="provider__city", empty_label=ALL
    )
    year = django_filters.NumberFilter(label=_("年度"), method="filter_year", min_value=2000, max_value=2100)
    search = django_filters.CharFilter(label=_("关键词"), method="filter_search", max_length=100)

    class Meta:
        model = Course
        fields = ["category", "topic", "sector", "mode", "provider", "city", "year", "search"]

    def filter_topic(self, queryset, name, value):
        """A topic id, or a topic name (any year)."""
        value = value.strip()
        if (pk := whole_number(value)) is not None:
            return queryset.filter(topic_id=pk)
        return queryset.filter(topic__name=value) if value else queryset

    def filter_provider(self, queryset, name, value):
        """A provider id, or part of its name."""
        value = value.strip()
        if (pk := whole_number(value)) is not None:
            return queryset.filter(provider_id=pk)
        return queryset.filter(provider__name__icontains=value) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset.offered_in(int(value)) if value is not None else queryset

    def filter_search(self, queryset, name, value):
        return search_courses(queryset, value)


class CatalogueFilter(CourseFilter):
    """The HTML page's form: topics and providers as drop-downs."""

    topic = django_filters.ChoiceFilter(
        label=_("公需课专题"), choices=_topic_names, method="filter_topic", empty_label=ALL
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("提供单位"), queryset=lambda request: _providers(), empty_label=ALL
    )

    class Meta(CourseFilter.Meta):
        pass
