"""The title rule of the notice: "标题注明：“XXX（市、部门、单位）2022年度继续教育材料”"."""

import re

from django.utils.translation import gettext as _

from accounts.models import Organisation

from .errors import WrongTitle

SUFFIX = "年度继续教育材料"
_SPACES = re.compile(r"\s+")


def required_title(*, unit: Organisation, year: int) -> str:
    """The title proposed to the unit: its registered name, the year, "年度继续教育材料"."""
    return f"{unit.name}{year}{SUFFIX}"


def accepted_names(unit: Organisation) -> list[str]:
    """Who "XXX（市、部门、单位）" may be: the registered name, the short name, and for a city
    bureau its city ("济南市")."""
    names = [unit.name, unit.short_name]
    if unit.kind == Organisation.Kind.CITY_BUREAU and unit.city:
        names.append(unit.get_city_display())
    return [_SPACES.sub("", n) for n in names if n and n.strip()]


def check_title(*, title: str, unit: Organisation, year: int) -> None:
    """Any accepted name followed by "<year>年度继续教育材料"; spaces anywhere are ignored."""
    compact = _SPACES.sub("", title or "")
    if any(compact == f"{name}{year}{SUFFIX}" for name in accepted_names(unit)):
        return
    examples = "、".join(f"“{name}{year}{SUFFIX}”" for name in accepted_names(unit))
    raise WrongTitle(
        _("标题须为本单位名称（或简称、所在市名称）加“%(year)s年度继续教育材料”，如%(examples)s。")
        % {"year": year, "examples": examples},
        code="wrong_title",
    )
