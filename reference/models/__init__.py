from .measures import Measure, MeasureIndicator
from .territories import CityContract, Department, Epci, Qpv, QpvEpci, Region

__all__ = ["CityContract", "Department", "Epci", "Measure", "MeasureIndicator", "Qpv", "QpvEpci", "Region"]
