"""The campaign is the only source of the circular's dates.

A date of the circular written in the code or a template would not move when the national
administrator moves it in the campaign (Campaign / DeadlineDefinition in the admin); this test
fails on any such literal outside the campaign's data migrations and the quoted source texts. The circular's own date
(22 January 2019) names the text, not a deadline, and may be cited.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["accounts", "api", "config", "notifications", "reference", "workflows", "templates"]
MONTHS_FR = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
YEAR = r"20(?:19|2[0-3])"
LITERALS = re.compile(
    "|".join(
        [
            rf"\bdate\(\s*{YEAR}\s*,",  # datetime.date(2019, 7, 31)
            rf"\b\d{{1,2}}(?:er)?\s+(?:{MONTHS_FR})\s+{YEAR}\b",  # 31 juillet 2019
            rf"\b\d{{1,2}}\s+(?:{MONTHS_EN})\s+{YEAR}\b",  # 31 July 2019
            rf"\b(?:{MONTHS_FR})\s+{YEAR}\b",  # janvier 2020
            rf"\b(?:{MONTHS_EN})\s+{YEAR}\b",  # January 2020
            rf"\b\d{{2}}/\d{{2}}/{YEAR}\b",  # 31/07/2019
            rf"\b{YEAR}-\d{{2}}-\d{{2}}\b",  # 2019-07-31
        ]
    )
)
# The source texts the compliance rules quote word for word (the circular, the France urbaine /
# AdCF note): data, like the campaign's migrations.
SOURCES = ROOT / "reference" / "data" / "sources"
CIRCULAR = re.compile(r"22\s+(?:janvier|January)\s+2019")


def literal_dates() -> list[str]:
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts:
                continue
            if path.is_relative_to(SOURCES):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for match in LITERALS.finditer(CIRCULAR.sub("", line)):
                    found.append(f"{path.relative_to(ROOT)}:{number}: « {match.group(0)} »")
    return found


def test_no_date_of_the_circular_outside_the_campaign_data() -> None:
    found = literal_dates()
    assert not found, "Dates écrites en dur (à lire dans la campagne, notifications.campaign) :\n" + "\n".join(found)


def test_the_scan_sees_a_literal(tmp_path: Path) -> None:
    """Guards the scanner itself: each way of writing a date is caught."""
    for text in ["date(2019, 7, 31)", "le 31 juillet 2019", "by 15 March 2019", "janvier 2020", "31/07/2019"]:
        assert LITERALS.search(CIRCULAR.sub("", text)), text
    assert not LITERALS.search(CIRCULAR.sub("", "circulaire du 22 janvier 2019"))
