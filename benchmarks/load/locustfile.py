"""Agents of many départements working with Quartiers.

Run by ``benchmarks/load.py run`` (which writes the plan and reads the raw records); by hand:

    LOAD_PLAN=benchmarks/out/load_plan.json LOAD_RAW=/tmp/raw.json \\
        .venv/bin/locust -f benchmarks/load/locustfile.py --headless --host http://127.0.0.1:8710 -u 20 -r 5 -t 60s

Every virtual user logs in through the real login form (CSRF token, PBKDF2 password check),
then alternates, with 1 to 3 s of reading between two clicks: its inbox, its département's
queue, the page of a case of its département, and real work on a real case: open the case,
take the task ("Prendre la tâche", POST), open the task form and submit it as rendered (CSRF
token, commitments formset). The three roles keep the 434 real cases cycling: agents build
the protocol, valideurs validate it, the référent CGET sends it back to the préfecture.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from htmlform import form_data, with_values

PLAN: dict[str, Any] = json.loads(Path(os.environ.get("LOAD_PLAN", "benchmarks/out/load_plan.json")).read_text())
RAW = Path(os.environ.get("LOAD_RAW", "benchmarks/out/load_raw.json"))
CODES = sorted(PLAN["cases"])
RECORDS: list[list[Any]] = []  # [end timestamp, name, milliseconds, error]
OUTCOMES: Counter[str] = Counter()
STATE: dict[str, float | None] = {"spawned_at": None}
ERROR_PAGE = "Erreur du serveur"
# The French messages of a lost race (workflows.renewal.services / views): expected under concurrency.
RACE_MESSAGES = (
    "déjà été traitée",
    "désormais attribuée",
    "Un autre agent",
    "modifié par quelqu&#x27;un d&#x27;autre",
    "modifié par quelqu'un d'autre",
)


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **kwargs: Any) -> None:
    RECORDS.append([time.time(), name, response_time, repr(exception)[:200] if exception else ""])


@events.spawning_complete.add_listener
def _spawned(user_count: int, **kwargs: Any) -> None:
    STATE["spawned_at"] = time.time()


@events.test_stop.add_listener
def _dump(**kwargs: Any) -> None:
    RAW.write_text(json.dumps({"spawned_at": STATE["spawned_at"], "records": RECORDS, "outcomes": OUTCOMES}))


# The virtual users' HTTP client: ``HttpUser`` (python-requests) by default, the client of every
# pass, or ``LOAD_CLIENT=fast`` for locust's ``FastHttpUser`` (geventhttpclient). Locust shares
# the two cores with the server (some 12 % of them at 100 agents with python-requests, 9 % with
# geventhttpclient: it parses every page it reads); the eleventh pass found no clear gain in the
# product's figures between the two, within the host's run-to-run spread (benchmarks/RESULTS.md).
_CLIENT = os.environ.get("LOAD_CLIENT", "requests")
if _CLIENT not in ("fast", "requests"):
    raise SystemExit(f"LOAD_CLIENT : « {_CLIENT} » inconnu (fast ou requests)")
_User: Any = FastHttpUser if _CLIENT == "fast" else HttpUser
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class _Agent(_User):
    abstract = True
    wait_time = between(1, 3)
    counter = itertools.count()
    accounts: dict[str, list[str]] = {}

    def on_start(self) -> None:
        n = next(self.counter)
        self.code = CODES[n % len(CODES)]
        candidates = self.accounts.get(self.code) or self.accounts[next(iter(self.accounts))]
        self.email = candidates[(n // len(CODES)) % len(candidates)]
        self.cases = PLAN["cases"][self.code]
        page = self.client.get("/connexion/", name="connexion")
        fields = with_values(form_data(page.text) or [], username=self.email, password=PLAN["password"])
        with self.client.post(
            "/connexion/",
            data=urlencode(fields),
            headers=FORM,
            name="connexion (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code}) for {self.email}")

    def get(self, url: str, name: str) -> Any:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or ERROR_PAGE in response.text:
                response.failure(f"{response.status_code} on {url}")
            return response

    def post(self, url: str, fields: list[tuple[str, str]], name: str) -> Any:
        with self.client.post(
            url, data=urlencode(fields), headers=FORM, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                OUTCOMES[f"{name}: done"] += 1
            elif response.status_code == 200 and any(m in response.text for m in RACE_MESSAGES):
                # Someone else took or finished it first: the form comes back with a French
                # message and the user's input, not an error of the application.
                OUTCOMES[f"{name}: refused with a message (someone was faster)"] += 1
                response.success()
            elif response.status_code == 200:
                errors = re.findall(r'class="fr-(?:error-text|alert[^"]*)"[^>]*>\s*([^<]{0,120})', response.text)
                response.failure(f"form refused on POST {url}: {errors[:3]}")
            else:
                response.failure(f"{response.status_code} on POST {url}")
            return response

    def decision(self) -> dict[str, str]:
        return {}

    def work(self, case: dict[str, int]) -> None:
        page = self.get(f"/renovations/{case['renewal']}/", name="dossier")
        found = re.search(rf"/circuits/{case['process']}/taches/(\d+)/", page.text or "")
        if not found:
            OUTCOMES["work: nothing for me on this case"] += 1
            return
        task_pk = found.group(1)
        claim = f"/taches/{task_pk}/prendre/"
        if claim in page.text:
            self.post(claim, form_data(page.text, claim) or [], name="prendre une tâche (POST)")
        url = f"/circuits/{case['process']}/taches/{task_pk}/"
        form = self.get(url, name="formulaire de tâche")
        fields = form_data(form.text or "")
        if fields is None:  # already done by someone else: the page says so
            OUTCOMES["work: task already done"] += 1
            return
        self.post(url, with_values(fields, **self.decision()), name="terminer une tâche (POST)")


# Words of the benchmark's companies (benchmarks/load.py, NAME_WORDS, STREETS) and of the contracts.
SEARCHES = ("boulangerie", "transports+gambetta", "energie", "lille", "roubaix", "sante+paix")


class PrefectureAgent(_Agent):
    weight = 8
    accounts = PLAN["agents"]

    def decision(self) -> dict[str, str]:
        return {"childhood_parenting": "Volet enfance", "protocol_signatories": "Préfet, maire, président de l'EPCI"}

    @task(3)
    def inbox(self) -> None:
        self.get("/taches/", name="corbeille (mes tâches)")

    @task(3)
    def queue(self) -> None:
        self.get("/taches/file/", name="file du département")

    @task(3)
    def case(self) -> None:
        self.get(f"/renovations/{random.choice(self.cases)['renewal']}/", name="dossier")

    @task(1)
    def all_tasks(self) -> None:
        self.get("/taches/tous/", name="tous")

    @task(1)
    def search(self) -> None:
        self.get(f"/recherche/?q={random.choice(SEARCHES)}", name="recherche")

    @task(2)
    def complete(self) -> None:
        self.work(random.choice(self.cases))


class PrefectValidator(_Agent):
    weight = 1
    accounts = PLAN["validators"]

    @task(1)
    def queue(self) -> None:
        self.get("/taches/file/", name="file du département")

    @task(2)
    def complete(self) -> None:
        self.work(random.choice(self.cases))


class CgetReferent(_Agent):
    weight = 1
    accounts = dict.fromkeys(CODES, PLAN["referents"])

    def decision(self) -> dict[str, str]:
        return {"decision": "return_to_prefecture", "comment": "Merci de préciser le volet emploi."}

    @task(1)
    def review_queue(self) -> None:
        self.get("/taches/revue-cget/", name="revue CGET")

    @task(2)
    def complete(self) -> None:
        # National scope: any case of any département.
        self.work(random.choice(PLAN["cases"][random.choice(CODES)]))
