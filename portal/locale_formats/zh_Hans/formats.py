"""Dates in Chinese pages: one convention, 2026年12月8日 (as portal.formats.cn_date writes it), so
`{{ day }}` and `{{ day|date }}` read like `{{ day|cn_date }}`. Names not set here fall back to
Django's zh_Hans formats."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"  # Django's "m月j日" writes 09月5日

# The first format is the one form widgets write values in: <input type="date"> only takes
# 2026-12-08 (Django's zh_Hans puts 2026/12/08 first, which the browser shows as an empty field).
# People may type any of them; Django's "%Y年%n月%j日" is no strptime format.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]
