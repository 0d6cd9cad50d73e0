"""backup and restore: the portal comes back exactly as it was backed up (the registry export byte for byte, every
row, every private file), and a file that is not one of our archives, a damaged archive or one of the other
database engine is refused with nothing changed. On committed databases: a restore cannot be rolled back."""

import datetime as dt
import hashlib
import inspect
import io
import json
import sqlite3
import tarfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from cases.services import attachment_add, attachment_path, case_open
from children.excel.exporter import write_children
from children.models import Child, Household
from tests.factories import ChildFactory, GrowthMeasurementFactory, HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
FIXED = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
OTHER_ENGINE = {"sqlite": ("postgresql", "database.pgdump"), "postgresql": ("sqlite", "database.sqlite3")}


@pytest.fixture
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.PRIVATE_ROOT.mkdir()
    return settings.PRIVATE_ROOT


@pytest.fixture
def registry(committed_reference_data, private_root, users, hamlet_a, hamlet_b) -> dict:
    """Households and children of two hamlets, a growth measurement, a case with an attachment, a staged
    Excel upload and a file in the cache folder."""
    homes = [HouseholdFactory(hamlet=hamlet_a), HouseholdFactory(hamlet=hamlet_a), HouseholdFactory(hamlet=hamlet_b)]
    children = [ChildFactory(household=homes[i % 3], full_name=name) for i, name in enumerate(NAMES)]
    GrowthMeasurementFactory(child=children[0])
    case = case_open(child=children[1], concern="neglect", channel="hotline_111",
                     received_at=timezone.now() - timedelta(hours=3), description="Hàng xóm báo tin",
                     by=users["officer"])  # fmt: skip
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    attachment = attachment_add(case=case, by=users["officer"], upload=upload, title="Biên bản")
    (private_root / "imports").mkdir()
    (private_root / "imports" / "cho-nhap.xlsx").write_bytes(b"PK\x03\x04 staged upload")
    (private_root / "cache").mkdir()
    (private_root / "cache" / "progress.djcache").write_bytes(b"cache entry")
    return {"households": homes, "children": children, "attachment": attachment, "officer": users["officer"]}


NAMES = ["Nguyễn Thị Mai", "Trần Văn Bình", "Lê Thị Hồng", "Phạm Văn Đức", "Võ Thị Lan", "Đặng Văn Tâm"]


