"""Need to know on the child page, every fact form, and rules that hold outside the forms too."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from children import services
from children.fact_kinds import KINDS
from children.models import (
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Disability,
    GrowthMeasurement,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
)
from tanloi_portal.client_ip import client_ip
from tanloi_portal.models import AccessLog, Role
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRETS = ["mẹ bị bạo hành", "Khuyết tật trí tuệ", "cạo mủ thuê", "tảo hôn năm 16 tuổi", "bị xâm hại bởi người quen"]


@pytest.fixture
def child(hamlet_a, users):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2010, 4, 1))
    services.child_update(child=child, by=users["officer"], notes="mẹ bị bạo hành")
    group = SpecialCircumstanceGroup.objects.get(number=11)
    membership = CircumstanceMembership.objects.create(
        child=child, group=group, started_on=date(2024, 1, 1), notes="bị xâm hại bởi người quen"
    )
    SupportRecord.objects.create(child=child, membership=membership, description="Tư vấn", given_on=date(2024, 2, 1))
    Disability.objects.create(child=child, kind="intellectual", severity="mild", identified_on=date(2015, 1, 1))
    ChildLabour.objects.create(
        child=child, started_on=date(2024, 1, 1), kind="hired_farm", hours_per_day=4, hours_per_week=24,
        notes="cạo mủ thuê",
    )  # fmt: skip
    ChildMarriage.objects.create(child=child, married_on=date(2026, 5, 1), notes="tảo hôn năm 16 tuổi")
    GrowthMeasurement.objects.create(child=child, measured_on=date(2014, 1, 1), weight_kg=Decimal("15"))
    SchoolEnrolment.objects.create(child=child, school_year=2025, level="lower_secondary", grade=9, school="THCS")
    return child


def _page(client_for, user, child) -> str:
    return client_for(user).get(reverse("children:child-detail", args=[child.pk])).content.decode()


def test_the_officer_reads_everything(users, client_for, child):
    page = _page(client_for, users["officer"], child)
    assert all(secret in page for secret in SECRETS) and 'id="history"' in page


def test_a_collaborator_reads_the_group_but_no_notes_details_or_events(users, client_for, child):
    page = _page(client_for, users["ctv_a"], child)
    assert "Trẻ em bị xâm hại tình dục" in page
    assert [s for s in SECRETS if s in page] == []
    assert 'id="history"' not in page and 'id="events"' not in page


@pytest.mark.parametrize(
    "unit_code, sees, hidden",
    [
        ("tram-y-te", {"health"}, {"school", "protection", "events", "history"}),
        ("truong-thcs", {"school"}, {"health", "protection", "events", "history"}),
        ("cong-an", set(), {"health", "school", "protection", "events", "history"}),
    ],
)
def test_unit_staff_read_the_childs_identity_and_their_units_facts_only(
    commune, client_for, child, unit_code, sees, hidden
):
    staff = UserFactory(username=f"u-{unit_code}", role=Role.UNIT_STAFF, unit=commune.units.get(code=unit_code))
    page = _page(client_for, staff, child)
    assert [s for s in SECRETS if s in page] == []
    for tab in sees:
        assert f'id="{tab}"' in page
    for tab in hidden:
        assert f'id="{tab}"' not in page


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_every_fact_form_opens_for_the_officer(users, client_for, child, slug):
    response = client_for(users["officer"]).get(reverse("children:fact-create", args=[child.pk, slug]))
    assert response.status_code == 200


def test_a_caregiver_is_added_from_the_child_page(users, client_for, child):
    data = {"full_name": "Lê Thị Mẹ", "relation": "mother", "phone": "0912345678", "is_primary": "on"}
    response = client_for(users["officer"]).post(
        reverse("children:fact-create", args=[child.pk, "nguoi-cham-soc"]), data
    )
    assert response.status_code == 302 and child.caregivers.get().full_name == "Lê Thị Mẹ"


def test_support_must_point_at_the_childs_own_circumstance_and_a_unit_of_its_commune(users, child, other_commune):
    stranger = ChildFactory(household=child.household)
    theirs = CircumstanceMembership.objects.create(
        child=stranger, group=SpecialCircumstanceGroup.objects.get(number=1), started_on=date(2024, 1, 1)
    )
    support = SupportRecord(child=child, membership=theirs, unit=other_commune.units.get(), description="x",
                            given_on=date(2024, 3, 1))  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.fact_save(fact=support, by=users["officer"])
    assert {"membership", "unit"} <= set(error.value.message_dict)


def test_growth_bounds_hold_outside_the_form(users, child):
    with pytest.raises(ValidationError) as error:
        services.fact_save(
            fact=GrowthMeasurement(child=child, measured_on=date(2020, 1, 1), weight_kg=Decimal("900")),
            by=users["officer"],
            confirm_implausible=True,
        )
    assert "Ngoài giới hạn sinh lý" in error.value.message_dict["weight_kg"][0]


def test_an_unreadable_weight_is_explained_on_its_field_only(users, client_for, child):
    url = reverse("children:fact-create", args=[child.pk, "can-do"])
    page = client_for(users["health"]).post(url, {"measured_on": "01/01/2020", "weight_kg": "12,123"}).content.decode()
    assert "Nhập ít nhất cân nặng hoặc chiều cao." not in page and 'value="12,123"' in page


@pytest.mark.parametrize(
    "school_year, status_date, field",
    [
        (2024, date(2024, 1, 15), "status_date"),  # 15/01/2024 is in school year 2023-2024
        (2025, date(2025, 12, 31), None),
        (2005, None, "school_year"),  # before the child was born (2010)
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


def test_access_log_entries_show_local_time(users):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 30, 0, 25, tzinfo=timezone.UTC)):
        entry = AccessLog.objects.create(user=users["officer"], object_type="children.child", object_id=1, path="/")
    entry.refresh_from_db()
    assert str(entry).startswith("30/11/2026 07:25")


def test_client_address_behind_our_proxy(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header may be forged
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; "1.2.3.4" was written by the client


def test_the_plan_page_works_for_the_admin_of_a_one_commune_installation(users, client_for):
    admin_page = client_for(users["admin"]).get(reverse("indicators:plan"))
    assert admin_page.context["plan"].commune.code == "tan-loi"


def test_the_level_above_picks_a_commune_when_there_are_several(users, client_for, other_commune):
    district = client_for(users["district"])
    assert district.get(reverse("indicators:plan")).context["plan"] is None  # two communes: pick one
    picked = district.get(reverse("indicators:plan"), {"xa": "tan-loi"})
    assert picked.context["plan"].commune.code == "tan-loi" and "76,9%" in picked.content.decode()
