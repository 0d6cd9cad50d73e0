"""The child registry. `registry` holds the hierarchy (commune, hamlet, household, child, caregivers);
`facts` holds the dated facts about a child that the indicators are computed from."""

from children.models.facts import (
    BirthRegistration,
    ChildFact,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    Injury,
    SchoolEnrolment,
    SupportRecord,
    VaccinationDose,
    Vaccine,
)
from children.models.imports import ImportJob
from children.models.registry import (
    Caregiver,
    Child,
    Commune,
    Hamlet,
    Household,
    HouseholdPoverty,
    SpecialCircumstanceGroup,
)
from children.models.updates import HouseholdUpdate

__all__ = [
    "BirthRegistration",
    "Caregiver",
    "Child",
    "ChildFact",
    "ChildLabour",
    "ChildMarriage",
    "CircumstanceMembership",
    "Commune",
    "Death",
    "Disability",
    "GrowthMeasurement",
    "Hamlet",
    "Household",
    "HouseholdPoverty",
    "HouseholdUpdate",
    "ImportJob",
    "Injury",
    "SchoolEnrolment",
    "SpecialCircumstanceGroup",
    "SupportRecord",
    "VaccinationDose",
    "Vaccine",
]
