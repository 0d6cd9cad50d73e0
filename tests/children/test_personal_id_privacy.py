"""A personal ID held by a child of another commune is refused without saying that such a child exists; within
the commune, the child holding it is named, so that the officer can find the duplicate."""

from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children import services
from children.excel.importer import import_registry
from children.models import Child
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

PERSONAL_ID = "079321001234"  # 079 Hồ Chí Minh; 3 = girl born 2000-2099; 21 = 2021
NEUTRAL = "Mã định danh này không dùng được; kiểm tra lại hoặc liên hệ quản trị."
FORM = {"full_name": "Võ Thị Kim", "sex": "F", "date_of_birth": "02/02/2021", "personal_id": PERSONAL_ID}


@pytest.fixture
def elsewhere(other_commune):
    """A girl of commune Tân Hưng holding the ID."""
    home = HouseholdFactory(hamlet=other_commune.hamlets.get(), code="TH-001", head="Đặng Văn Xa")
    child = ChildFactory(household=home, full_name="Đặng Thị Xa", date_of_birth=date(2021, 3, 3))
    child.personal_id = PERSONAL_ID
    child.save()
    return child


@pytest.fixture
def household(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a, code="01-900", head="Võ Văn Kim")


def _says_nothing_of(text: str, child: Child) -> None:
    for clue in ("thuộc về", "trẻ khác", "xã khác", child.full_name, child.household.code, "Tân Hưng"):
        assert clue not in text, clue


def test_adding_a_child_with_another_communes_id_does_not_reveal_that_child(users, client_for, household, elsewhere):
    response = client_for(users["officer"]).post(reverse("children:child-create", args=[household.pk]), FORM)
    page = response.content.decode()
    assert response.status_code == 200 and NEUTRAL in page
    _says_nothing_of(page, elsewhere)
    assert not household.children.exists()


def test_editing_a_child_to_another_communes_id_does_not_reveal_that_child(users, client_for, household, elsewhere):
    child = ChildFactory(household=household, full_name="Võ Thị Kim", date_of_birth=date(2021, 2, 2))
    response = client_for(users["officer"]).post(reverse("children:child-edit", args=[child.pk]), FORM)
    page = response.content.decode()
    assert response.status_code == 200 and NEUTRAL in page
    _says_nothing_of(page, elsewhere)
    child.refresh_from_db()
    assert child.personal_id is None


def test_within_the_commune_the_child_holding_the_id_is_named(users, client_for, household, hamlet_b):
    holder = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), full_name="Lý Thị Na")
    holder.personal_id = PERSONAL_ID
    holder.save()
    response = client_for(users["officer"]).post(reverse("children:child-create", args=[household.pk]), FORM)
    assert "Mã định danh này đã thuộc về Lý Thị Na." in response.content.decode()


def test_the_services_name_the_holder_in_the_commune_and_no_one_elsewhere(users, household, hamlet_b, elsewhere):
    register = {"household": household, "full_name": "Võ Thị Kim", "sex": "F", "date_of_birth": date(2021, 2, 2),
                "personal_id": PERSONAL_ID, "by": users["officer"]}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.child_register(**register)
    assert refused.value.message_dict == {"personal_id": [NEUTRAL]}
    elsewhere.personal_id = None
    elsewhere.save()
    holder = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), full_name="Lý Thị Na")
    holder.personal_id = PERSONAL_ID
    holder.save()
    with pytest.raises(ValidationError) as named:
        services.child_register(**register)
    assert named.value.message_dict == {"personal_id": ["Mã định danh này đã thuộc về Lý Thị Na."]}
    child = ChildFactory(household=household)
    with pytest.raises(ValidationError, match="Lý Thị Na"):
        services.child_update(child=child, by=users["officer"], personal_id=PERSONAL_ID)


def test_an_import_row_with_another_communes_id_does_not_reveal_that_child(tmp_path, commune, users, elsewhere):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính", "Mã định danh"])
    workbook.active.append(["01-900", "Võ Văn Kim", "Ấp 1", "Võ Thị Kim", "02/02/2021", "Nữ", PERSONAL_ID])
    workbook.save(tmp_path / "tre.xlsx")
    result = import_registry(tmp_path / "tre.xlsx", commune=commune, by=users["officer"], commit=True)
    assert [(e.column, str(e.message)) for e in result.errors] == [("Mã định danh", NEUTRAL)]
    _says_nothing_of(str(result.errors[0].message), elsewhere)
    assert not result.committed and not Child.objects.filter(household__commune=commune).exists()
