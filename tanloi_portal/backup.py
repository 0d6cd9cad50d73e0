"""Backing up and restoring the whole portal: the database and the private files, in one .tar.gz archive.

The archive holds `database.sqlite3` (SQLite's online backup API, a consistent copy of a live database) or
`database.pgdump` (`pg_dump --format=custom`), the files of settings.PRIVATE_ROOT under `private/` (staged
Excel uploads and case attachments; the `cache` folder is left out), and last `manifest.json`: when, which
database engine, the applied migrations, and the size and SHA-256 of every other member.

A restore first unpacks the archive beside the private files and checks all of it (ours, whole, the same
engine, not from a newer version of the code); only then does it replace the database wholly (SQLite: the
backup API from the archived copy into the live connection; PostgreSQL: the pg_restore --clean script run
by psql in one transaction, after dropping the tables the archive does not have) and then the private
files wholly. A refused archive changes nothing.

Messages are plain Vietnamese, like the other management commands': they are read at a terminal by the
administrator, not in the interface.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "tanloi_portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
PRIVATE = "private"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Left out of the archive and kept by a restore: the file cache, and the folders restores unpack into.
CACHE_DIR = "cache"
STAGING_PREFIX = ".restore-"
CHUNK = 1024 * 1024
KEPT = "dữ liệu hiện tại giữ nguyên"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Vietnamese, for the administrator."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    files: int
    size: int
    seconds: float


@dataclass
class CheckedBackup:
    """An archive unpacked into `staging` and checked whole; nothing of the live portal changed yet."""

    path: Path
    manifest: dict
    staging: Path
    database_file: Path
    private_dir: Path
    keep_relations: set = field(default_factory=set)  # PostgreSQL: (schema, name) of the archive's relations

    @property
    def engine(self) -> str:
        return self.manifest["engine"]

    @property
    def files(self) -> int:
        return self.manifest["files"]["count"]

    @property
    def created_at(self):
        return timezone.localtime(datetime.fromisoformat(self.manifest["created_at"]))


@dataclass(frozen=True)
class RestoreReport:
    files: int
    pending_migrations: list[str]
    seconds: float


# --- backup --------------------------------------------------------------------------------------------------


def backup_create(*, path: Path | str, overwrite: bool = False, using: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Write the database and the private files into one archive at `path` (readable by its owner only).

    The archive is written beside `path` under a temporary name and renamed when complete, so `path` is
    never a half-written archive."""
    started = time.monotonic()
    connection = connections[using]
    vendor = _vendor(connection)
    target = Path(path).expanduser().absolute()
    root = _private_root()
    if target.is_dir():
        raise BackupError(f"{target} là một thư mục: hãy cho tên tệp, ví dụ {target / 'tanloi-2025-01-31.tar.gz'}.")
    if target.exists() and not overwrite:
        raise BackupError(f"Tệp {target} đã có: chọn tên khác hoặc thêm --overwrite để ghi đè.")
    if target.resolve().is_relative_to(root.resolve()):
        raise BackupError(f"Không đặt bản sao lưu trong thư mục tệp riêng {root}: nó sẽ tự chép chính nó.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as work:
            partial = Path(work) / "archive.tar.gz"
            manifest = _write_archive(connection, vendor=vendor, work=Path(work), partial=partial, root=root)
            os.replace(partial, target)
    except OSError as error:
        raise BackupError(f"Không ghi được bản sao lưu {target}: {error}") from error
    return BackupReport(
        path=target,
        engine=vendor,
        files=manifest["files"]["count"],
        size=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _write_archive(connection, *, vendor: str, work: Path, partial: Path, root: Path) -> dict:
    database_file = work / DATABASE_MEMBER[vendor]
    # The database first, then the files: a case attachment is written before its row is committed, so
    # every attachment the copied database knows is on disk by the time the files are read.
    if vendor == "sqlite":
        _sqlite_copy(connection, database_file)
    else:
        _pg_dump(connection, database_file)
    members: dict[str, dict] = {}
    with (
        open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
        tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
    ):
        members[database_file.name] = _add_file(tar, database_file, database_file.name)
        for source, relative in _private_files(root):
            try:
                members[f"{PRIVATE}/{relative}"] = _add_file(tar, source, f"{PRIVATE}/{relative}")
            except FileNotFoundError:
                continue  # removed since the folder was listed, e.g. a staged upload just imported
        manifest = _manifest(connection, vendor=vendor, members=members)
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        tar.addfile(_tarinfo(MANIFEST, len(data), time.time()), io.BytesIO(data))
    return manifest


def _sqlite_copy(connection, destination: Path) -> None:
    _not_in_transaction(connection)
    connection.ensure_connection()
    copy = sqlite3.connect(destination)
    try:
        # One step (pages=-1): the whole database under one read lock, so the copy is of one moment.
        connection.connection.backup(copy)
        # A self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _pg_dump(connection, destination: Path) -> None:
    # pg_dump reads in one repeatable-read transaction of its own: a consistent copy of a live database.
    _run_pg(connection, "pg_dump", ["--format=custom", "--no-password", f"--file={destination}"], connect=True)


def _private_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if d != CACHE_DIR and not d.startswith(STAGING_PREFIX)]
        dirs.sort()
        for name in sorted(files):
            source = here / name
            if source.is_file() and not source.is_symlink():
                yield source, source.relative_to(root).as_posix()


class _HashingReader:
    def __init__(self, raw):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def read(self, size=-1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> dict:
    with source.open("rb") as raw:
        stat = os.fstat(raw.fileno())
        reader = _HashingReader(raw)
        # tarfile reads exactly `size` bytes: the hash is of what the archive holds.
        tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
    return {"size": stat.st_size, "sha256": reader.sha256.hexdigest()}


def _manifest(connection, *, vendor: str, members: dict[str, dict]) -> dict:
    applied: dict[str, list[str]] = {}
    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        for app, name in sorted(recorder.applied_migrations()):
            applied.setdefault(app, []).append(name)
    private = [m for name, m in members.items() if name.startswith(f"{PRIVATE}/")]
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "engine": vendor,
        "database": str(connection.settings_dict["NAME"]),
        "host": socket.gethostname(),
        "django": django.get_version(),
        # app label -> applied migrations; the last one is the app's migration state.
        "migrations": applied,
        "files": {"count": len(private), "bytes": sum(m["size"] for m in private)},
        "members": members,
    }


# --- restore: check ------------------------------------------------------------------------------------------


@contextmanager
def backup_checked(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> Iterator[CheckedBackup]:
    """Unpack the archive beside the private files and check it whole; the unpacked copy goes on exit.

    Raises BackupError, having changed nothing, for a file that is not one of our archives, a damaged
    archive, an archive of the other database engine or one made by a newer version of the code."""
    connection = connections[using]
    vendor = _vendor(connection)
    _not_in_transaction(connection)
    source = Path(path).expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp {source}.")
    with source.open("rb") as head:
        if head.read(2) != b"\x1f\x8b":
            raise BackupError(_not_ours(source))
    root = _private_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        # Unpacked inside PRIVATE_ROOT: the same file system, so the files are moved into place, not copied.
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    except OSError as error:
        raise BackupError(f"Không giải nén được vào thư mục tệp riêng {root} ({error}): {KEPT}.") from error
    try:
        checked = _unpack(source, staging)
        if checked.engine != vendor:
            raise BackupError(
                f"Bản sao lưu {source} được tạo trên {ENGINE_NAME.get(checked.engine, checked.engine)}, còn cổng "
                f"này dùng {ENGINE_NAME[vendor]}: không phục hồi được sang hệ cơ sở dữ liệu khác, {KEPT}."
            )
        newer = _unknown_migrations(checked.manifest["migrations"])
        if newer:
            raise BackupError(
                f"Bản sao lưu {source} được tạo bởi phiên bản mới hơn của cổng (có migration mà mã nguồn này "
                f"chưa có: {', '.join(newer[:5])}{' …' if len(newer) > 5 else ''}): hãy cập nhật mã nguồn trước "
                f"khi phục hồi; {KEPT}."
            )
        if vendor == "sqlite":
            _sqlite_check(connection, checked)
        else:
            checked.keep_relations = _pg_check(connection, checked)
        yield checked
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _not_ours(source: Path) -> str:
    return f"Tệp {source} không phải là bản sao lưu của cổng (lệnh backup): không phục hồi, {KEPT}."


def _foreign(source: Path) -> str:
    """A gzip file that is not laid out as our archives: damaged if its gzip checksums fail, else not ours."""
    try:
        with gzip.open(source) as stream:
            while stream.read(CHUNK):
                pass
    except (OSError, EOFError, zlib.error):
        return _damaged(source, "tệp nén không toàn vẹn")
    return _not_ours(source)


def _damaged(source: Path, detail: str) -> str:
    return f"Bản sao lưu {source} bị hỏng ({detail}): không phục hồi, {KEPT}."


def _unpack(source: Path, staging: Path) -> CheckedBackup:
    found: dict[str, dict] = {}
    manifest_data = None
    private_dir = staging / PRIVATE
    private_dir.mkdir()
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            for member in tar:
                name = member.name
                if manifest_data is not None or not member.isreg() or name in found:
                    raise BackupError(_foreign(source))
                if name == MANIFEST:
                    if member.size > CHUNK:
                        raise BackupError(_foreign(source))
                    manifest_data = tar.extractfile(member).read()
                    continue
                if name in DATABASE_MEMBER.values():
                    destination = staging / name
                elif name.startswith(f"{PRIVATE}/"):
                    destination = private_dir / _safe_relative(source, name.removeprefix(f"{PRIVATE}/"))
                else:
                    raise BackupError(_foreign(source))
                found[name] = _extract(tar, member, destination)
            # The tar ends at its end-of-archive marker, before the gzip trailer: read to the end of the
            # compressed file, so that its CRC-32 and length are checked (a damage after the last member).
            while tar.fileobj.read(CHUNK):
                pass
    except _WriteError as error:
        raise BackupError(f"Không giải nén được vào {staging} ({error.__cause__}): {KEPT}.") from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(_damaged(source, f"không đọc hết được tệp nén: {error}")) from error
    try:
        manifest = json.loads(manifest_data) if manifest_data is not None else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_foreign(source))
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise BackupError(
            f"Bản sao lưu {source} được tạo bởi phiên bản mới hơn của lệnh backup: hãy cập nhật mã nguồn; {KEPT}."
        )
    if not _well_formed(manifest):
        raise BackupError(_damaged(source, "tệp manifest.json không đúng dạng"))
    expected = manifest.get("members") or {}
    if set(expected) != set(found):
        missing = sorted(set(expected) - set(found))
        detail = f"thiếu {len(missing)} phần, ví dụ {missing[0]}" if missing else "có phần lạ"
        raise BackupError(_damaged(source, detail))
    for name, facts in found.items():
        if facts != expected[name]:
            raise BackupError(_damaged(source, f"{name} không khớp mã kiểm tra SHA-256"))
    database_name = DATABASE_MEMBER.get(manifest.get("engine"))
    if database_name not in found:
        raise BackupError(_damaged(source, "không có cơ sở dữ liệu"))
    return CheckedBackup(
        path=source,
        manifest=manifest,
        staging=staging,
        database_file=staging / database_name,
        private_dir=private_dir,
    )


def _well_formed(manifest: dict) -> bool:
    try:
        created_at = datetime.fromisoformat(manifest["created_at"])
        migrations, files, members = manifest["migrations"], manifest["files"], manifest["members"]
        return (
            created_at.tzinfo is not None
            and isinstance(manifest["engine"], str)
            and all(isinstance(a, str) and all(isinstance(n, str) for n in names) for a, names in migrations.items())
            and isinstance(files["count"], int)
            and all(set(m) == {"size", "sha256"} for m in members.values())
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


class _WriteError(Exception):
    """Writing the unpacked copy failed (a full disk, say): the archive itself may be sound."""


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path) -> dict:
    sha256, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        out = destination.open("wb")
    except OSError as error:
        raise _WriteError from error
    with out:
        while data := source.read(CHUNK):
            sha256.update(data)
            size += len(data)
            try:
                out.write(data)
            except OSError as error:
                raise _WriteError from error
    os.utime(destination, (member.mtime, member.mtime))
    return {"size": size, "sha256": sha256.hexdigest()}


def _safe_relative(source: Path, name: str) -> str:
    relative = PurePosixPath(name)
    parts = relative.parts
    if (
        not parts
        or relative.is_absolute()
        or any(p in ("", ".", "..") or "\\" in p for p in parts)
        or parts[0] == CACHE_DIR
        or parts[0].startswith(STAGING_PREFIX)
    ):
        raise BackupError(_foreign(source))
    return relative.as_posix()


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """The archive's applied migrations that this code does not have (a squashed migration's parts count)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return [f"{app}.{name}" for app, names in sorted(applied.items()) for name in names if (app, name) not in known]


def _sqlite_check(connection, checked: CheckedBackup) -> None:
    try:
        copy = sqlite3.connect(checked.database_file)
        try:
            result = copy.execute("PRAGMA integrity_check").fetchone()
            if result != ("ok",):
                raise BackupError(_damaged(checked.path, f"SQLite: {result[0]}"))
            if not copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
                raise BackupError(_damaged(checked.path, "bản sao SQLite không có bảng django_migrations"))
            connection.ensure_connection()
            live_page_size = connection.connection.execute("PRAGMA page_size").fetchone()[0]
            if copy.execute("PRAGMA page_size").fetchone()[0] != live_page_size:
                # The backup API cannot write another page size into a database in WAL mode.
                copy.execute(f"PRAGMA page_size={int(live_page_size)}")
                copy.execute("VACUUM")
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(_damaged(checked.path, f"SQLite: {error}")) from error


def _pg_check(connection, checked: CheckedBackup) -> set[tuple[str, str]]:
    listing = _run_pg(connection, "pg_restore", ["--list", str(checked.database_file)], connect=False, damaged=checked)
    relations = set()
    kinds = ("MATERIALIZED VIEW", "FOREIGN TABLE", "TABLE", "VIEW", "SEQUENCE")
    for line in listing.splitlines():
        # "215; 1259 16386 TABLE public auth_group postgres" (not "TABLE DATA ..." nor "SEQUENCE SET ...")
        head, _, rest = line.partition("; ")
        if not head.isdigit():
            continue
        description = rest.split(" ", 2)[-1] if rest.count(" ") >= 2 else ""
        for kind in kinds:
            if description.startswith(f"{kind} "):
                parts = description.removeprefix(f"{kind} ").split(" ")
                if len(parts) == 3:
                    relations.add((parts[0], parts[1]))
                break
    if not any(name == "django_migrations" for _, name in relations):
        raise BackupError(_damaged(checked.path, "bản sao PostgreSQL không có bảng django_migrations"))
    # The restore script, made now: the whole dump is read (and so checked) before anything changes.
    _run_pg(
        connection,
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", f"--file={_pg_script(checked)}", str(checked.database_file)],
        connect=False,
        damaged=checked,
    )
    return relations


def _pg_script(checked: CheckedBackup) -> Path:
    return checked.staging / "restore.sql"


# --- restore: apply ------------------------------------------------------------------------------------------


def backup_restore(*, checked: CheckedBackup, using: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Replace the database and the private files wholly by the checked archive's.

    The database goes first, in one step that either completes or changes nothing; then the files."""
    started = time.monotonic()
    connection = connections[using]
    _not_in_transaction(connection)
    if checked.engine == "sqlite":
        _sqlite_restore(connection, checked)
    else:
        _pg_restore(connection, checked)
    connections.close_all()
    # Content types are cached by id in the process; the restored database may number them otherwise.
    ContentType.objects.clear_cache()
    try:
        _replace_private_files(checked)
    except OSError as error:
        raise BackupError(
            f"Đã phục hồi cơ sở dữ liệu nhưng không thay được các tệp riêng trong {_private_root()} ({error}): "
            "sửa lỗi rồi chạy lại lệnh restore."
        ) from error
    executor = MigrationExecutor(connections[using])
    pending = [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]
    return RestoreReport(files=checked.files, pending_migrations=pending, seconds=time.monotonic() - started)


def _sqlite_restore(connection, checked: CheckedBackup) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(checked.database_file)
    try:
        # The backup API in the other direction: every page of the live database replaced in one step,
        # while Django's connection (and any other) stays valid.
        copy.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"Không ghi được cơ sở dữ liệu SQLite ({error}): {KEPT}.") from error
    finally:
        copy.close()


