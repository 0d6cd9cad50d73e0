"""Registry services: registering, moving, deaths, growth z-scores, merging, and the history they leave."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from children import services
from children.models import (
    Child,
    CircumstanceMembership,
    Death,
    GrowthMeasurement,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
    VaccinationDose,
)
from children.selectors import ChildFilters, child_history, child_list
from tests.factories import ChildFactory, HouseholdFactory, vaccine

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a, code="01-001")


def test_register_keeps_the_name_and_its_search_and_sort_keys(household, users):
    child = services.child_register(
        household=household,
        full_name="  Nguyễn   Thị Ánh  ",
        sex="F",
        date_of_birth=date(2021, 2, 3),
        by=users["officer"],
    )
    assert (child.full_name, child.name_search) == ("Nguyễn Thị Ánh", "nguyen thi anh")
    record = child.history.get()
    assert record.history_user == users["officer"] and record.history_type == "+"


def test_death_is_recorded_with_the_status_together(household, users):
    child = ChildFactory(household=household)
    services.child_record_death(child=child, died_on=date(2023, 4, 2), cause="injury", by=users["officer"])
    child.refresh_from_db()
    assert (child.status, child.status_date) == (Child.Status.DECEASED, date(2023, 4, 2))
    assert Death.objects.get(child=child).cause == "injury"
    with pytest.raises(ValidationError, match="Đã mất"):
        services.child_mark_moved_away(child=child, on=date(2024, 1, 1), by=users["officer"])


def test_a_death_before_birth_changes_nothing(household, users):
    child = ChildFactory(household=household, date_of_birth=date(2020, 5, 17))
    with pytest.raises(ValidationError):
        services.child_record_death(child=child, died_on=date(2020, 5, 1), cause="illness", by=users["officer"])
    child.refresh_from_db()
    assert child.status == Child.Status.LIVING and not Death.objects.exists()


def test_moving_to_another_commune_is_refused(household, other_commune, users):
    child = ChildFactory(household=household)
    elsewhere = HouseholdFactory(hamlet=other_commune.hamlets.get(), code="X-1")
    with pytest.raises(ValidationError, match="cùng xã"):
        services.child_move(child=child, household=elsewhere, by=users["officer"])
    inside = HouseholdFactory(hamlet=household.hamlet, code="01-002")
    services.child_move(child=child, household=inside, by=users["officer"])
    child.refresh_from_db()
    assert child.household == inside


def test_growth_measurement_gets_who_z_scores_and_classes(household, users):
    # GROWTH.md: a boy of 731 days weighing 10.0 kg has WAZ -1.71; 9.5 kg is under the -2 SD of 9.675 kg.
    child = ChildFactory(household=household, sex="M", date_of_birth=date(2022, 1, 1))
    normal = services.fact_save(
        fact=GrowthMeasurement(child=child, measured_on=date(2024, 1, 2), weight_kg=Decimal("10.0")),
        by=users["health"],
    )
    assert normal.waz == Decimal("-1.71") and normal.classes == ""
    low = services.fact_save(
        fact=GrowthMeasurement(child=child, measured_on=date(2024, 1, 3), weight_kg=Decimal("9.5")),
        by=users["health"],
    )
    assert low.waz < Decimal("-2") and "underweight" in low.classes.split(",")
    assert low.recorded_by == users["health"]


def test_an_implausible_measurement_must_be_confirmed_and_is_then_flagged(household, users):
    child = ChildFactory(household=household, sex="F", date_of_birth=date(2023, 1, 1))
    typo = GrowthMeasurement(child=child, measured_on=date(2024, 1, 1), weight_kg=Decimal("45"))
    with pytest.raises(services.ImplausibleMeasurement) as error:
        services.fact_save(fact=typo, by=users["officer"])
    assert error.value.flags == ["waz"] and not GrowthMeasurement.objects.exists()
    saved = services.fact_save(fact=typo, by=users["officer"], confirm_implausible=True)
    assert saved.flags == "waz" and saved.confirmed_implausible


def test_merge_moves_the_facts_and_keeps_the_duplicate_as_an_alias(household, users):
    keep = ChildFactory(household=household, full_name="Trần Văn Nam", date_of_birth=date(2022, 3, 3))
    twin = ChildFactory(household=household, full_name="Tran Van Nam", date_of_birth=date(2022, 3, 3))
    by = users["officer"]
    services.fact_save(
        fact=VaccinationDose(child=keep, vaccine=vaccine("bcg"), dose_number=1, given_on=date(2022, 3, 4)), by=by
    )
    services.fact_save(
        fact=VaccinationDose(child=twin, vaccine=vaccine("bcg"), dose_number=1, given_on=date(2022, 3, 4)), by=by
    )
    services.fact_save(
        fact=VaccinationDose(child=twin, vaccine=vaccine("opv"), dose_number=1, given_on=date(2022, 5, 5)), by=by
    )
    services.fact_save(
        fact=SchoolEnrolment(child=twin, school_year=2025, level="kindergarten", school="MN Tân Lợi"), by=by
    )
    services.child_merge(keep=keep, duplicate=twin, by=by)
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into) == (Child.Status.MERGED, keep)
    doses = sorted(keep.vaccinationdose_set.values_list("vaccine__code", "given_on"))
    # The BCG dose both held stays once; OPV moved over.
    assert doses == [("bcg", date(2022, 3, 4)), ("opv", date(2022, 5, 5))]
    assert keep.schoolenrolment_set.count() == 1
    listed = child_list(user=users["officer"], filters=ChildFilters(q="tran van nam"))
    assert [c.pk for c in listed] == [keep.pk]
    with pytest.raises(ValidationError):
        services.child_merge(keep=keep, duplicate=twin, by=by)


def test_history_shows_who_changed_what_from_what(household, users):
    child = services.child_register(
        household=household, full_name="Lê Văn Tài", sex="M", date_of_birth=date(2020, 1, 1), by=users["officer"]
    )
    services.child_update(child=child, by=users["officer"], full_name="Lê Văn Tài Em", ethnicity="Khmer")
    entries = child_history(child=child)
    latest = entries[0]
    assert latest.kind == "sửa" and latest.who == users["officer"].full_name
    assert ("họ và tên", "Lê Văn Tài", "Lê Văn Tài Em") in latest.changes
    assert ("dân tộc", "Kinh", "Khmer") in latest.changes
    assert entries[-1].kind == "thêm"


def test_merge_refuses_records_that_disagree_and_moves_nothing(household, users):
    by = users["officer"]
    keep = ChildFactory(household=household, full_name="Đinh Thị Hoa", date_of_birth=date(2021, 3, 3))
    twin = ChildFactory(household=household, full_name="Dinh Thi Hoa", date_of_birth=date(2021, 3, 3))
    services.fact_save(
        fact=VaccinationDose(child=keep, vaccine=vaccine("bcg"), dose_number=1, given_on=date(2021, 3, 4)), by=by
    )
    services.fact_save(
        fact=VaccinationDose(child=twin, vaccine=vaccine("bcg"), dose_number=1, given_on=date(2021, 3, 20)), by=by
    )
    services.child_record_death(child=twin, died_on=date(2023, 1, 1), cause="illness", by=by)
    with pytest.raises(ValidationError) as error:
        services.child_merge(keep=keep, duplicate=twin, by=by)
    text = " ".join(error.value.messages)
    assert "Tình trạng khác nhau" in text and "ngày tiêm khác nhau" in text
    twin.refresh_from_db()
    assert twin.status == Child.Status.DECEASED and twin.vaccinationdose_set.count() == 1


def test_correcting_the_birth_date_recomputes_growth_and_refuses_facts_before_it(household, users):
    by = users["officer"]
    child = ChildFactory(household=household, sex="M", date_of_birth=date(2022, 1, 1))
    measurement = services.fact_save(
        fact=GrowthMeasurement(child=child, measured_on=date(2024, 1, 2), weight_kg=Decimal("10.0")), by=by
    )
    assert measurement.waz == Decimal("-1.71")
    with pytest.raises(ValidationError) as error:
        services.child_update(child=child, by=by, date_of_birth=date(2024, 2, 1))
    assert "02/01/2024" in error.value.message_dict["date_of_birth"][0]
    services.child_update(child=child, by=by, date_of_birth=date(2021, 1, 1))
    measurement.refresh_from_db()
    # Three years old now, and 10 kg is well under his -2 SD: the stored z-score followed the correction.
    assert measurement.waz < Decimal("-2") and "underweight" in measurement.classes


def test_support_must_point_at_the_childs_own_circumstance_and_a_unit_of_its_commune(household, users, other_commune):
    child = ChildFactory(household=household)
    stranger = ChildFactory(household=household)
    theirs = CircumstanceMembership.objects.create(
        child=stranger, group=SpecialCircumstanceGroup.objects.get(number=1), started_on=date(2024, 1, 1)
    )
    support = SupportRecord(child=child, membership=theirs, unit=other_commune.units.get(), description="x",
                            given_on=date(2024, 3, 1))  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.fact_save(fact=support, by=users["officer"])
    assert {"membership", "unit"} <= set(error.value.message_dict)
    assert not SupportRecord.objects.exists()
