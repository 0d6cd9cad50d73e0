"""The registry's rules (children.rules), each held by the services themselves, whatever form or import comes
before them; the same bad value gets the same words from a form, a collaborator's report and an import row."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from children import rules, services
from children.excel.importer import import_registry
from children.forms import ChildForm
from children.household_updates import InvalidUpdate, update_submit
from children.models import Child, GrowthMeasurement, Household, HouseholdPoverty
from children.rules import Identity, Sameness, sameness
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GIRL_2021_ID = "079321001234"  # 079 Hồ Chí Minh; 3 = girl born 2000-2099; 21 = 2021


@pytest.fixture
def household(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a, code="01-300", head="Lâm Văn Sơn")


@pytest.fixture
def child(household):
    return ChildFactory(household=household, full_name="Lâm Thị Na", date_of_birth=date(2021, 2, 2), sex="F")


def register(household, **fields):
    values = {"full_name": "Lâm Văn Tí", "sex": "M", "date_of_birth": date(2020, 1, 1), **fields}
    return services.child_register(household=household, by=None, **values)


def messages_of(error: pytest.ExceptionInfo, field: str) -> list[str]:
    return error.value.message_dict[field]


# --- each rule, through the services --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Tí", "  Tí  ", ""])
def test_a_full_name_has_two_words_at_least(household, child, name):
    with pytest.raises(ValidationError) as registering:
        register(household, full_name=name)
    assert messages_of(registering, "full_name") == ["Nhập đủ họ và tên (ít nhất hai chữ)."]
    with pytest.raises(ValidationError) as correcting:
        services.child_update(child=child, by=None, full_name=name)
    assert messages_of(correcting, "full_name") == ["Nhập đủ họ và tên (ít nhất hai chữ)."]
    child.refresh_from_db()
    assert child.full_name == "Lâm Thị Na" and not Child.objects.filter(household=household, sex="M").exists()


def test_a_new_record_is_of_someone_under_18_but_a_child_who_grew_up_stays(household, child):
    eighteen = TODAY.replace(year=TODAY.year - 18) - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        register(household, date_of_birth=eighteen)
    assert messages_of(error, "date_of_birth") == ["Sổ theo dõi chỉ ghi người dưới 18 tuổi."]
    register(household, date_of_birth=eighteen + timedelta(days=2))  # 17 years and 364 days
    grown_up = ChildFactory(household=household, full_name="Lâm Văn Lớn", date_of_birth=date(2000, 1, 1), sex="M")
    services.child_update(child=grown_up, by=None, notes="Đã đủ 18 tuổi", date_of_birth=date(2000, 1, 2))
    grown_up.refresh_from_db()
    assert grown_up.date_of_birth == date(2000, 1, 2)


def test_a_birth_date_is_never_in_the_future(household, child):
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as registering:
        register(household, date_of_birth=tomorrow)
    assert messages_of(registering, "date_of_birth") == ["Ngày sinh không được ở tương lai."]
    with pytest.raises(ValidationError) as correcting:
        services.child_update(child=child, by=None, date_of_birth=tomorrow)
    assert messages_of(correcting, "date_of_birth") == ["Ngày sinh không được ở tương lai."]


def test_a_personal_id_fits_the_sex_and_the_birth_year(household, child):
    with pytest.raises(ValidationError) as wrong_sex:
        register(household, sex="M", date_of_birth=date(2021, 5, 5), personal_id=GIRL_2021_ID)
    assert messages_of(wrong_sex, "personal_id") == ["Chữ số thứ 4 phải là 2 với giới tính và năm sinh đã nhập."]
    with pytest.raises(ValidationError) as wrong_year:
        register(household, sex="F", date_of_birth=date(2020, 5, 5), personal_id=GIRL_2021_ID)
    assert messages_of(wrong_year, "personal_id") == ["Chữ số thứ 5-6 phải là hai số cuối của năm sinh (2020)."]
    services.child_update(child=child, by=None, personal_id=GIRL_2021_ID)
    with pytest.raises(ValidationError) as now_a_boy:
        services.child_update(child=child, by=None, sex="M")
    assert "Chữ số thứ 4" in messages_of(now_a_boy, "personal_id")[0]


@pytest.mark.parametrize("written, stored", [("Khơ-me", "Khmer"), ("stieng", "Xtiêng"), ("Việt", "Kinh")])
def test_an_ethnicity_is_stored_by_its_official_name(household, child, written, stored):
    assert register(household, ethnicity=written).ethnicity == stored
    services.child_update(child=child, by=None, ethnicity=written)
    child.refresh_from_db()
    assert child.ethnicity == stored


@pytest.mark.parametrize(
    "written, message",
    [
        ("Sao Hỏa", "Không có dân tộc “Sao Hỏa” trong danh mục 54 dân tộc."),
        ("Trại", "“Trại” là tên gọi khác của nhiều dân tộc (Dao, Sán Dìu): ghi tên dân tộc chính thức."),
    ],
)
def test_an_unknown_or_ambiguous_ethnicity_is_refused(household, child, written, message):
    with pytest.raises(ValidationError) as registering:
        register(household, ethnicity=written)
    assert messages_of(registering, "ethnicity") == [message]
    with pytest.raises(ValidationError) as correcting:
        services.child_update(child=child, by=None, ethnicity=written)
    assert messages_of(correcting, "ethnicity") == [message]


def test_one_child_one_record_by_personal_id(household, child, other_commune):
    services.child_update(child=child, by=None, personal_id=GIRL_2021_ID)
    with pytest.raises(ValidationError) as here:
        register(household, full_name="Lâm Thị Khác", sex="F", date_of_birth=date(2021, 3, 3), personal_id=GIRL_2021_ID)
    assert messages_of(here, "personal_id") == ["Mã định danh này đã thuộc về Lâm Thị Na."]
    elsewhere = HouseholdFactory(hamlet=other_commune.hamlets.get(), code="TH-9")
    with pytest.raises(ValidationError) as there:
        register(elsewhere, full_name="Lâm Thị Khác", sex="F", date_of_birth=date(2021, 3, 3), personal_id=GIRL_2021_ID)
    assert messages_of(there, "personal_id") == [rules.personal_id_taken(child, commune_id=other_commune.pk)]
    assert "Lâm Thị Na" not in messages_of(there, "personal_id")[0]


def test_one_child_one_record_by_household_name_and_birth_date(household, child, hamlet_b):
    with pytest.raises(ValidationError) as twin:
        register(household, full_name="LAM THI NA", sex="F", date_of_birth=date(2021, 2, 2))
    assert messages_of(twin, "full_name") == ["Hộ đã có trẻ Lâm Thị Na sinh ngày 02/02/2021 trong sổ: không tạo thêm."]
    sister = register(household, full_name="Lâm Thị Nở", sex="F", date_of_birth=date(2021, 2, 2))
    with pytest.raises(ValidationError) as renamed:
        services.child_update(child=sister, by=None, full_name="Lâm Thị Na")
    assert "Hộ đã có trẻ Lâm Thị Na" in messages_of(renamed, "full_name")[0]
    # In another household the same name and birth date is possibly the same child: the form asks, the
    # service (after that confirmation) registers it.
    other = HouseholdFactory(hamlet=hamlet_b, code="02-300")
    assert register(other, full_name="Lâm Thị Na", sex="F", date_of_birth=date(2021, 2, 2)).pk


def test_a_household_code_is_unique_in_the_commune(hamlet_a, hamlet_b):
    services.household_create(hamlet=hamlet_a, code="01-500", head_name="Đinh Văn Một")
    with pytest.raises(ValidationError) as error:
        services.household_create(hamlet=hamlet_b, code=" 01-500 ", head_name="Đinh Văn Hai")
    assert messages_of(error, "code") == ["Mã hộ 01-500 đã có trong xã."]
    assert Household.objects.filter(code="01-500").count() == 1


@pytest.mark.parametrize("year", [1999, TODAY.year + 2])
def test_a_poverty_classification_is_for_a_sensible_year(household, year):
    with pytest.raises(ValidationError) as error:
        services.household_set_poverty(household=household, year=year, status="poor", by=None)
    assert messages_of(error, "year") == ["Năm không hợp lệ."]
    assert not HouseholdPoverty.objects.exists()


# --- what makes two records the same child --------------------------------------------------------------

BORN = date(2021, 2, 2)
A = Identity(household=1, name="lam thi na", date_of_birth=BORN)


@pytest.mark.parametrize(
    "other, expected",
    [
        (Identity(1, "lam thi na", BORN), Sameness.SAME),  # same household, name and birth date
        (Identity(1, "lam thi na", BORN, "079321001234"), Sameness.SAME),  # one carries an ID: still the same
        (Identity(2, "lam thi na", BORN), Sameness.POSSIBLE),  # another household: a move recorded twice?
        (Identity(2, "lam thi na", BORN, "079321001234"), Sameness.POSSIBLE),
        (Identity(1, "lam thi na", date(2021, 2, 3)), Sameness.DIFFERENT),
        (Identity(1, "lam thi no", BORN), Sameness.DIFFERENT),
        (Identity(9, "nguyen van b", date(2019, 1, 1), "079321001234"), Sameness.DIFFERENT),
    ],
)
def test_sameness(other, expected):
    assert sameness(A, other) == sameness(other, A) == expected


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (Identity(1, "x y", BORN, "079321001234"), Identity(5, "z w", date(2019, 1, 1), "079321001234"), "same"),
        (Identity(1, "x y", BORN, "079321001234"), Identity(2, "x y", BORN, "079321009999"), "different"),
        (Identity(1, "x y", BORN, "079321001234"), Identity(1, "x y", BORN, "079321009999"), "same"),
    ],
)
def test_sameness_by_personal_id(a, b, expected):
    assert sameness(a, b) == expected


@pytest.mark.parametrize(
    "a, b",
    [
        (A, Identity(1, "lam thi na", BORN)),
        (A, Identity(2, "lam thi na", BORN)),
        (Identity(1, "x y", BORN, "079321001234"), Identity(5, "z w", date(2019, 1, 1), "079321001234")),
        (A, Identity(1, "lam thi no", BORN)),
    ],
)
def test_the_imports_keys_agree_with_sameness(a, b):
    shares_a_key = bool(set(rules.same_child_keys(a)) & set(rules.same_child_keys(b)))
    assert shares_a_key == (sameness(a, b) == Sameness.SAME)


# --- the same words on every path -----------------------------------------------------------------------

HEADERS = ["Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính", "Dân tộc", "Mã định danh"]
FUTURE = TODAY + timedelta(days=3)
ADULT = TODAY.replace(year=TODAY.year - 20)
BAD_VALUES = [
    # (form field, import column, the value as the form takes it, as the import cell holds it)
    ("full_name", "Họ và tên trẻ", "Na", "Na"),
    ("date_of_birth", "Ngày sinh", FUTURE.strftime("%d/%m/%Y"), FUTURE),
    ("date_of_birth", "Ngày sinh", ADULT.strftime("%d/%m/%Y"), ADULT),
    ("ethnicity", "Dân tộc", "Sao Hỏa", "Sao Hỏa"),
    ("ethnicity", "Dân tộc", "Xá Lá Vàng", "Xá Lá Vàng"),
    ("personal_id", "Mã định danh", "079221001234", "079221001234"),
    ("personal_id", "Mã định danh", "0793", "0793"),
]


def _import_messages(tmp_path, commune, users, column: str, cell) -> list[str]:
    row = {"Mã hộ": "01-300", "Chủ hộ": "Lâm Văn Sơn", "Ấp/Sóc": "Ấp 1", "Họ và tên trẻ": "Lâm Thị Mới",
           "Ngày sinh": date(2021, 4, 4), "Giới tính": "Nữ", "Dân tộc": "Kinh", "Mã định danh": None}  # fmt: skip
    row[column] = cell
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append([row[h] for h in HEADERS])
    path = tmp_path / "tre.xlsx"
    workbook.save(path)
    result = import_registry(path, commune=commune, by=users["officer"], commit=False)
    return [e.message for e in result.errors if e.column == column]


@pytest.mark.parametrize("field, column, typed, cell", BAD_VALUES)
def test_a_form_and_an_import_row_give_the_same_message(
    tmp_path, commune, users, household, field, column, typed, cell
):
    data = {"full_name": "Lâm Thị Mới", "sex": "F", "date_of_birth": "04/04/2021", "ethnicity": "Kinh", field: typed}
    form = ChildForm(data, household=household)
    assert not form.is_valid()
    assert form.errors[field] == _import_messages(tmp_path, commune, users, column, cell) != []


@pytest.mark.parametrize("field, typed", [(f, t) for f, _c, t, _v in BAD_VALUES if f != "personal_id"])
def test_a_collaborators_report_gives_the_same_message_as_the_form(users, household, field, typed):
    report = {"full_name": "Lâm Thị Mới", "sex": "F", "date_of_birth": "04/04/2021", "birth_registered": "False"}
    form = ChildForm({**report, "ethnicity": "Kinh", field: typed}, household=household)
    with pytest.raises(InvalidUpdate) as error:
        update_submit(user=users["ctv_a"], household=household, kind="new_birth", data={**report, field: typed},
                      client_id=uuid.uuid4())  # fmt: skip
    assert not form.is_valid() and error.value.form.errors[field] == form.errors[field]


def test_a_possible_duplicate_is_told_alike_by_the_form_and_the_import(tmp_path, commune, users, child, hamlet_b):
    elsewhere = HouseholdFactory(hamlet=hamlet_b, code="02-301", head="Lâm Văn Hai")
    data = {"full_name": "Lâm Thị Na", "sex": "F", "date_of_birth": "02/02/2021", "ethnicity": "Kinh"}
    form = ChildForm(data, household=elsewhere)
    assert not form.is_valid() and form.duplicates == [child]
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS[:6])
    workbook.active.append(["02-301", "Lâm Văn Hai", "Ấp 2", "Lâm Thị Na", date(2021, 2, 2), "Nữ"])
    workbook.save(tmp_path / "tre.xlsx")
    result = import_registry(tmp_path / "tre.xlsx", commune=commune, by=users["officer"], commit=False)
    assert result.ok and result.new == 1  # a warning, not an error: the officer confirms the import
    assert (
        [w.message for w in result.warnings] == form.non_field_errors() == [rules.possible_duplicate_message([child])]
    )


def test_a_measurement_within_physiological_bounds_even_confirmed(child):
    with pytest.raises(ValidationError) as error:
        services.fact_save(
            fact=GrowthMeasurement(child=child, measured_on=date(2022, 1, 1), weight_kg=Decimal("900")),
            by=None,
            confirm_implausible=True,
        )
    assert error.value.message_dict["weight_kg"] == ["Ngoài giới hạn sinh lý (0,5-150 kg)."]
    assert not GrowthMeasurement.objects.exists()


def test_ages_are_said_as_people_say_them():
    assert [rules.age_words(days) for days in (5, 40, 525, 1825, 1827, 2600)] == [
        "5 ngày tuổi", "1 tháng tuổi", "17 tháng tuổi", "59 tháng tuổi", "5 tuổi", "7 tuổi"
    ]  # fmt: skip


def test_a_measurement_that_looks_wrong_is_described_in_plain_words():
    said = rules.implausible_growth(
        flags={"waz", "haz", "baz"}, age_days=525, weight_kg=Decimal("45"), height_cm=Decimal("60.5"),
        earlier=(date(2026, 11, 2), Decimal("85")),
    )  # fmt: skip
    assert said == [
        "cân nặng 45 kg không hợp với trẻ 17 tháng tuổi",
        "chiều cao 60,5 cm không hợp với trẻ 17 tháng tuổi",
        "chiều cao 60,5 cm thấp hơn lần đo ngày 02/11/2026 (85 cm)",
    ]
    # Weight for height alone; BMI alone; a height 3 cm lower (two measurers) is no problem.
    assert rules.implausible_growth(flags={"whz"}, age_days=400, weight_kg=Decimal("20"), height_cm=Decimal("70")) == [
        "cân nặng 20 kg không hợp với chiều cao 70 cm"
    ]
    bmi = rules.implausible_growth(flags={"baz"}, age_days=3000, weight_kg=Decimal("60"), height_cm=Decimal("120"))
    assert bmi == ["cân nặng 60 kg và chiều cao 120 cm không hợp nhau ở trẻ 8 tuổi"]
    assert (
        rules.implausible_growth(
            flags=set(),
            age_days=400,
            weight_kg=None,
            height_cm=Decimal("82"),
            earlier=(date(2026, 1, 1), Decimal("85")),
        )
        == []
    )


def test_a_birth_date_that_looks_wrong_is_described_in_plain_words():
    today = date(2026, 12, 3)
    # A "new birth" more than a year old; a child born 3 months from another child of the household.
    said = rules.implausible_birth(
        date(2021, 5, 12), today=today, newborn=True, siblings=[("Lê Văn An", date(2021, 8, 20))]
    )
    assert said == [
        "ngày sinh 12/05/2021: trẻ đã 5 tuổi, không còn là trẻ mới sinh",
        "ngày sinh 12/05/2021 chỉ cách ngày sinh của Lê Văn An (20/08/2021) 3 tháng",
    ]
    # Twins (a day apart), a sibling 8 months or more apart, a newborn of a year, a child moving in at 5: nothing.
    siblings = [("Lê Văn An", date(2025, 12, 2)), ("Lê Thị Bình", date(2025, 4, 5))]
    assert rules.implausible_birth(date(2025, 12, 3), today=today, newborn=True, siblings=siblings) == []
    assert rules.implausible_birth(date(2021, 5, 12), today=today, newborn=False) == []


def test_a_dose_date_that_looks_wrong_is_described_in_plain_words():
    # Measles at 2 months (due at 9 months).
    early = rules.implausible_dose(number=1, given_on=date(2026, 2, 5), born=date(2025, 12, 6), due_age_days=274)
    assert early == ["mũi 1 ngày 05/02/2026 sớm hơn lịch: mũi này tiêm từ ngày 06/09/2026 (trẻ 9 tháng tuổi)"]
    # Born 30/11/2025: dose 2 (due at 91 days) is on time from 25/02/2026, 4 days of grace included.
    born = date(2025, 11, 30)
    crowded = rules.implausible_dose(
        number=2,
        given_on=date(2026, 3, 10),
        born=born,
        due_age_days=91,
        earlier=rules.OtherDose(1, date(2026, 3, 1), 30),
        later=rules.OtherDose(3, date(2026, 3, 5), 0),
    )
    assert crowded == [
        "mũi 2 chỉ cách mũi 1 (ngày 01/03/2026) 9 ngày; theo lịch hai mũi cách nhau 30 ngày",
        "mũi 2 ngày 10/03/2026 lại sau mũi 3 (ngày 05/03/2026)",
    ]
    backwards = rules.implausible_dose(
        number=2,
        given_on=date(2026, 3, 1),
        born=born,
        due_age_days=91,
        earlier=rules.OtherDose(1, date(2026, 3, 9), 30),
    )
    assert backwards == ["mũi 2 ngày 01/03/2026 lại trước mũi 1 (ngày 09/03/2026)"]
    # Four days early for the age, 26 days after the dose before (WHO's grace period): nothing said.
    on_time = rules.implausible_dose(
        number=2,
        given_on=date(2026, 2, 25),
        born=born,
        due_age_days=91,
        earlier=rules.OtherDose(1, date(2026, 1, 30), 30),
    )
    assert on_time == []