class _FrozenDatetime(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED.astimezone(tz) if tz else FIXED.replace(tzinfo=None)


@contextmanager
def fixed_clock():
    """The export writes today's date in its title and openpyxl stamps the workbook (docProps) and every zip
    member: one clock for both exports makes equal registries give equal bytes."""
    struct = FIXED.astimezone().timetuple()
    zip_time = SimpleNamespace(time=FIXED.timestamp, localtime=lambda *args: struct)
    frozen = SimpleNamespace(datetime=_FrozenDatetime, timezone=dt.timezone)
    with (
        mock.patch("django.utils.timezone.now", return_value=FIXED),
        mock.patch("openpyxl.packaging.core.datetime", frozen),  # created
        mock.patch("openpyxl.writer.excel.datetime", frozen),  # modified, set on saving
        mock.patch("zipfile.time", zip_time),
    ):
        yield


def registry_export(registry) -> bytes:
    officer = registry["officer"]
    # The officer reads every section: the export has every column (older signatures take no user).
    extra = {"user": officer} if "user" in inspect.signature(write_children).parameters else {}
    stream = io.BytesIO()
    with fixed_clock():
        write_children(stream, Child.objects.order_by("pk"), commune=officer.commune, **extra)
    return stream.getvalue()


def every_row() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent=0", stdout=out)
    return out.getvalue()


def private_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def state(registry, root: Path) -> dict:
    return {"export": registry_export(registry), "rows": every_row(), "files": private_files(root)}


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def change_everything(registry, root: Path) -> None:
    """Add, modify and delete children and a household, change and add files, remove one, add a table."""
    first, second, third = registry["children"][:3]
    ChildFactory(household=first.household, full_name="Bé Mới Sinh")
    HouseholdFactory(hamlet=first.household.hamlet)
    Child.objects.filter(pk=second.pk).update(full_name="Tên Đã Sửa", date_of_birth=dt.date(2019, 1, 1))
    Child.objects.filter(pk=third.pk).delete()
    attachment_path(registry["attachment"]).write_bytes(b"%PDF-1.4 another file")
    (root / "imports" / "moi.xlsx").write_bytes(b"PK\x03\x04 new upload")
    (root / "imports" / "cho-nhap.xlsx").unlink()
    (root / "stray.txt").write_text("not in the backup")
    (root / "cache" / "progress.djcache").write_bytes(b"newer cache entry")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_test_extra (x integer)")


def test_a_restore_brings_back_exactly_what_was_backed_up(registry, private_root, tmp_path):
    before = state(registry, private_root)
    archive = tmp_path / "out" / "tanloi.tar.gz"
    assert "2 tệp riêng" in backup(archive)
    change_everything(registry, private_root)
    changed = state(registry, private_root)
    assert changed["export"] != before["export"] and changed["files"] != before["files"]

    assert "Đã phục hồi" in restore(archive, "--yes")

    after = state(registry, private_root)
    assert after["export"] == before["export"]  # the registry export, byte for byte
    assert after["rows"] == before["rows"]  # every row of every table
    # Every private file as it was, the added ones gone; the cache folder is neither saved nor replaced.
    assert {k: v for k, v in after["files"].items() if not k.startswith("cache/")} == {
        k: v for k, v in before["files"].items() if not k.startswith("cache/")
    }
    assert after["files"]["cache/progress.djcache"] == b"newer cache entry"
    assert "backup_test_extra" not in connection.introspection.table_names()
    assert not list(private_root.glob(".restore-*"))
    # The restored database goes on numbering rows after its own.
    born = ChildFactory(household=Household.objects.order_by("pk").first(), full_name="Bé Sau Phục Hồi")
    assert born.pk > max(c.pk for c in registry["children"])


def test_the_archive_holds_a_manifest_the_database_and_the_private_files_but_not_the_cache(registry, tmp_path):
    archive = tmp_path / "tanloi.tar.gz"
    backup(archive)
    assert archive.stat().st_mode & 0o077 == 0  # child-protection data: readable by its owner only
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    stored_as = registry["attachment"].stored_as
    assert names == [database, f"private/{stored_as}", "private/imports/cho-nhap.xlsx", "manifest.json"]
    assert manifest["format"] == "tanloi_portal-backup" and manifest["engine"] == connection.vendor
    assert manifest["files"] == {"count": 2, "bytes": len(PDF) + len(b"PK\x03\x04 staged upload")}
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    latest = max(name for app, name in MigrationLoader(None).disk_migrations if app == "children")
    assert manifest["migrations"]["children"][-1] == latest
    assert set(manifest["members"]) == set(names) - {"manifest.json"}


def test_a_backup_does_not_overwrite_a_file_nor_write_into_the_private_folder(registry, private_root, tmp_path):
    archive = tmp_path / "tanloi.tar.gz"
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="đã có"):
        backup(archive)
    assert archive.read_bytes() == b"an older backup"
    call_command("backup", str(archive), "--overwrite", stdout=io.StringIO())
    assert tarfile.is_tarfile(archive)
    with pytest.raises(CommandError, match="là một thư mục"):
        backup(tmp_path)
    with pytest.raises(CommandError, match="thư mục tệp riêng"):
        backup(private_root / "tanloi.tar.gz")
    assert not list(tmp_path.glob(".backup-*"))


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.fixture
def archive(registry, private_root, tmp_path) -> Path:
    """A good archive, and a portal changed since (so that a restore that did happen would show)."""
    path = tmp_path / "tanloi.tar.gz"
    backup(path)
    ChildFactory(household=registry["households"][0], full_name="Sau Sao Lưu")
    (private_root / "imports" / "sau-sao-luu.xlsx").write_bytes(b"PK\x03\x04 later upload")
    return path


@contextmanager
def nothing_changes(registry, root: Path):
    before = state(registry, root)
    yield
    assert state(registry, root) == before
    assert not list(root.glob(".restore-*"))


def rebuild(source: Path, target: Path, edit) -> Path:
    """A copy of an archive with its members (a dict name -> bytes, the manifest parsed) changed by `edit`."""
    with tarfile.open(source) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}
    manifest = json.loads(members.pop("manifest.json"))
    edit(manifest, members)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def a_text_file(tmp_path, archive):
    path = tmp_path / "notes.tar.gz"
    path.write_text("Biên bản họp ấp 1", encoding="utf-8")
    return path


def a_workbook(tmp_path, archive):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


def someone_elses_tar_gz(tmp_path, archive):
    path = tmp_path / "photos.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("photos/anh.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"\xff\xd8\xff"))
    return path


def a_tar_gz_without_manifest(tmp_path, archive):
    return rebuild(archive, tmp_path / "bare.tar.gz", lambda manifest, members: manifest.clear())


def truncated(tmp_path, archive):
    path = tmp_path / "truncated.tar.gz"
    path.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return path


def a_flipped_byte(tmp_path, archive):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "flipped.tar.gz"
    path.write_bytes(bytes(data))
    return path


