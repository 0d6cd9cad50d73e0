"""What the document commands (render_plan, progress_report, export_workbook) take and how they write: the
commune and the period as the pages take them, with the same messages, and a file that is whole or not there.
(Django ignores modules of commands/ whose names start with "_".)"""

from pathlib import Path

from django.core.management.base import CommandError

from reports.periods import parse_period
from tanloi_portal.models import Commune


def commune_argument(code: str) -> Commune:
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise CommandError(f"Không có xã mã “{code}”.")
    return commune


def period_argument(text: str) -> tuple[int, int]:
    try:
        return parse_period(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


def document_format(out: Path, asked: str | None) -> str:
    """pdf or docx: as asked, else by the file's ending."""
    return asked or ("docx" if out.suffix.lower() == ".docx" else "pdf")


def write_whole(out: Path, content: bytes) -> None:
    """Write beside the target, then rename: a reader never finds half a file."""
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(content)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"Không ghi được tệp {out}: {error.strerror}.") from error


def size_text(content: bytes) -> str:
    return f"{len(content):,}".replace(",", ".") + " byte"
