"""The grid pages: the district map, a street or community, one grid with its micro-grids. They
live in the console, above org, because every page shows only what the signed-in user's scope
covers."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from finegrid.grid.models import Grid, Region
from finegrid.grid.svg import PALETTE, Shape, map_paths
from finegrid.intake.home import public_home
from finegrid.org.models import RoleAssignment
from finegrid.org.scopes import scope_of, within


def home(request):
    """`/`: the public home for visitors (report, follow a report), the grid map for staff."""
    if not request.user.is_authenticated:
        return public_home(request)
    scope = scope_of(request.user)
    grids = list(scope.grids().select_related("community"))
    streets = Region.objects.filter(level__in=["street", "town"]).order_by("code")
    colour = {street.code: PALETTE[i % len(PALETTE)] for i, street in enumerate(streets)}
    shapes = [_grid_shape(grid, colour.get(grid.code[:9], "#ccc")) for grid in grids]
    context = {
        "scope": scope,
        "street_rows": _street_rows(grids, streets, colour),
        "map": map_paths(shapes),
        "roles": RoleAssignment.objects.filter(user=request.user).select_related("region", "unit"),
    }
    return render(request, "grid/home.html", context)


def _grid_shape(grid: Grid, fill: str) -> Shape:
    title = f"{grid.name} {grid.code} · {grid.households} 户"
    return Shape(grid.geometry, reverse("grid", args=[grid.code]), title, fill)


def _street_rows(grids, streets, colour) -> list[dict]:
    rows = {s.code: {"street": s, "colour": colour[s.code], "grids": 0, "households": 0, "population": 0} for s in streets}
    communities = {}
    for grid in grids:
        row = rows[grid.code[:9]]
        row["grids"] += 1
        row["households"] += grid.households
        row["population"] += grid.population
        communities.setdefault(grid.code[:9], set()).add(grid.community_id)
    for code, row in rows.items():
        row["communities"] = len(communities.get(code, ()))
    return [row for row in rows.values() if row["grids"]]


@login_required
def region(request, code):
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)
    scope = scope_of(request.user)
    grids = scope.filter(Grid.objects.filter(within("code", code)).select_related("community"))
    grids = list(grids)
    if not grids and not scope.covers_code(code):
        raise Http404
    communities = sorted({grid.community for grid in grids}, key=lambda c: c.code)
    colour = {c.pk: PALETTE[i % len(PALETTE)] for i, c in enumerate(communities)}
    shapes = [_grid_shape(grid, colour[grid.community_id]) for grid in grids]
    totals = {"grids": len(grids), "households": sum(g.households for g in grids),
              "population": sum(g.population for g in grids)}
    context = {"region": region, "grids": grids, "map": map_paths(shapes), "totals": totals,
               "communities": [(c, colour[c.pk]) for c in communities]}
    return render(request, "grid/region.html", context)


@login_required
def grid(request, code):
    grid = get_object_or_404(Grid.objects.select_related("community__parent"), code=code)
    if not scope_of(request.user).covers_code(code):
        raise Http404  # not "forbidden": a stranger should not learn which codes exist
    micros = list(grid.microgrids.all())
    shapes = [Shape(m.geometry, "", f"{m.name} {m.code} · {m.households} 户", PALETTE[i % len(PALETTE)])
              for i, m in enumerate(micros)]
    workers = RoleAssignment.objects.filter(role="grid_worker", grids=grid).select_related("user__person")
    context = {"grid": grid, "micros": micros, "map": map_paths(shapes, width=640),
               "workers": [a.user.person for a in workers if hasattr(a.user, "person")],
               "totals": grid.microgrids.aggregate(n=Count("id"), households=Sum("households"))}
    return render(request, "grid/grid.html", context)
