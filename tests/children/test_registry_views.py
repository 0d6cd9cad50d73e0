"""The officer's and the units' registry pages: who may write what, forms that keep what was typed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children import services
from children.fact_kinds import KINDS
from children.models import (
    BirthRegistration,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Disability,
    GrowthMeasurement,
    Household,
    Injury,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
    VaccinationDose,
)
from children.selectors import ChildFilters, child_list
from tanloi_portal.models import AccessLog, Role
from tests.factories import ChildFactory, HouseholdFactory, UserFactory, vaccine

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(hamlet_a):
    return ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="01-777"), date_of_birth=date(2021, 6, 1))


@pytest.fixture
def justice(commune):
    return UserFactory(username="tuphap", role=Role.UNIT_STAFF, unit=commune.units.get(code="tu-phap"))


FACT_POSTS = {
    "can-do": {"measured_on": "02/06/2023", "weight_kg": "12,1", "height_cm": "88,0", "lying": ""},
    "tiem-chung": {"dose_number": "1", "given_on": "05/06/2021", "place": "Trạm Y tế xã"},
    "hoc-tap": {"school_year": "2025", "level": "kindergarten", "school": "MN Tân Lợi", "status": "enrolled"},
    "khai-sinh": {"registered_on": "15/06/2021", "place": "UBND xã Tân Lợi", "certificate_number": "12"},
    "tai-nan": {"occurred_on": "01/02/2024", "kind": "fall", "treated_at": "health_station"},
}
# Which kinds each user may write: the officer all, units their own, the collaborator none.
MAY_WRITE = {
    "officer": set(FACT_POSTS),
    "health": {"can-do", "tiem-chung"},
    "school": {"hoc-tap"},
    "justice": {"khai-sinh"},
    "ctv_a": set(),
}


@pytest.mark.parametrize("key", sorted(MAY_WRITE))
def test_each_user_writes_only_the_facts_their_unit_owns(key, users, justice, client_for, child):
    user = justice if key == "justice" else users[key]
    client = client_for(user)
    bcg = vaccine("bcg")
    for kind, data in FACT_POSTS.items():
        post = {**data, "vaccine": bcg.pk} if kind == "tiem-chung" else data
        response = client.post(reverse("children:fact-create", args=[child.pk, kind]), post)
        if kind in MAY_WRITE[key]:
            assert response.status_code == 302, (key, kind, response.content.decode()[-3000:])
        else:
            assert response.status_code == 403, (key, kind, response.status_code)
    written = {
        "can-do": GrowthMeasurement.objects.exists(),
        "tiem-chung": child.vaccinationdose_set.exists(),
        "hoc-tap": SchoolEnrolment.objects.exists(),
        "khai-sinh": BirthRegistration.objects.exists(),
        "tai-nan": child.injury_set.exists(),
    }
    assert {kind for kind, exists in written.items() if exists} == MAY_WRITE[key]


def test_unit_staff_of_another_commune_cannot_reach_the_child(other_commune, client_for, child):
    outsider = UserFactory(
        username="tyt-khac", role=Role.UNIT_STAFF, commune=other_commune, unit=other_commune.units.get()
    )
    response = client_for(outsider).post(
        reverse("children:fact-create", args=[child.pk, "can-do"]), FACT_POSTS["can-do"]
    )
    assert response.status_code == 404 and not GrowthMeasurement.objects.exists()


def test_a_fact_of_another_child_cannot_be_edited_through_this_child(users, client_for, child, hamlet_a):
    other = ChildFactory(household=child.household)
    measurement = services.fact_save(
        fact=GrowthMeasurement(child=other, measured_on=date(2023, 1, 1), weight_kg=Decimal("11")), by=users["health"]
    )
    url = reverse("children:fact-edit", args=[child.pk, "can-do", measurement.pk])
    assert client_for(users["health"]).get(url).status_code == 404


def test_a_bad_measurement_keeps_what_was_typed_and_saves_nothing(users, client_for, child):
    data = {"measured_on": "02/06/2020", "weight_kg": "250", "height_cm": "88,5", "lying": ""}
    response = client_for(users["health"]).post(reverse("children:fact-create", args=[child.pk, "can-do"]), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "trước ngày sinh" in content and "Ngoài giới hạn sinh lý" in content
    assert 'value="02/06/2020"' in content and 'value="88,5"' in content
    assert not GrowthMeasurement.objects.exists()


def test_an_implausible_measurement_asks_for_confirmation(users, client_for, child):
    url = reverse("children:fact-create", args=[child.pk, "can-do"])
    data = {"measured_on": "02/06/2023", "weight_kg": "60", "height_cm": "", "lying": ""}
    client = client_for(users["health"])
    response = client.post(url, data)
    content = response.content.decode()
    assert "Số đo có vẻ chưa đúng: cân nặng 60 kg không hợp với trẻ" in content
    assert 'name="confirm_implausible"' in content
    assert not GrowthMeasurement.objects.exists()
    assert client.post(url, {**data, "confirm_implausible": "on"}).status_code == 302
    assert GrowthMeasurement.objects.get().flags == "waz"


def test_registering_a_child_with_impossible_dates_keeps_the_form(users, client_for, child):
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    data = {"full_name": "Phạm Thị Hoa", "sex": "F", "date_of_birth": future, "ethnicity": "Kinh", "personal_id": "12"}
    response = client_for(users["officer"]).post(reverse("children:child-create", args=[child.household_id]), data)
    content = response.content.decode()
    assert "Ngày sinh không được ở tương lai." in content and "12 chữ số" in content
    assert 'value="Phạm Thị Hoa"' in content and f'value="{future}"' in content
    assert not Child.objects.filter(full_name="Phạm Thị Hoa").exists()


def test_a_possible_duplicate_is_shown_before_saving_and_can_be_confirmed(users, client_for, child, hamlet_b):
    elsewhere = HouseholdFactory(hamlet=hamlet_b, code="02-777")
    url = reverse("children:child-create", args=[elsewhere.pk])
    data = {"full_name": child.full_name.upper(), "sex": "F", "date_of_birth": "01/06/2021", "ethnicity": "Kinh"}
    client = client_for(users["officer"])
    content = client.post(url, data).content.decode()
    assert (
        "Có thể đã có trong sổ" in content and f"#{child.pk}" in content and 'name="confirm_not_duplicate"' in content
    )
    assert Child.objects.count() == 1
    assert client.post(url, {**data, "confirm_not_duplicate": "on"}).status_code == 302
    assert Child.objects.count() == 2


def test_the_same_child_in_the_same_household_is_refused_not_confirmed(users, client_for, child):
    url = reverse("children:child-create", args=[child.household_id])
    data = {"full_name": child.full_name.upper(), "sex": "F", "date_of_birth": "01/06/2021", "ethnicity": "Kinh",
            "confirm_not_duplicate": "on"}  # fmt: skip
    content = client_for(users["officer"]).post(url, data).content.decode()
    assert f"Hộ đã có trẻ {child.full_name} sinh ngày 01/06/2021 trong sổ: không tạo thêm." in content
    assert Child.objects.count() == 1


def test_a_personal_id_already_held_is_refused_with_the_holders_name(users, client_for, child):
    child.personal_id = "079321001234"
    child.save()
    data = {"full_name": "Võ Thị Kim", "sex": "F", "date_of_birth": "02/02/2021", "personal_id": "079321001234"}
    response = client_for(users["officer"]).post(reverse("children:child-create", args=[child.household_id]), data)
    assert f"Mã định danh này đã thuộc về {child.full_name}" in response.content.decode()


def test_officer_creates_a_household_and_a_duplicate_code_is_explained(users, client_for, hamlet_a):
    client = client_for(users["officer"])
    data = {"hamlet": hamlet_a.pk, "code": "01-900", "head_name": "Đinh Văn Lực", "address": "Tổ 2", "phone": ""}
    assert client.post(reverse("children:household-create"), data).status_code == 302
    again = client.post(reverse("children:household-create"), {**data, "head_name": "Người Khác"})
    assert "Mã hộ 01-900 đã có trong xã." in again.content.decode()
    assert Household.objects.filter(code="01-900").count() == 1


def test_move_mark_moved_away_and_death_through_the_pages(users, client_for, child):
    client = client_for(users["officer"])
    target = HouseholdFactory(hamlet=child.household.hamlet, code="01-778")
    assert client.post(reverse("children:child-move", args=[child.pk]), {"household_code": "01-778"}).status_code == 302
    assert client.post(reverse("children:child-move", args=[child.pk]), {"household_code": "nope"}).status_code == 200
    child.refresh_from_db()
    assert child.household == target
    data = {"died_on": "03/03/2024", "cause": "illness", "notes": ""}
    assert client.post(reverse("children:child-death", args=[child.pk]), data).status_code == 302
    response = client.post(reverse("children:child-moved-away", args=[child.pk]), {"moved_on": "04/04/2024"})
    assert "không thể thay đổi" in response.content.decode()
    child.refresh_from_db()
    assert child.status == Child.Status.DECEASED


def test_collaborators_see_the_group_but_not_the_details_or_the_history(users, client_for, child):
    group = SpecialCircumstanceGroup.objects.get(number=9)
    membership = CircumstanceMembership.objects.create(
        child=child, group=group, started_on=date(2024, 1, 1), notes="Bị cha đánh, đã báo công an"
    )
    SupportRecord.objects.create(
        child=child, membership=membership, description="Tư vấn tâm lý", given_on=date(2024, 2, 1)
    )
    url = reverse("children:child-detail", args=[child.pk])
    collaborator = client_for(users["ctv_a"]).get(url).content.decode()
    assert group.name in collaborator
    assert "Bị cha đánh" not in collaborator and "Tư vấn tâm lý" not in collaborator
    assert 'id="history"' not in collaborator
    officer = client_for(users["officer"]).get(url).content.decode()
    assert "Bị cha đánh" in officer and "Tư vấn tâm lý" in officer and 'id="history"' in officer


def test_every_read_of_a_child_page_is_logged(users, client_for, child):
    client_for(users["ctv_a"]).get(reverse("children:child-detail", args=[child.pk]))
    client_for(users["officer"]).get(reverse("children:child-detail", args=[child.pk]))
    logged = list(AccessLog.objects.order_by("pk").values_list("user__username", "object_type", "object_id"))
    assert logged == [("ctv-a", "children.child", child.pk), ("officer", "children.child", child.pk)]


def test_child_list_filters(users, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a)
    on = date(2026, 3, 15)
    ChildFactory(household=household, full_name="Bé Một", date_of_birth=date(2025, 1, 1))
    pupil = ChildFactory(household=household, full_name="Bé Hai", date_of_birth=date(2017, 2, 1))
    teen = ChildFactory(household=household, full_name="Bé Ba", date_of_birth=date(2009, 1, 1))
    BirthRegistration.objects.create(child=pupil, registered_on=date(2017, 3, 1))
    BirthRegistration.objects.create(child=teen, registered_on=date(2009, 2, 1))
    SchoolEnrolment.objects.create(child=pupil, school_year=2025, level="primary", grade=4, school="TH")
    SchoolEnrolment.objects.create(
        child=teen, school_year=2025, level="upper_secondary", grade=11, school="THPT", status="dropped_out",
        status_date=date(2025, 12, 1), dropout_reason="Đi làm",
    )  # fmt: skip
    CircumstanceMembership.objects.create(
        child=pupil, group=SpecialCircumstanceGroup.objects.get(number=4), started_on=date(2024, 1, 1)
    )
    CircumstanceMembership.objects.create(
        child=teen,
        group=SpecialCircumstanceGroup.objects.get(number=1),
        started_on=date(2020, 1, 1),
        ended_on=date(2025, 1, 1),
    )

    def names(**f):
        return {c.full_name for c in child_list(user=users["officer"], filters=ChildFilters(on=on, **f))}

    assert names(age_band="0-4") == {"Bé Một"}
    assert names(age_band="16-17") == {"Bé Ba"}
    assert names(group=0) == {"Bé Hai"}  # the teen's membership ended before the reference date
    assert names(group=4) == {"Bé Hai"} and names(group=1) == set()
    assert names(school_status="dropped_out") == {"Bé Ba"}
    assert names(school_status="not_in_school") == {"Bé Một"}
    assert names(no_birth_registration=True) == {"Bé Một"}


def test_child_page_queries_do_not_grow_with_the_number_of_facts(users, client_for, child):
    client = client_for(users["officer"])
    url = reverse("children:child-detail", args=[child.pk])

    def add_facts(n, start):
        for i in range(start, start + n):
            day = date(2022, 1, 1) + timedelta(days=i)
            services.fact_save(
                fact=GrowthMeasurement(child=child, measured_on=day, weight_kg=Decimal("10")), by=users["officer"]
            )
            services.fact_save(
                fact=Injury(child=child, occurred_on=day, kind="fall", treated_at="none"), by=users["officer"]
            )
            services.child_update(child=child, by=users["officer"], notes=f"ghi chú {i}")

    add_facts(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_facts(20, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_officer_merges_a_duplicate_from_the_child_page(users, client_for, child):
    twin = ChildFactory(household=child.household, full_name=child.full_name, date_of_birth=child.date_of_birth)
    client = client_for(users["officer"])
    page = client.get(reverse("children:child-detail", args=[child.pk])).content.decode()
    assert "Có thể trùng với" in page and f"#{twin.pk}" in page
    response = client.post(reverse("children:child-merge", args=[child.pk]), {"duplicate": twin.pk})
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into == child
    # The merged record's address now leads to the record kept.
    alias = client.get(reverse("children:child-detail", args=[twin.pk]))
    assert alias.status_code == 302 and alias.url == reverse("children:child-detail", args=[child.pk])
    refused = client_for(users["health"]).post(reverse("children:child-merge", args=[child.pk]), {"duplicate": twin.pk})
    assert refused.status_code == 403


def test_the_history_tab_shows_figures_with_a_decimal_comma(users, client_for, child):
    measurement = services.fact_save(
        fact=GrowthMeasurement(child=child, measured_on=date(2021, 6, 2), weight_kg=Decimal("3.41")),
        by=users["health"],
        confirm_implausible=True,
    )
    measurement.weight_kg, measurement.height_cm = Decimal("3.45"), Decimal("50.5")
    services.fact_save(fact=measurement, by=users["health"], confirm_implausible=True)
    page = client_for(users["officer"]).get(reverse("children:child-detail", args=[child.pk])).content.decode()
    history = page.split('id="history"')[1]
    assert "<del>3,41</del> → 3,45" in history and "50,5" in history
    assert "3.41" not in history and "3.45" not in history and "50.5" not in history


# --- need to know on the child page, and every fact form ------------------------------------------------

SECRETS = ["mẹ bị bạo hành", "Khuyết tật trí tuệ", "cạo mủ thuê", "tảo hôn năm 16 tuổi", "bị xâm hại bởi người quen"]


@pytest.fixture
def child_with_secrets(hamlet_a, users):
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


def test_the_officer_reads_everything(users, client_for, child_with_secrets):
    page = _page(client_for, users["officer"], child_with_secrets)
    assert all(secret in page for secret in SECRETS) and 'id="history"' in page


def test_a_collaborator_reads_the_group_but_no_notes_details_or_events(users, client_for, child_with_secrets):
    page = _page(client_for, users["ctv_a"], child_with_secrets)
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
    commune, client_for, child_with_secrets, unit_code, sees, hidden
):
    staff = UserFactory(username=f"u-{unit_code}", role=Role.UNIT_STAFF, unit=commune.units.get(code=unit_code))
    page = _page(client_for, staff, child_with_secrets)
    assert [s for s in SECRETS if s in page] == []
    for tab in sees:
        assert f'id="{tab}"' in page
    for tab in hidden:
        assert f'id="{tab}"' not in page


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_every_fact_form_opens_for_the_officer(users, client_for, child_with_secrets, slug):
    child, kind = child_with_secrets, KINDS[slug]
    page = client_for(users["officer"]).get(reverse("children:fact-create", args=[child.pk, slug])).content.decode()
    # The page is this kind's form for this child: its heading, its fields, the birth date the dates must follow.
    assert f"{str(kind.label).lower()}: {child.full_name}" in page and "01/04/2010" in page
    for name in kind.form._meta.fields:
        assert f'name="{name}"' in page, name


def test_a_caregiver_is_added_from_the_child_page(users, client_for, child_with_secrets):
    child = child_with_secrets
    data = {"full_name": "Lê Thị Mẹ", "relation": "mother", "phone": "0912345678", "is_primary": "on"}
    response = client_for(users["officer"]).post(
        reverse("children:fact-create", args=[child.pk, "nguoi-cham-soc"]), data
    )
    assert response.status_code == 302 and child.caregivers.get().full_name == "Lê Thị Mẹ"
    assert "Lê Thị Mẹ" in _page(client_for, users["officer"], child)


def test_an_unreadable_weight_is_explained_on_its_field_only(users, client_for, child_with_secrets):
    url = reverse("children:fact-create", args=[child_with_secrets.pk, "can-do"])
    page = client_for(users["health"]).post(url, {"measured_on": "01/01/2020", "weight_kg": "12,123"}).content.decode()
    assert "Nhập ít nhất cân nặng hoặc chiều cao." not in page and 'value="12,123"' in page


def test_a_dose_whose_date_looks_wrong_asks_the_health_station_to_confirm(users, client_for, child):
    # Measles dose 1 given at 2 months (the schedule: from 9 months), then OPV dose 2 nine days after dose 1
    # (born 01/06/2021).
    measles, opv = vaccine("measles"), vaccine("opv")
    client = client_for(users["health"])
    url = reverse("children:fact-create", args=[child.pk, "tiem-chung"])
    early = {"vaccine": measles.pk, "dose_number": "1", "given_on": "01/08/2021", "place": "Trạm Y tế xã"}
    content = client.post(url, early).content.decode()
    assert "Ngày tiêm có vẻ chưa đúng: mũi 1 ngày 01/08/2021 sớm hơn lịch" in content
    assert "mũi này tiêm từ ngày 02/03/2022 (trẻ 9 tháng tuổi)" in content
    assert "Đã kiểm tra lại: ngày tiêm này đúng" in content and 'value="01/08/2021"' in content
    assert not child.vaccinationdose_set.exists()
    assert client.post(url, {**early, "confirm_implausible": "on"}).status_code == 302
    VaccinationDose.objects.create(child=child, vaccine=opv, dose_number=1, given_on=date(2021, 9, 2))
    second = {"vaccine": opv.pk, "dose_number": "2", "given_on": "11/09/2021", "place": "Trạm Y tế xã"}
    content = client.post(url, second).content.decode()
    assert "mũi 2 chỉ cách mũi 1 (ngày 02/09/2021) 9 ngày; theo lịch hai mũi cách nhau 30 ngày" in content
    # On time: saved at once.
    assert client.post(url, {**second, "given_on": "02/10/2021"}).status_code == 302
    assert child.vaccinationdose_set.count() == 3


def test_a_child_born_months_from_a_sibling_asks_the_officer_to_confirm(users, client_for, child):
    url = reverse("children:child-create", args=[child.household_id])
    data = {"full_name": "Phạm Văn Tài", "sex": "M", "date_of_birth": "01/10/2021", "ethnicity": "Kinh"}
    client = client_for(users["officer"])
    content = client.post(url, data).content.decode()
    assert f"chỉ cách ngày sinh của {child.full_name} (01/06/2021) 4 tháng" in content
    assert "Đã kiểm tra lại: ngày sinh này đúng" in content and 'value="Phạm Văn Tài"' in content
    assert not Child.objects.filter(full_name="Phạm Văn Tài").exists()
    assert client.post(url, {**data, "confirm_implausible": "on"}).status_code == 302
    # Editing the child without touching the date asks nothing again.
    tai = Child.objects.get(full_name="Phạm Văn Tài")
    edit = client.post(reverse("children:child-edit", args=[tai.pk]), {**data, "notes": "Con của chị dâu"})
    assert edit.status_code == 302


@pytest.mark.parametrize("language, shown", [("vi", 'value="12,50"'), ("en", 'value="12.50"')])
def test_a_measurement_is_shown_for_editing_in_the_readers_language(users, client_for, child, language, shown):
    measurement = GrowthMeasurement.objects.create(child=child, measured_on=date(2023, 6, 2), weight_kg=Decimal("12.5"))
    client = client_for(users["health"])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    url = reverse("children:fact-edit", args=[child.pk, "can-do", measurement.pk])
    assert shown in client.get(url).content.decode()
    # Typed the other way, it is read the same.
    typed = {
        "measured_on": "02/06/2023",
        "weight_kg": "12.6" if language == "vi" else "12,6",
        "height_cm": "",
        "lying": "",
    }
    assert client.post(url, typed).status_code == 302
    measurement.refresh_from_db()
    assert measurement.weight_kg == Decimal("12.6")
