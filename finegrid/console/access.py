"""Who is looking: the desk a user works at, the cases they may see, and the guards of each page.

The cases a user may see are the API's (`cases.api.visible_cases`): one rule for both."""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from finegrid.cases.visibility import Viewer, visible_cases
from finegrid.org.models import Role
from finegrid.org.scopes import Scope, scope_of

# The desk a user lands on: the first of their roles in this order.
DESKS = [
    (Role.LEADER, "leader"), (Role.SUPERVISOR, "supervisor"), (Role.DISPATCHER, "dispatcher"),
    (Role.OPERATOR, "dispatcher"), (Role.HANDLER, "unit"), (Role.GRID_WORKER, "grid_worker"),
    (Role.CALLBACK, "callback"), (Role.ADMIN, "admin"), (Role.SECURITY_ADMIN, "security"), (Role.AUDITOR, "auditor"),
]
# The system administrator is at no business desk (三员分立): its desk is the administration page.
COMMAND_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER})
OVERVIEW_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR})


@dataclass
class Desk:
    viewer: Viewer
    name: str
    _cases: object = field(default=None, repr=False)
    _scope: Scope | None = field(default=None, repr=False)

    @classmethod
    def of(cls, user) -> "Desk":
        viewer = Viewer.of(user)
        name = next((desk for role, desk in DESKS if role in viewer.roles), "none")
        return cls(viewer, name)

    @property
    def scope(self) -> Scope:
        """The areas of all the user's roles (read on first use: most pages need only cases())."""
        if self._scope is None:
            self._scope = scope_of(self.viewer.user)
        return self._scope

    @property
    def roles(self) -> frozenset:
        return self.viewer.roles

    def cases(self):
        """The cases this user may see (a lazy queryset; its scope is read once per request)."""
        if self._cases is None:
            self._cases = visible_cases(self.viewer)
        return self._cases.all()


def desk_required(roles=None):
    """login_required, then the user's Desk on request.desk; 404 when they hold none of `roles`
    (a stranger should not learn which pages exist, as with the grid pages)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.desk = Desk.of(request.user)
            if roles is not None and not (request.desk.roles & roles):
                raise Http404
            return view(request, *args, **kwargs)
        return wrapped
    return decorate
