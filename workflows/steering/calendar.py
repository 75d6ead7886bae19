"""Semesters of the collège des chefs de service (circular of 22 January 2019: "chaque semestre")."""

from __future__ import annotations

import datetime

# The circular is dated 22 January 2019: the first semester it asks a collège for.
FIRST_YEAR, FIRST_SEMESTER = 2019, 1

Semester = tuple[int, int]


def semester_of(day: datetime.date) -> Semester:
    return day.year, 1 if day.month <= 6 else 2


def semester_end(year: int, semester: int) -> datetime.date:
    return datetime.date(year, 6, 30) if semester == 1 else datetime.date(year, 12, 31)


def ended_semesters(*, today: datetime.date) -> list[Semester]:
    """Every semester from the 1st of 2019 that has ended before ``today``, oldest first."""
    semesters: list[Semester] = []
    year, semester = FIRST_YEAR, FIRST_SEMESTER
    while semester_end(year, semester) < today:
        semesters.append((year, semester))
        year, semester = (year, 2) if semester == 1 else (year + 1, 1)
    return semesters


def semester_label(semester: Semester) -> str:
    year, half = semester
    return f"{'1er' if half == 1 else '2d'} semestre {year}"
