"""Small builders for the petitions' tests: a valid ID number, a submission, a registered petition."""

from datetime import UTC, datetime, timedelta

from finegrid.petitions.identity import check_char
from finegrid.petitions.registration import Submission, register

DAY = timedelta(days=1)
AREA = "321002001001001"


def at(day: str, hour: int = 10) -> datetime:
    """`day` at `hour` o'clock in Shanghai, as UTC."""
    return datetime.fromisoformat(day).replace(hour=hour - 8, tzinfo=UTC)


def valid_id(body: str = "32100219800101123") -> str:
    return body + check_char(body)


def submission(**more) -> Submission:
    values = {"channel": "visit", "matter": "某小区保交楼项目停工两年，业主无法收房", "demand": "要求尽快复工交房",
              "name": "王建国", "id_number": valid_id(), "phone": "13800001234", "address": "广陵区东关街1号",
              "field": "保交楼", "area_code": AREA}
    return Submission(**{**values, **more})


def registered(world, now, **more):
    return register(submission(**more), world["petition_office"], now=now)
