from .measures import Measure, MeasureIndicator, MeasureLevelChange
from .territories import CityContract, Department, Epci, Qpv, QpvEpci, Region

__all__ = [
    "CityContract",
    "Department",
    "Epci",
    "Measure",
    "MeasureIndicator",
    "MeasureLevelChange",
    "Qpv",
    "QpvEpci",
    "Region",
]
