"""Import of the reference data (territories and the 40 measures) from the CSV files in
``reference/data/`` (provenance in ``reference/data/SOURCES.md``).

Every file is read and validated first; then everything is written in one transaction with
upserts keyed on the official codes, so re-running updates and never duplicates, and a
malformed file leaves the database as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from tqdm import tqdm

from reference.models import CityContract, Department, Epci, Measure, MeasureIndicator, Qpv, QpvEpci, Region
from reference.services.csv_reader import (
    CsvFile,
    Row,
    integer,
    one_of,
    pattern,
    required,
    semicolon_list,
)
from reference.signals import departments_moved

M = TypeVar("M", bound=models.Model)

DEPARTMENT_CODE = r"\d{2}|2A|2B|97\d"
COMMUNE_CODE = pattern(r"\d[\dAB]\d{3}", "code commune INSEE")
SIREN = pattern(r"\d{9}", "SIREN")
# Overseas collectivities that carry a contrat de ville but are not départements (SOURCES.md).
COLLECTIVITIES_WITHOUT_DEPARTMENT = {"975", "977", "978", "986", "987", "988"}

FILES = {
    "regions": "regions.csv",
    "departments": "departements.csv",
    "epcis": "epci_2022.csv",
    "qpv_2015": "qpv_2015_metropole.csv",
    "qpv_2024": "qpv_2024.csv",
    "city_contracts": "contrats_de_ville_2015.csv",
    "measures": "mesures_annexe3.csv",
}


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _progress(rows: Sequence[Row], label: str, show: bool) -> Iterable[Row]:
    return tqdm(rows, desc=label, unit=" lignes", disable=not show, leave=False)


def _upsert(model: type[M], objs: list[M], *, unique: list[str], update: list[str]) -> None:
    model._default_manager.bulk_create(
        objs, batch_size=1000, update_conflicts=True, unique_fields=unique, update_fields=update
    )


def _ids(model: type[models.Model], key: str) -> dict[str, int]:
    return dict(model._default_manager.values_list(key, "pk"))


class ReferenceImporter:
    def __init__(self, data_dir: Path, *, progress: bool = False) -> None:
        self.data_dir = data_dir
        self.progress = progress

    def file(self, key: str, schema: dict[str, Any]) -> CsvFile:
        return CsvFile(self.data_dir / FILES[key], schema)

    def run(self) -> ImportReport:
        started = time.monotonic()
        files = self._read_all()
        report = ImportReport()
        with transaction.atomic():
            report.counts["régions"] = self._regions(*files["regions"])
            report.counts["départements"] = self._departments(*files["departments"])
            report.counts["EPCI (2022)"] = self._epcis(*files["epcis"])
            report.counts["QPV (2015, métropole)"] = self._qpvs(*files["qpv_2015"], geography=Qpv.Geography.G2015)
            report.counts["QPV (2024)"] = self._qpvs(*files["qpv_2024"], geography=Qpv.Geography.G2024)
            report.counts["contrats de ville"] = self._city_contracts(*files["city_contracts"])
            report.counts["mesures"], report.counts["indicateurs"] = self._measures(*files["measures"])
        report.seconds = time.monotonic() - started
        return report

    def _read_all(self) -> dict[str, tuple[CsvFile, list[Row]]]:
        schemas: dict[str, dict[str, Any]] = {
            "regions": {
                "REG": pattern(r"\d{2}", "code région"),
                "CHEFLIEU": COMMUNE_CODE,
                "LIBELLE": required("libellé"),
            },
            "departments": {
                "DEP": pattern(DEPARTMENT_CODE, "code département"),
                "REG": pattern(r"\d{2}", "code région"),
                "CHEFLIEU": COMMUNE_CODE,
                "LIBELLE": required("libellé"),
            },
            "epcis": {
                "siren": SIREN,
                "raison_sociale": required("raison sociale"),
                "nature_juridique": one_of(set(Epci.Nature.values), "nature juridique"),
                "mode_financement": required("mode de financement"),
                "dep_siege": pattern(DEPARTMENT_CODE, "code département"),
                "nb_membres": integer("nombre de membres"),
                "pop_totale": integer("population totale"),
                "pop_municipale": integer("population municipale"),
            },
            "qpv_2015": {
                "code_qp": pattern(r"QP[\dAB]{3}\d{3}", "code QPV 2015"),
                "code_departement": pattern(DEPARTMENT_CODE, "code département"),
                "nom_qp": required("nom du quartier"),
                "communes_libelle": required("communes"),
                "communes_insee_cog2022": semicolon_list(COMMUNE_CODE),
                "epci_siren_2022": semicolon_list(SIREN, optional=True),
            },
            "qpv_2024": {
                "code_qp": pattern(r"QN[\dAB]{3}\d{2}[MINC]", "code QPV 2024"),
                "code_departement": pattern(DEPARTMENT_CODE, "code département"),
                "nom_qp": required("nom du quartier"),
                "communes_insee": semicolon_list(COMMUNE_CODE),
                "communes_libelle": required("communes"),
            },
            "city_contracts": {
                "code_cv": pattern(r"CV\d{3}", "code de contrat de ville"),
                "code_departement": pattern(r"\d{2}|2A|2B|97\d|98\d", "code de territoire"),
                "libelle": required("libellé"),
                "porteur_code": pattern(r"\d{9}|\d[\dAB]\d{3}", "code du porteur (SIREN ou code INSEE)"),
                "porteur_type": one_of(set(CityContract.CarrierType.values), "type de porteur"),
                "pop_qpv": integer("population des QPV"),
                "siren_epci_2015": pattern(r"(\d{9})?", "SIREN de l'EPCI 2015"),
                "nb_communes_perimetre": integer("nombre de communes", optional=True),
            },
            "measures": {
                "number": pattern(r"\d{1,2}(\.[a-z])?", "numéro de mesure"),
                "parent_number": pattern(r"(\d{1,2})?", "numéro de mesure parente"),
                "axis": required("axe"),
                "programme": required("programme"),
                "theme": required("thématique"),
                "text": required("texte de la mesure"),
                "level": one_of(set(Measure.Level.values), "niveau d'avancement"),
                "indicators": required("indicateurs"),
            },
        }
        files = {key: self.file(key, schema) for key, schema in schemas.items()}
        return {key: (csv_file, csv_file.read()) for key, csv_file in files.items()}

    def _regions(self, csv_file: CsvFile, rows: list[Row]) -> int:
        objs = [Region(code=r["REG"], name=r["LIBELLE"]) for r in _progress(rows, "Régions", self.progress)]
        _upsert(Region, objs, unique=["code"], update=["name"])
        return len(objs)

    def _departments(self, csv_file: CsvFile, rows: list[Row]) -> int:
        regions = _ids(Region, "code")
        objs = []
        for r in _progress(rows, "Départements", self.progress):
            if r["REG"] not in regions:
                raise csv_file.error(r, "REG", f"région inconnue « {r['REG']} »")
            objs.append(
                Department(
                    code=r["DEP"],
                    name=r["LIBELLE"],
                    region_id=regions[r["REG"]],
                    prefecture_commune_code=r["CHEFLIEU"],
                )
            )
        regions_before = dict(Department.objects.values_list("code", "region_id"))
        _upsert(Department, objs, unique=["code"], update=["name", "region", "prefecture_commune_code"])
        moved = [
            pk
            for code, pk, region_id in Department.objects.values_list("code", "pk", "region_id")
            if code in regions_before and regions_before[code] != region_id
        ]
        if moved:  # the upsert sent no post_save (reference.signals)
            departments_moved.send(sender=Department, department_ids=moved)
        return len(objs)

    def _department_id(self, csv_file: CsvFile, row: Row, column: str, departments: dict[str, int]) -> int:
        try:
            return departments[row[column]]
        except KeyError:
            raise csv_file.error(row, column, f"département inconnu « {row[column]} »") from None

    def _epcis(self, csv_file: CsvFile, rows: list[Row]) -> int:
        departments = _ids(Department, "code")
        objs = [
            Epci(
                siren=r["siren"],
                name=r["raison_sociale"],
                nature=r["nature_juridique"],
                financing_mode=r["mode_financement"],
                seat_department_id=self._department_id(csv_file, r, "dep_siege", departments),
                member_count=int(r["nb_membres"]),
                total_population=int(r["pop_totale"]),
                municipal_population=int(r["pop_municipale"]),
            )
            for r in _progress(rows, "EPCI", self.progress)
        ]
        fields = [
            "name",
            "nature",
            "financing_mode",
            "seat_department",
            "member_count",
            "total_population",
            "municipal_population",
        ]
        _upsert(Epci, objs, unique=["siren"], update=fields)
        return len(objs)

    def _qpvs(self, csv_file: CsvFile, rows: list[Row], *, geography: Qpv.Geography) -> int:
        departments = _ids(Department, "code")
        epcis = _ids(Epci, "siren")
        is_2015 = geography == Qpv.Geography.G2015
        codes_column = "communes_insee_cog2022" if is_2015 else "communes_insee"
        objs = []
        links: dict[str, list[int]] = {}
        for r in _progress(rows, f"QPV {geography}", self.progress):
            objs.append(
                Qpv(
                    code=r["code_qp"],
                    geography=geography,
                    name=r["nom_qp"],
                    department_id=self._department_id(csv_file, r, "code_departement", departments),
                    commune_codes=r[codes_column],
                    commune_names=r["communes_libelle"].replace(";", ", ") if not is_2015 else r["communes_libelle"],
                )
            )
            if is_2015:
                sirens = [s for s in r["epci_siren_2022"].split(";") if s]
                unknown = [s for s in sirens if s not in epcis]
                if unknown:
                    raise csv_file.error(r, "epci_siren_2022", f"EPCI inconnu « {unknown[0]} »")
                links[r["code_qp"]] = [epcis[s] for s in sirens]
        _upsert(
            Qpv, objs, unique=["code"], update=["geography", "name", "department", "commune_codes", "commune_names"]
        )
        if is_2015:
            qpv_ids = dict(Qpv.objects.filter(code__in=links).values_list("code", "pk"))
            QpvEpci.objects.filter(qpv_id__in=qpv_ids.values()).delete()
            QpvEpci.objects.bulk_create(
                [QpvEpci(qpv_id=qpv_ids[code], epci_id=epci_id) for code, ids in links.items() for epci_id in ids],
                batch_size=1000,
            )
        return len(objs)

    def _city_contracts(self, csv_file: CsvFile, rows: list[Row]) -> int:
        departments = _ids(Department, "code")
        epcis = _ids(Epci, "siren")
        objs = []
        seen: set[tuple[str, str]] = set()
        for r in _progress(rows, "Contrats de ville", self.progress):
            key = (r["code_cv"], r["code_departement"])
            if key in seen:
                raise csv_file.error(r, "code_cv", f"contrat « {key[0]} » en double pour le territoire « {key[1]} »")
            seen.add(key)
            territory = r["code_departement"]
            if territory not in departments and territory not in COLLECTIVITIES_WITHOUT_DEPARTMENT:
                raise csv_file.error(r, "code_departement", f"département inconnu « {territory} »")
            siren = r["siren_epci_2015"] or (r["porteur_code"] if r["porteur_type"] == "epci" else "")
            objs.append(
                CityContract(
                    code=r["code_cv"],
                    department_code=territory,
                    department_id=departments.get(territory),
                    name=r["libelle"],
                    carrier_code=r["porteur_code"],
                    carrier_type=r["porteur_type"],
                    qpv_population=int(r["pop_qpv"]),
                    epci_siren_2015=r["siren_epci_2015"],
                    epci_id=epcis.get(siren),
                    perimeter_commune_count=int(r["nb_communes_perimetre"]) if r["nb_communes_perimetre"] else None,
                )
            )
        fields = [
            "department",
            "name",
            "carrier_code",
            "carrier_type",
            "qpv_population",
            "epci_siren_2015",
            "epci",
            "perimeter_commune_count",
        ]
        _upsert(CityContract, objs, unique=["code", "department_code"], update=fields)
        return len(objs)

    def _measures(self, csv_file: CsvFile, rows: list[Row]) -> tuple[int, int]:
        numbers: set[str] = set()
        parents: dict[str, str] = {}
        objs = []
        for position, r in enumerate(_progress(rows, "Mesures", self.progress), start=1):
            if r["number"] in numbers:
                raise csv_file.error(r, "number", f"mesure « {r['number']} » en double")
            if r["parent_number"]:
                if r["parent_number"] not in numbers:
                    raise csv_file.error(r, "parent_number", f"mesure parente inconnue « {r['parent_number']} »")
                parents[r["number"]] = r["parent_number"]
            numbers.add(r["number"])
            objs.append(
                Measure(
                    number=r["number"],
                    position=position,
                    axis=r["axis"],
                    programme=r["programme"],
                    theme=r["theme"],
                    text=r["text"],
                    level=r["level"],
                )
            )
        # The level is the circular's starting point: a re-import must not undo the updates the
        # administrateur national made since, so it is written on creation only.
        _upsert(Measure, objs, unique=["number"], update=["position", "axis", "programme", "theme", "text"])
        ids = _ids(Measure, "number")
        for child, parent in parents.items():
            Measure.objects.filter(pk=ids[child]).update(parent_id=ids[parent])
        Measure.objects.filter(number__in=numbers).exclude(number__in=parents).update(parent=None)

        indicators = []
        keep: dict[int, int] = {}
        for r in rows:
            labels = [label.strip() for label in r["indicators"].split("|")]
            if not all(labels):
                raise csv_file.error(r, "indicators", "indicateur vide dans la liste")
            keep[ids[r["number"]]] = len(labels)
            indicators += [
                MeasureIndicator(measure_id=ids[r["number"]], position=i, label=label)
                for i, label in enumerate(labels, start=1)
            ]
        _upsert(MeasureIndicator, indicators, unique=["measure", "position"], update=["label"])
        for measure_id, count in keep.items():
            MeasureIndicator.objects.filter(measure_id=measure_id, position__gt=count).delete()
        return len(objs), len(indicators)


def reference_import(*, data_dir: Path, progress: bool = False) -> ImportReport:
    return ReferenceImporter(data_dir, progress=progress).run()
