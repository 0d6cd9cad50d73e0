"""The registry's rules: impossible dates, bad identifiers and inconsistent facts are refused in Vietnamese."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from children.models import (
    BirthRegistration,
    Child,
    ChildLabour,
    CircumstanceMembership,
    GrowthMeasurement,
    Household,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    VaccinationDose,
)
from children.services import child_register
from tests.factories import ChildFactory, HouseholdFactory, vaccine

pytestmark = pytest.mark.django_db


def _errors(obj) -> dict:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


@pytest.fixture
def child(hamlet_a):
    return ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2020, 5, 17), sex="F")


def test_a_birth_in_the_future_is_refused(hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        child_register(household=household, full_name="Lê Thị Mai", sex="F", date_of_birth=tomorrow)
    assert "tương lai" in error.value.message_dict["date_of_birth"][0]
    assert not Child.objects.filter(full_name="Lê Thị Mai").exists()


@pytest.mark.parametrize(
    "personal_id, message",
    [
        ("07930001234", "12 chữ số"),  # 11 digits
        ("07930001234a", "12 chữ số"),
        ("099320001234", "001 đến 096"),  # province 099 does not exist
        ("079220001234", "Chữ số thứ 4 phải là 3"),  # 2 = male born 2000-2099, the child is a girl
        ("079319001234", "năm sinh (2020)"),  # year digits 19, born 2020
    ],
)
def test_a_personal_id_of_the_wrong_shape_is_refused(child, personal_id, message):
    child.personal_id = personal_id
    errors = _errors(child)
    assert any(message in m for m in errors["personal_id"]), errors


def test_a_well_formed_personal_id_is_accepted_and_unique(child, hamlet_a):
    child.personal_id = "079320001234"  # 079 Hồ Chí Minh; 3 = girl born 2000-2099; 20 = 2020
    child.full_clean()
    child.save()
    other = ChildFactory(household=child.household, date_of_birth=date(2020, 1, 1), sex="F")
    other.personal_id = "079320001234"
    messages = [m for ms in _errors(other).values() for m in ms]
    # The model does not know who asks: its message names no child (the services name one of the commune's).
    assert "Mã định danh này không dùng được; kiểm tra lại hoặc liên hệ quản trị." in messages


def test_moved_away_needs_its_date(child):
    child.status = Child.Status.MOVED_AWAY
    assert "status_date" in _errors(child)


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda c: BirthRegistration(child=c, registered_on=date(2020, 5, 16)), "registered_on"),
        (lambda c: GrowthMeasurement(child=c, measured_on=date(2019, 1, 1), weight_kg=Decimal("3")), "measured_on"),
        (
            lambda c: VaccinationDose(child=c, vaccine=vaccine("bcg"), dose_number=1, given_on=date(2020, 5, 1)),
            "given_on",
        ),
        (
            lambda c: GrowthMeasurement(
                child=c, measured_on=timezone.localdate() + timedelta(days=2), weight_kg=Decimal("12")
            ),
            "measured_on",
        ),
    ],
)
def test_a_fact_before_birth_or_in_the_future_is_refused(child, make, field):
    assert field in _errors(make(child))


def test_an_end_before_the_start_is_refused(child):
    group = SpecialCircumstanceGroup.objects.get(number=4)
    membership = CircumstanceMembership(
        child=child, group=group, started_on=date(2023, 3, 1), ended_on=date(2022, 3, 1)
    )
    assert "ended_on" in _errors(membership)


def test_a_drop_out_needs_its_date_and_reason_and_a_grade_must_fit_the_level(child):
    enrolment = SchoolEnrolment(
        child=child, school_year=2025, level="primary", grade=7, school="TH Tân Lợi", status="dropped_out"
    )
    errors = _errors(enrolment)
    assert {"status_date", "dropout_reason", "grade"} <= set(errors)
    enrolment.grade, enrolment.status_date, enrolment.dropout_reason = 1, date(2027, 1, 5), "Đi làm"
    assert "status_date" in _errors(enrolment)  # outside school year 2025-2026
    enrolment.status_date = date(2026, 1, 5)
    enrolment.full_clean()


def test_a_dose_number_beyond_the_schedule_is_refused(child):
    dose = VaccinationDose(child=child, vaccine=vaccine("bcg"), dose_number=2, given_on=date(2020, 6, 1))
    assert "dose_number" in _errors(dose)


def test_a_measurement_needs_a_weight_or_a_height(child):
    assert "__all__" in _errors(GrowthMeasurement(child=child, measured_on=date(2022, 1, 1)))


def test_hours_a_week_cannot_exceed_seven_days_of_the_daily_hours(child):
    work = ChildLabour(
        child=child, started_on=date(2024, 1, 1), kind="services", hours_per_day=Decimal(2), hours_per_week=Decimal(20)
    )
    assert "hours_per_week" in _errors(work)


def test_phone_numbers_are_vietnamese_numbers(hamlet_a):
    household = Household(commune=hamlet_a.commune, hamlet=hamlet_a, code="P1", head_name="A B", phone="12345")
    assert "phone" in _errors(household)
    household.phone = "0912345678"
    household.head_name_search = "a b"
    household.full_clean()


@pytest.mark.parametrize(
    "school_year, status_date, field",
    [
        (2024, date(2024, 1, 15), "status_date"),  # 15/01/2024 is in school year 2023-2024
        (2025, date(2025, 12, 31), None),
        (2016, None, "school_year"),  # before the child was born (2020)
    ],
)
def test_school_dates_fit_the_school_year(child, school_year, status_date, field):
    enrolment = SchoolEnrolment(
        child=child, school_year=school_year, level="primary", school="TH", status="completed", status_date=status_date
    )
    if field is None:
        enrolment.full_clean(validate_constraints=False)
    else:
        with pytest.raises(ValidationError) as error:
            enrolment.full_clean(validate_constraints=False)
        assert field in error.value.message_dict