def a_wrong_gzip_checksum(tmp_path, archive):
    """Every member reads right, but the gzip trailer's CRC-32 does not match: read only as far as the tar's
    end-of-archive marker, the file would pass."""
    data = bytearray(archive.read_bytes())
    data[-8] ^= 0xFF
    path = tmp_path / "crc.tar.gz"
    path.write_bytes(bytes(data))
    return path


def a_changed_member(tmp_path, archive):
    def edit(manifest, members):
        name = next(n for n in members if n.startswith("private/cases/"))
        members[name] = b"%PDF-1.4 not the file that was backed up"

    return rebuild(archive, tmp_path / "changed.tar.gz", edit)


def a_missing_member(tmp_path, archive):
    def edit(manifest, members):
        del members["private/imports/cho-nhap.xlsx"]

    return rebuild(archive, tmp_path / "missing.tar.gz", edit)


def of_the_other_engine(tmp_path, archive):
    other, member = OTHER_ENGINE[connection.vendor]

    def edit(manifest, members):
        ours = next(n for n in members if n.startswith("database."))
        members[member] = members.pop(ours)
        manifest["members"][member] = manifest["members"].pop(ours)
        manifest["engine"] = other

    return rebuild(archive, tmp_path / "other-engine.tar.gz", edit)


def of_a_newer_version(tmp_path, archive):
    def edit(manifest, members):
        manifest["migrations"]["children"].append("9999_from_the_future")

    return rebuild(archive, tmp_path / "newer.tar.gz", edit)


def not_there(tmp_path, archive):
    return tmp_path / "khong-co.tar.gz"


ENGINE = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
OTHER = {"sqlite": "PostgreSQL", "postgresql": "SQLite"}
REFUSED = [
    (a_text_file, "không phải là bản sao lưu"),
    (a_workbook, "không phải là bản sao lưu"),
    (someone_elses_tar_gz, "không phải là bản sao lưu"),
    (a_tar_gz_without_manifest, "không phải là bản sao lưu"),
    (truncated, "bị hỏng"),
    (a_flipped_byte, "bị hỏng"),
    (a_wrong_gzip_checksum, "bị hỏng"),
    (a_changed_member, "bị hỏng .*SHA-256"),
    (a_missing_member, "bị hỏng .*thiếu 1 phần"),
    (of_the_other_engine, "được tạo trên {other}, còn cổng này dùng {engine}: không phục hồi được"),
    (of_a_newer_version, "phiên bản mới hơn .*9999_from_the_future"),
    (not_there, "Không tìm thấy tệp"),
]


def test_a_file_that_is_not_a_sound_archive_of_ours_for_this_portal_is_refused_and_nothing_changes(
    registry, private_root, tmp_path, archive
):
    # One test for all of them: each case on a committed database costs a flush and a reload of the plan.
    for make, message in REFUSED:
        path = make(tmp_path, archive)
        expected = message.format(other=OTHER[connection.vendor], engine=ENGINE[connection.vendor])
        with nothing_changes(registry, private_root), pytest.raises(CommandError, match=expected) as refused:
            restore(path, "--yes")
        assert make is not_there or "giữ nguyên" in str(refused.value), make.__name__


# --- confirmation --------------------------------------------------------------------------------------------


def test_restore_asks_first_and_anything_but_yes_changes_nothing(registry, private_root, archive, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "không")
    with nothing_changes(registry, private_root), pytest.raises(CommandError, match="Đã hủy"):
        restore(archive)

    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "có")
    out = restore(archive)
    assert asked and "THAY THẾ TOÀN BỘ" in out and "Đã phục hồi" in out
    assert not Child.objects.filter(full_name="Sau Sao Lưu").exists()
    assert not (private_root / "imports" / "sau-sao-luu.xlsx").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page size")
def test_a_sqlite_archive_of_another_page_size_restores_into_a_database_in_wal_mode(registry, private_root, archive):
    """The backup API cannot change the page size of a WAL database (the test database is one): the
    unpacked copy is converted first."""

    def edit(manifest, members):
        copy = archive.parent / "page-size.sqlite3"
        copy.write_bytes(members["database.sqlite3"])
        with sqlite3.connect(copy) as db:
            db.execute("PRAGMA page_size=8192")
            db.execute("VACUUM")
        data = copy.read_bytes()
        members["database.sqlite3"] = data
        manifest["members"]["database.sqlite3"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    path = rebuild(archive, archive.parent / "page-size.tar.gz", edit)
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    restore(path, "--yes")
    assert not Child.objects.filter(full_name="Sau Sao Lưu").exists()
    assert Child.objects.count() == len(NAMES)
