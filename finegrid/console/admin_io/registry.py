"""The administration sheets, in the order the page lists them."""

from .calendar import CalendarSheet
from .categories import CategorySheet
from .grids import GridSheet
from .matrix import MatrixSheet
from .people import PeopleSheet
from .units import UnitSheet

SHEETS = {sheet.name: sheet for sheet in (
    GridSheet(), UnitSheet(), PeopleSheet(), CategorySheet(), CalendarSheet(), MatrixSheet())}
