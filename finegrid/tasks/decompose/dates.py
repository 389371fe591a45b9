"""Deadlines in a report's words ("年底前", "6月底前", "上半年", "三季度末") as dates of its year."""

import calendar
import re
from datetime import date

from .numerals import chinese_to_int

MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DEADLINES = [
    (re.compile(r"(\d{4})年底"), lambda m, y: date(int(m.group(1)), 12, 31)),
    (re.compile(MONTH + r"月(\d{1,2})日前"), lambda m, y: _day(y, m.group(1), int(m.group(2)))),
    (re.compile(MONTH + r"月(?:底|末|份)前?"), lambda m, y: _month_end(y, m.group(1))),
    (re.compile(MONTH + r"月前"), lambda m, y: _month_end(y, m.group(1), before=True)),
    (re.compile(r"(?:第)?([一二三四1-4])季度"), lambda m, y: _quarter_end(y, m.group(1))),
    (re.compile(r"上半年"), lambda m, y: date(y, 6, 30)),
    (re.compile(r"年中"), lambda m, y: date(y, 6, 30)),
    (re.compile(r"下半年|年底|年末|年内|全年|今年"), lambda m, y: date(y, 12, 31)),
]


def deadline(text: str, year: int) -> str:
    """The latest date the text sets ("一季度开工、年底前建成" → the year's end), ISO, or ""."""
    found = []
    for pattern, to_date in DEADLINES:
        for match in pattern.finditer(text):
            when = to_date(match, year)
            if when:
                found.append(when)
    return max(found).isoformat() if found else ""


def _month(word: str) -> int | None:
    month = chinese_to_int(word)
    return month if month and 1 <= month <= 12 else None


def _month_end(year: int, word: str, before: bool = False) -> date | None:
    month = _month(word)
    if not month:
        return None
    if before:  # "7月前" is the end of June
        if month == 1:
            return date(year - 1, 12, 31)
        month -= 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, word: str, day: int) -> date | None:
    month = _month(word)
    if not month or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _quarter_end(year: int, word: str) -> date:
    quarter = chinese_to_int(word)
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])
