from finegrid.grid.models import Region
from finegrid.intake.matrix import Matrix
from finegrid.org.models import Responsibility, Unit
from finegrid.org.responsibility import rows_for


def test_the_matrix_in_memory_answers_as_the_database_does(catalogue):
    district, street = Region.objects.get(code="321002"), Region.objects.get(code="321002001")
    a = Unit.objects.create(code="a", name="A", kind="department", region=district)
    b = Unit.objects.create(code="b", name="B", kind="street", region=street)
    Responsibility.objects.create(category_code="C", region=district, unit=a)
    Responsibility.objects.create(category_code="C01", region=street, unit=b)
    Responsibility.objects.create(category_code="E", region=district, unit=a)
    Responsibility.objects.create(category_code="E", region=district, unit=b)  # two primaries: no automatic 派遣
    matrix = Matrix()
    for category in ("C0101", "C0201", "E0101", "H0101"):
        for area in ("321002001001", "321002002001"):
            primary = [row.unit for row in rows_for(category, area) if row.primary]
            assert matrix[(category, area)] == (primary[0] if len(primary) == 1 else None), (category, area)
