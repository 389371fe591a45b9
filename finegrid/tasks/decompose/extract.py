"""What a task's words name, in one place for the decomposer: targets, named projects and places,
and a deadline on the report's year. Pure functions of the text."""

from .dates import deadline
from .names import NameList, places, projects
from .targets import targets

__all__ = ["NameList", "deadline", "places", "projects", "targets"]
