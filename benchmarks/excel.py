"""`make bench` (Excel part): import throughput and export cost, beside two references measured in the same run.

Each case runs in a fresh Python process on a fresh database, so that its peak memory (max RSS) is its own:

- portal import: children.excel.importer with every check and duplicate matching, committed;
- reference 1: django-import-export's default row-by-row import of the same rows (a ModelResource);
- reference 2: a bare openpyxl read-only read plus bulk_create, no validation at all;
- portal export: children.excel.exporter (write-only, chunked queryset) against django-import-export's export;
- the export's floor: the same rows and columns, read into memory first (not timed), written by openpyxl's
  write-only writer alone (plain rows, dates as date objects): what no exporter on openpyxl can beat.
- a hostile workbook (460 KB unpacking to 190 MB of shared strings): the time and peak memory of refusing it.

Run: python -m benchmarks.excel [SIZE ...]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAMLETS = [f"Ấp {i}" for i in range(1, 14)]


def _django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.test_settings")
    os.environ.setdefault("TESTING", "true")
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from benchmarks import reset_database
    from indicators.reference_data import load_reference_data

    reset_database()

    load_reference_data()


def make_file(path: Path, rows: int) -> None:
    """A valid registry file: `rows` children in about rows/2 households across the 13 hamlets."""
    from openpyxl import Workbook

    from children.excel.columns import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Trẻ em")
    sheet.append([c.header for c in COLUMNS])
    first = date(2009, 1, 1)
    for i in range(rows):
        household = i // 2
        born = first + timedelta(days=(i * 37) % 5800)
        sheet.append(
            [f"{household % 13 + 1:02d}-{household:06d}", f"Nguyễn Văn Chủ {household}", HAMLETS[household % 13],
             f"Nguyễn Thị Trẻ {i}", born, "Nữ" if i % 2 else "Nam", "Kinh", None, "Có" if i % 10 else "Không",
             None, "4" if i % 50 == 0 else None, None]
        )  # fmt: skip
    workbook.save(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case(name: str, size: int, db_url: str, workdir: Path) -> dict:
    _django(db_url)
    from django.db import connection

    from children.models import Child, Household
    from tanloi_portal.models import Commune

    commune = Commune.objects.get(code="tan-loi")
    source = workdir / f"rows-{size}.xlsx"
    result: dict = {"case": name, "rows": size, "db": connection.vendor}

    if name == "portal":
        from children.excel.importer import import_registry

        start = time.perf_counter()
        outcome = import_registry(source, commune=commune, by=None, commit=True)
        seconds = time.perf_counter() - start
        assert outcome.committed and Child.objects.count() == size, outcome.errors[:3]
    elif name == "import-export":
        seconds = _import_export(source, commune, size)
    elif name == "bare":
        seconds = _bare(source, commune, size)
    elif name == "floor":
        from children.excel.importer import import_registry

        import_registry(source, commune=commune, by=None, commit=True)
        rows = _floor_rows()
        start_mb = _peak_mb()
        seconds = _floor_write(rows, workdir / "floor.xlsx")
        result["baseline_mb"] = round(start_mb)
    elif name in ("export", "export-import-export"):
        from children.excel.importer import import_registry

        import_registry(source, commune=commune, by=None, commit=True)
        start_mb = _peak_mb()
        start = time.perf_counter()
        if name == "export":
            from children.excel.exporter import write_children
            from tanloi_portal.models import Role, User

            with (workdir / "export.xlsx").open("wb") as handle:
                write_children(handle, Child.objects.all(), commune=commune, user=User(role=Role.OFFICER))
        else:
            (workdir / "export-ie.xlsx").write_bytes(_import_export_resource()().export().xlsx)
        seconds = time.perf_counter() - start
        result["baseline_mb"] = round(start_mb)
    else:
        raise SystemExit(f"unknown case {name}")
    result.update(seconds=round(seconds, 2), rows_per_s=round(size / seconds), peak_mb=round(_peak_mb()))
    assert Household.objects.exists()
    return result


def _floor_rows() -> list[list]:
    """The header and every row the portal's export writes for an officer, as plain values (strings, dates, None),
    read without the exporter's code, in the exporter's order."""
    from django.db.models import F
    from django.utils import timezone

    from children.excel.columns import COLUMNS
    from children.models import Child, CircumstanceMembership
    from children.permissions import export_column_allowed
    from tanloi_portal.models import Role, User

    keys = [c.key for c in COLUMNS if export_column_allowed(User(role=Role.OFFICER), c.key)]
    groups: dict[int, list[int]] = {}
    memberships = CircumstanceMembership.objects.filter(ended_on__isnull=True, started_on__lte=timezone.localdate())
    for child_id, number in memberships.order_by("group__number").values_list("child_id", "group__number"):
        groups.setdefault(child_id, []).append(number)
    rows: list[list] = [[c.header for c in COLUMNS if c.key in keys]]
    values = Child.objects.order_by("pk").values(
        "pk", "full_name", "date_of_birth", "sex", "ethnicity", "personal_id", "notes",
        household_code=F("household__code"), head_name=F("household__head_name"),
        hamlet=F("household__hamlet__name"), registration=F("birth_registration__pk"),
        registered_on=F("birth_registration__registered_on"),
    )  # fmt: skip
    for r in values:
        r["sex"] = "Nữ" if r["sex"] == "F" else "Nam"
        r["birth_registered"] = "Có" if r["registration"] else "Không"
        r["groups"] = ", ".join(str(n) for n in sorted(set(groups.get(r["pk"], ())))) or None
        r["notes"] = r["notes"] or None
        rows.append([r[key] for key in keys])
    return rows


def _floor_write(rows: list[list], path: Path) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Trẻ em")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - start


def _import_export_resource():
    from import_export import fields, resources, widgets

    from children.models import Child, Household
    from children.services import child_name_fields

    class ChildResource(resources.ModelResource):
        household = fields.Field("household", "Mã hộ", widget=widgets.ForeignKeyWidget(Household, "code"))
        full_name = fields.Field("full_name", "Họ và tên trẻ")
        date_of_birth = fields.Field("date_of_birth", "Ngày sinh", widget=widgets.DateWidget())
        sex = fields.Field("sex", "Giới tính")

        class Meta:
            model = Child
            fields = ("household", "full_name", "date_of_birth", "sex")
            import_id_fields = ()

        def before_save_instance(self, instance, row, **kwargs):
            instance.sex = "F" if instance.sex == "Nữ" else "M"
            for key, value in child_name_fields(instance.full_name).items():
                setattr(instance, key, value)

    return ChildResource


def _households(source: Path, commune) -> None:
    """Households created up front for the references (they only load children)."""
    from openpyxl import load_workbook

    from children.models import Household

    hamlets = {h.name: h.pk for h in commune.hamlets.all()}
    seen = {}
    workbook = load_workbook(source, read_only=True)
    for cells in workbook.active.iter_rows(min_row=2, values_only=True):
        seen.setdefault(cells[0], Household(commune=commune, hamlet_id=hamlets[cells[2]], code=cells[0],
                                            head_name=cells[1], head_name_search=cells[1].lower()))  # fmt: skip
    workbook.close()
    Household.objects.bulk_create(seen.values(), batch_size=2000)


def _import_export(source: Path, commune, size: int) -> float:
    import tablib

    _households(source, commune)
    with source.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    start = time.perf_counter()
    outcome = _import_export_resource()().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    assert not outcome.has_errors()
    return seconds


def _bare(source: Path, commune, size: int) -> float:
    from openpyxl import load_workbook

    from children.models import Child, Household

    _households(source, commune)
    households = {code: (pk, hamlet) for code, pk, hamlet in Household.objects.values_list("code", "pk", "hamlet_id")}
    start = time.perf_counter()
    workbook = load_workbook(source, read_only=True)
    batch = []
    for cells in workbook.active.iter_rows(min_row=2, values_only=True):
        household, hamlet = households[cells[0]]
        batch.append(Child(household_id=household, commune_id=commune.pk, hamlet_id=hamlet, full_name=cells[3],
                           date_of_birth=cells[4], sex="F" if cells[5] == "Nữ" else "M"))  # fmt: skip
        if len(batch) == 2000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)
    workbook.close()
    return time.perf_counter() - start


def main(sizes: list[int]) -> None:
    db_url = os.environ.get("BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = db_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TESTING": "true"}
        results = []
        for size in sizes:
            subprocess.run(
                [sys.executable, "-c", f"from benchmarks.excel import _file; _file({str(workdir)!r}, {size})"],
                check=True, env=env, cwd=ROOT,
            )  # fmt: skip
            cases = ["portal", "bare", "import-export"] + (
                ["export", "floor", "export-import-export"] if size == max(sizes) else []
            )
            for name in cases:
                if name == "import-export" and size > 10_000:
                    continue  # about 1,000 rows/s: its rate at 10,000 rows is the reference
                if not db_url:
                    (workdir / "bench.sqlite3").unlink(missing_ok=True)
                code = f"from benchmarks.excel import _case; _case({name!r}, {size}, {url!r}, {str(workdir)!r})"
                out = subprocess.run(
                    [sys.executable, "-c", code],
                    check=True, env=env, cwd=ROOT, capture_output=True, text=True,
                )  # fmt: skip
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
                r = results[-1]
                extra = f", baseline {r['baseline_mb']} MB" if "baseline_mb" in r else ""
                print(
                    f"{r['db']:<10} {r['case']:<22} {r['rows']:>7,} rows  {r['seconds']:>7.2f} s  "
                    f"{r['rows_per_s']:>8,} rows/s  peak {r['peak_mb']:>4} MB{extra}",
                    flush=True,
                )
        _summary(results)
        code = f"from benchmarks.excel import _hostile; _hostile({str(workdir)!r})"
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True, text=True
        )
        h = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"hostile workbook ({h['packed_kb']:,} KB holding {h['unpacked_mb']} MB of shared strings): "
            f"{h['outcome']} in {h['seconds']:.2f} s, peak {h['peak_mb']} MB (baseline {h['baseline_mb']} MB)"
        )


def _summary(results: list[dict]) -> None:
    by = {(r["case"], r["rows"]): r for r in results}
    for size in sorted({r["rows"] for r in results}):
        portal, bare = by.get(("portal", size)), by.get(("bare", size))
        reference = by.get(("import-export", size)) or by.get(("import-export", 10_000))
        if portal and bare:
            # django-import-export is only run up to 10,000 rows: without that size, its comparison is left out.
            versus = (
                f"{portal['rows_per_s'] / reference['rows_per_s']:.1f}x django-import-export's row-by-row path, "
                if reference
                else ""
            )
            print(
                f"{size:,} rows: portal {portal['rows_per_s']:,} rows/s = {versus}"
                f"{bare['rows_per_s'] / portal['rows_per_s']:.1f}x slower than the bare read + bulk_create "
                f"({bare['rows_per_s']:,} rows/s)"
            )
        exported, floor = by.get(("export", size)), by.get(("floor", size))
        if exported and floor:
            print(
                f"{size:,} rows: export {exported['seconds']:.2f} s = {exported['seconds'] / floor['seconds']:.2f}x "
                f"openpyxl's write-only writer over the same rows (floor {floor['seconds']:.2f} s)"
            )


def _file(workdir: str, size: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.test_settings")
    import django

    django.setup()
    make_file(Path(workdir) / f"rows-{size}.xlsx", size)


def _hostile(workdir: str) -> None:
    """Checking a 460 KB file whose 7.9 million shared strings unpack to 190 MB (under the unpacked-size cap):
    before children.excel.limits, openpyxl read the table in 68 s and 1.2 GB here."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.test_settings")
    import django

    django.setup()
    from children.excel.reader import SpreadsheetError, open_sheet
    from tests.children.hostile_xlsx import registry_workbook, unpacked_size

    path = registry_workbook(Path(workdir) / "hostile.xlsx", extra_strings=7_900_000, length=8)
    baseline = _peak_mb()
    start = time.perf_counter()
    try:
        sheet = open_sheet(path)
        rows = sum(1 for _row in sheet.rows)
        sheet.close()
        outcome = f"read ({rows} row)"
    except SpreadsheetError:
        outcome = "refused"
    result = {
        "packed_kb": round(path.stat().st_size / 1024), "unpacked_mb": round(unpacked_size(path) / 1024**2),
        "outcome": outcome, "seconds": round(time.perf_counter() - start, 2), "peak_mb": round(_peak_mb()),
        "baseline_mb": round(baseline),
    }  # fmt: skip
    print(json.dumps(result))


def _case(name: str, size: int, db_url: str, workdir: str) -> None:
    print(json.dumps(case(name, size, db_url, Path(workdir))))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 50_000])
