"""tanloi_portal.bulk: rows written in bulk (COPY on PostgreSQL, executemany on SQLite) read back as the ORM
wrote them, each with its "+" history record; keys reserved from the table's own sequence."""

from datetime import date
from decimal import Decimal

import pytest

from children.models import Caregiver, Child, GrowthMeasurement, SchoolEnrolment
from tanloi_portal.bulk import BulkTable, reserve_ids, write_rows
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

AWKWARD = "Nguyễn Thị\tLan \\ \"Út\"\nở 'Ấp 3'\r"


def test_rows_read_back_as_written_with_their_defaults_and_their_history():
    child = ChildFactory()
    ids = reserve_ids(Caregiver, 2)
    written = write_rows(
        Caregiver,
        ("id", "child_id", "full_name", "relation", "phone", "is_primary"),
        [
            (ids[0], child.pk, AWKWARD, Caregiver.Relation.MOTHER, "0912345678", True),
            (ids[1], child.pk, "Trần Văn Bình", "father", "", False),
        ],
    )
    assert written == 2
    mother, father = Caregiver.objects.filter(pk__in=ids).order_by("pk")
    assert (mother.full_name, mother.relation, mother.phone, mother.is_primary) == (
        AWKWARD, "mother", "0912345678", True,
    )  # fmt: skip
    assert (father.full_name, father.relation, father.is_primary) == ("Trần Văn Bình", "father", False)
    records = list(Caregiver.history.filter(id__in=ids).order_by("id"))
    assert [(r.id, r.history_type, r.history_user_id, r.full_name) for r in records] == [
        (ids[0], "+", None, AWKWARD),
        (ids[1], "+", None, "Trần Văn Bình"),
    ]
    assert mother.history.first().instance.child == child


def test_dates_decimals_nulls_and_text_defaults():
    child = ChildFactory(date_of_birth=date(2023, 5, 1))
    table = BulkTable(
        GrowthMeasurement, ("id", "child_id", "measured_on", "weight_kg", "height_cm", "waz", "haz", "classes")
    )
    [pk] = reserve_ids(GrowthMeasurement, 1)
    table.write([(pk, child.pk, date(2025, 6, 2), Decimal("11.25"), Decimal("84.5"), Decimal("-1.02"), None, "")])
    row = GrowthMeasurement.objects.get(pk=pk)
    assert (row.measured_on, row.weight_kg, row.height_cm, row.waz, row.haz) == (
        date(2025, 6, 2), Decimal("11.25"), Decimal("84.5"), Decimal("-1.02"), None,
    )  # fmt: skip
    # The columns not given take their defaults: no flags, not confirmed, no recorder, the load's time.
    assert (row.flags, row.confirmed_implausible, row.recorded_by_id, row.lying) == ("", False, None, None)
    assert row.created_at == row.updated_at == table.now
    enrolment = BulkTable(SchoolEnrolment, ("id", "child_id", "school_year", "level", "school"))
    [pk] = reserve_ids(SchoolEnrolment, 1)
    enrolment.write([(pk, child.pk, 2025, SchoolEnrolment.Level.KINDERGARTEN, "Trường Mầm non Tân Lợi")])
    saved = SchoolEnrolment.objects.get(pk=pk)
    assert (saved.level, saved.status, saved.grade, saved.dropout_reason) == ("kindergarten", "enrolled", None, "")


def test_reserved_keys_are_never_given_to_a_row_saved_later():
    reserved = reserve_ids(Child, 5)
    assert len(set(reserved)) == 5
    later = ChildFactory()
    assert later.pk not in reserved
    assert reserve_ids(Child, 0) == []


def test_a_model_with_a_history_needs_the_keys_and_every_column_must_exist():
    with pytest.raises(ValueError, match="primary key"):
        BulkTable(Caregiver, ("child_id", "full_name", "relation"))
    with pytest.raises(ValueError, match="no column"):
        BulkTable(Caregiver, ("id", "child_id", "nickname"))
    with pytest.raises(ValueError, match="no default"):
        BulkTable(Caregiver, ("id", "full_name")).write([(1, "x")])  # child_id: NOT NULL, no default
