"""factory_boy factories. Reference data (commune, hamlets, units) comes from load_plan, not from here."""

from datetime import date
from decimal import Decimal

import factory

from children.models import Child, GrowthMeasurement, Household
from children.services import child_name_fields, household_name_fields
from tanloi_portal.models import Commune, Hamlet, User
from tanloi_portal.services import apply_role_flags


def _commune() -> Commune:
    return Commune.objects.get(code="tan-loi")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Cán Bộ Thử {n}")
    commune = factory.LazyFunction(_commune)
    password = factory.django.Password("matkhau-an-toan")

    @factory.post_generation
    def role_flags(obj, create, extracted, **kwargs):
        apply_role_flags(obj)
        if create:
            obj.full_clean(exclude=["password"])
            obj.save()


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        exclude = ("head",)

    hamlet = factory.LazyFunction(lambda: Hamlet.objects.get(commune__code="tan-loi", code="ap-1"))
    commune = factory.SelfAttribute("hamlet.commune")
    code = factory.Sequence(lambda n: f"H{n:05d}")
    head = "Nguyễn Văn Hùng"
    head_name = factory.LazyAttribute(lambda o: household_name_fields(o.head)["head_name"])
    head_name_search = factory.LazyAttribute(lambda o: household_name_fields(o.head)["head_name_search"])


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị Bé {n}")
    name_search = factory.LazyAttribute(lambda o: child_name_fields(o.full_name)["name_search"])
    name_sort_key = factory.LazyAttribute(lambda o: child_name_fields(o.full_name)["name_sort_key"])
    sex = Child.Sex.FEMALE
    date_of_birth = date(2020, 5, 17)


class GrowthMeasurementFactory(factory.django.DjangoModelFactory):
    """A plain measurement without z-scores; tests of the growth rules go through children.services."""

    class Meta:
        model = GrowthMeasurement

    child = factory.SubFactory(ChildFactory)
    measured_on = date(2023, 5, 17)
    weight_kg = Decimal("12.5")
    height_cm = Decimal("90.0")


def vaccine(code: str):
    from children.models import Vaccine

    return Vaccine.objects.get(code=code)
