"""The child registry. `registry` holds households, children and caregivers (under the geography of
tanloi_portal.models: Commune, Hamlet);
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
from children.models.imports import ExportJob, ImportJob
from children.models.registry import (
    Caregiver,
    Child,
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
    "Death",
    "Disability",
    "ExportJob",
    "GrowthMeasurement",
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