def _pg_restore(connection, checked: CheckedBackup) -> None:
    # Tables (and views, sequences) the archive does not have, e.g. made by a later migration, would
    # survive pg_restore --clean: they are dropped in the same transaction as the restore.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND pg_catalog.pg_table_is_visible(c.oid)
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
            """
        )
        live = cursor.fetchall()
    drop = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    quote = connection.ops.quote_name
    statements = ["SET client_min_messages = warning;"] + [
        f"DROP {drop[kind]} IF EXISTS {quote(schema)}.{quote(name)} CASCADE;"
        for schema, name, kind in sorted(live)
        if (schema, name) not in checked.keep_relations
    ]
    extras = checked.staging / "drop-extra.sql"
    extras.write_text("\n".join(statements) + "\n", encoding="utf-8")
    connections.close_all()
    params = ["-X", "-q", "--no-password", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", str(extras)]
    _run_pg(connection, "psql", [*params, "-f", str(_pg_script(checked))], connect=True, failed=True)


def _replace_private_files(checked: CheckedBackup) -> None:
    root = _private_root()
    aside = checked.staging / "replaced"
    aside.mkdir()
    moved_aside, moved_in = [], []
    try:
        for entry in sorted(root.iterdir()):
            if entry.name == CACHE_DIR or entry.name.startswith(STAGING_PREFIX):
                continue
            os.replace(entry, aside / entry.name)
            moved_aside.append(entry.name)
        for entry in sorted(checked.private_dir.iterdir()):
            os.replace(entry, root / entry.name)
            moved_in.append(entry.name)
    except OSError:
        # Put the previous files back as they were.
        for name in moved_in:
            os.replace(root / name, checked.private_dir / name)
        for name in moved_aside:
            os.replace(aside / name, root / name)
        raise


# --- shared --------------------------------------------------------------------------------------------------


def _vendor(connection) -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(f"Chỉ sao lưu và phục hồi được SQLite và PostgreSQL, không phải {connection.vendor}.")
    return connection.vendor


def _private_root() -> Path:
    return Path(settings.PRIVATE_ROOT).expanduser().absolute()


def _not_in_transaction(connection) -> None:
    if connection.in_atomic_block:
        raise BackupError("Không sao lưu hay phục hồi bên trong một giao dịch cơ sở dữ liệu đang mở.")


def _run_pg(connection, program: str, parameters: list[str], *, connect: bool, damaged=None, failed=False) -> str:
    """Run a PostgreSQL client program. One that connects gets the connection's own settings (in tests, the
    test database) as Django's dbshell builds them: host, port, user, database, PGPASSWORD, SSL options."""
    if connect:
        args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, parameters)
        args[0] = program
    else:
        args, env = [program, *parameters], None
    try:
        result = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            f"Không tìm thấy {program}: cài gói postgresql-client cùng phiên bản với máy chủ PostgreSQL."
        ) from error
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [f"mã thoát {result.returncode}"])[-1]
        if damaged is not None:
            raise BackupError(_damaged(damaged.path, f"{program}: {detail}"))
        if failed:
            raise BackupError(f"Phục hồi PostgreSQL không thành công ({program}: {detail}): giao dịch đã hủy, {KEPT}.")
        raise BackupError(f"{program} không thành công: {detail}")
    return result.stdout
