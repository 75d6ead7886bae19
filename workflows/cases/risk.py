"""Early warning: the risk that an open case misses its deadline, from the stages it has left and
the stage durations observed in the campaign so far.

The model, in plain words (the pages say it): for each stage of a case kind, the **median number
of days** the cases of the campaign took to go from their first entry into that stage to their
first entry into the next one, read from the histories (only cases that passed the stage by the
day of the estimate count). Each open case goes at **its own pace**: the days it has spent on
its stages so far (those it passed, and its current one once it has lasted longer than the
median) divided by the medians of those stages (1 before any of them has a median). It is
expected to finish after what remains of its current stage (its median times the pace, minus the
days already spent there, at least nothing) plus the medians of the stages after it times the
pace. It is:

- « en retard » when its deadline has passed;
- « à risque » when that expected finish falls after its deadline, or when it has stayed in its
  current stage longer than every case that passed that stage (it is stuck);
- « à surveiller » when the expected finish leaves less than ``WATCH_MARGIN_DAYS`` before the deadline;
- « dans les temps » otherwise.

Everything is computed « as of » a day (the campaign's today by default, ``campaign_today()``):
the histories after that day are ignored, so an estimate made on any day of the 2019 campaign can be replayed and
compared with what happened (``benchmarks/early_warning.py``).

A case kind takes part by registering its stages and its deadline (``risk_register``); the kernel
imports no case kind.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from workflows.cases.kept import kept_get, kept_set, version_move, version_of
from workflows.cases.registry import CaseKind, kind_for_code
from workflows.cases.states import LATE

WATCH_MARGIN_DAYS = 15

LEVELS = {
    "late": "En retard",
    "at_risk": "À risque",
    "watch": "À surveiller",
    "on_track": "Dans les temps",
}
# DSFR badge of each level: « En retard » in the tone every page gives a late case or task
# (``states.LATE``, red), the inbox's row badge included.
BADGES = {"late": LATE, "at_risk": "warning", "watch": "info", "on_track": "success"}

MODEL_TEXT = (
    "Estimation : pour chaque étape, la durée médiane observée dans la campagne (de l'entrée dans l'étape "
    "à l'entrée dans la suivante, sur les dossiers qui l'ont franchie) ; chaque dossier avance à son propre "
    "rythme (le temps qu'il a mis sur ses étapes jusqu'ici, rapporté à leurs médianes) ; il est « à risque » "
    "si ce qui reste de son étape et les médianes des étapes suivantes, à son rythme, le mènent après "
    "l'échéance, ou s'il est dans son étape depuis plus longtemps que tous les dossiers qui l'ont franchie."
)


@dataclass(frozen=True)
class RiskModel:
    kind_code: str
    stages: tuple[str, ...]  # in order; the last one is the end (the deadline is met there)
    deadline: Callable[[Any], dt.date | None]  # the case's deadline (the campaign's date)
    first: str = ""  # the state a case is in before its first stage (« non commencée »)


_MODELS: dict[str, RiskModel] = {}


def risk_register(model: RiskModel) -> None:
    _MODELS[model.kind_code] = model
    kind = kind_for_code(model.kind_code)
    if kind is not None:
        _history_watch(kind)  # its history's writes move the kept medians


def risk_model(kind_code: str) -> RiskModel | None:
    return _MODELS.get(kind_code)


@dataclass(frozen=True)
class Observed:
    """The stage durations of a kind as of a day: median and longest days per stage, and how many
    cases each figure comes from."""

    medians: dict[str, float]
    longest: dict[str, float]
    counts: dict[str, int]


@dataclass(frozen=True)
class Risk:
    level: str
    state: str
    days_left: int
    expected_days: float | None  # from the day to the expected end; None: not estimated
    in_stage_days: float
    stuck: bool
    deadline: dt.date | None
    reasons: list[str] = field(default_factory=list)
    pace: float = 1.0  # the case's days on its stages so far over their medians (1: as the median)

    @property
    def label(self) -> str:
        return LEVELS[self.level]

    @property
    def badge(self) -> str:
        return BADGES[self.level]

    @property
    def flagged(self) -> bool:
        """« À risque » (or already late): what the inbox filter and the dashboard count."""
        return self.level in ("at_risk", "late")


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _rows(kind: CaseKind, *, as_of: dt.date, case_ids: Iterable[int] | None = None) -> dict[int, list[tuple[Any, str]]]:
    """(at, target) of each case's history up to the end of ``as_of``, in order, by case id."""
    manager = kind.history._default_manager
    link = f"{kind.history_link}_id" if kind.history_link else "object_id"
    rows = manager.filter(at__lt=_end_of(as_of))
    if kind.history_link is None:
        from django.contrib.contenttypes.models import ContentType

        rows = rows.filter(content_type=ContentType.objects.get_for_model(kind.model))
    if case_ids is not None:
        rows = rows.filter(**{f"{link}__in": list(case_ids)})
    found: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for case_id, at, target in rows.order_by("at", "pk").values_list(link, "at", "target"):
        found[int(case_id)].append((at, target))
    return found


def _first_entries(history: list[tuple[Any, str]]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for at, target in history:
        entries.setdefault(target, at)
    return entries


def _days(start: Any, end: Any) -> float:
    return (end - start).total_seconds() / 86400


def observed(
    model: RiskModel, *, as_of: dt.date, histories: dict[int, list[tuple[Any, str]]] | None = None
) -> Observed:
    kind = kind_for_code(model.kind_code)
    assert kind is not None
    histories = histories if histories is not None else _rows(kind, as_of=as_of)
    durations: dict[str, list[float]] = defaultdict(list)
    for history in histories.values():
        entries = _first_entries(history)
        for stage, following in zip(model.stages, model.stages[1:], strict=False):
            if stage in entries and following in entries and entries[following] >= entries[stage]:
                durations[stage].append(_days(entries[stage], entries[following]))
    return Observed(
        medians={stage: statistics.median(values) for stage, values in durations.items()},
        longest={stage: max(values) for stage, values in durations.items()},
        counts={stage: len(values) for stage, values in durations.items()},
    )


# Up to this many cases (a page of the inbox, a case page), a case's risk reads its own history
# and the medians kept in the cache; beyond (the dashboard's counts), every history is read once.
FEW_CASES = 200


def _version_key(kind: CaseKind) -> str:
    from django.db import connection

    # The database's name: test workers (one database each) share one Redis.
    return f"quartiers:{connection.settings_dict['NAME']}:risk:history:{kind.code}"


def _history_written(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A history row written: the kind's kept medians are computed again (at once, and after
    the commit: a reader between the two would keep what he read before it)."""
    from django.db import connection, transaction

    for kind in _history_kinds.get(sender, []):
        key = _version_key(kind)
        version_move(key)
        if connection.in_atomic_block:
            transaction.on_commit(lambda key=key: version_move(key))  # type: ignore[misc]


_history_kinds: dict[type[Any], list[CaseKind]] = defaultdict(list)


def _history_watch(kind: CaseKind) -> None:
    if kind.history not in _history_kinds:
        from django.db.models.signals import post_save

        post_save.connect(_history_written, sender=kind.history, dispatch_uid=f"risk.history.{kind.history.__name__}")
    if kind not in _history_kinds[kind.history]:
        _history_kinds[kind.history].append(kind)


def _last_row(kind: CaseKind) -> Callable[[], QuerySet[Any]]:
    manager = kind.history._default_manager
    return lambda: manager.order_by("-pk").values_list("pk", "at")[:1]


def _history_version(kind: CaseKind) -> tuple[Any, ...]:
    """What changes whenever a history row is written: a version moved by every write (histories
    are append-only), with the last row's id and time (rows written around the product, by SQL)."""
    _history_watch(kind)
    version = version_of(_version_key(kind))
    last = kind.statement("last history row", _last_row).first()
    return (version, *((None, None) if last is None else (last[0], last[1].isoformat())))


def _observed_kept(
    model: RiskModel, kind: CaseKind, *, as_of: dt.date, histories: dict[int, list[tuple[Any, str]]] | None = None
) -> Observed:
    """The kind's stage durations as of ``as_of``, computed once per change of the histories
    (kept in the cache): every page showing a risk read the whole campaign's histories before,
    the larger part of a case page (benchmarks/RESULTS.md, "workspace's speed")."""
    version, pk, at = _history_version(kind)
    key = f"{_version_key(kind)}:observed:{as_of.isoformat()}:{version}:{pk}:{at}"
    seen = kept_get(key)
    if not isinstance(seen, Observed):
        seen = observed(model, as_of=as_of, histories=histories)
        if version is not None:  # a cache that answers
            kept_set(key, seen, timeout=86400)
    return seen


def _state_as_of(history: list[tuple[Any, str]], model: RiskModel, recorded: str | None = None) -> str:
    """The state its history gives the case; without any history, the state recorded on the case
    when the estimate is of today (a case put in a state by the administration or an import has
    no transition), else « non commencé »."""
    if history:
        return history[-1][1]
    return recorded or model.first


def estimate(
    model: RiskModel,
    *,
    case: Any,
    history: list[tuple[Any, str]],
    seen: Observed,
    as_of: dt.date,
    recorded: str | None = None,
) -> Risk | None:
    """The risk of one case as of ``as_of`` (``None``: finished or without deadline);
    ``recorded``: the case's state as it stands, when the estimate is of today."""
    deadline = model.deadline(case)
    state = _state_as_of(history, model, recorded)
    if deadline is None or state == model.stages[-1]:
        return None
    days_left = (deadline - as_of).days
    now = _end_of(as_of)
    last_move = history[-1][0] if history else None
    in_stage = _days(last_move, now) if last_move is not None else 0.0
    if state in model.stages:
        remaining_stages = list(model.stages[model.stages.index(state) : -1])
    else:  # not started: every stage remains
        remaining_stages = list(model.stages[:-1])
    reasons = []
    current = remaining_stages[0] if remaining_stages and state in model.stages else None
    pace = _pace(model, history, seen, current=current, in_stage=in_stage)
    expected: float | None = 0.0
    unknown = [stage for stage in remaining_stages if stage not in seen.medians]
    if unknown:
        expected = None
        reasons.append("aucune durée observée encore pour une des étapes restantes")
    else:
        total = 0.0
        for stage in remaining_stages:
            median = seen.medians[stage] * pace
            total += max(median - in_stage, 0.0) if stage == current else median
        expected = total
    stuck = bool(state in seen.longest and in_stage > seen.longest[state])
    if stuck:
        reasons.append(f"dans l'étape depuis {in_stage:.0f} jours, plus que tous les dossiers qui l'ont franchie")
    if days_left < 0:
        level = "late"
    elif stuck or (expected is not None and expected > days_left):
        level = "at_risk"
        if expected is not None and expected > days_left:
            reasons.append(f"fin estimée dans {expected:.0f} jours pour {days_left} jours restants")
            if pace > 1:
                reasons.append(f"il avance {_times(pace)} moins vite que la médiane des dossiers")
    elif expected is not None and expected > days_left - WATCH_MARGIN_DAYS:
        level = "watch"
    else:
        level = "on_track"
    return Risk(
        level=level,
        state=state,
        days_left=days_left,
        expected_days=expected,
        in_stage_days=in_stage,
        stuck=stuck,
        deadline=deadline,
        reasons=reasons,
        pace=pace,
    )


def _pace(
    model: RiskModel, history: list[tuple[Any, str]], seen: Observed, *, current: str | None, in_stage: float
) -> float:
    """The case's own pace: the days it spent on the stages it passed, and on its current one
    once that lasts longer than its median, over the medians of those stages; 1 when none has
    a median yet (the case goes as the median)."""
    entries = _first_entries(history)
    spent = medians = 0.0
    for stage, following in zip(model.stages, model.stages[1:], strict=False):
        if stage in entries and following in entries and stage in seen.medians:
            spent += max(_days(entries[stage], entries[following]), 0.0)
            medians += seen.medians[stage]
    if current is not None and current in seen.medians and in_stage > seen.medians[current]:
        spent += in_stage
        medians += seen.medians[current]
    return spent / medians if medians > 0 else 1.0


def _times(pace: float) -> str:
    """« 2,2 fois »: how many times slower than the median, in French."""
    return f"{pace:.1f}".replace(".", ",") + " fois"


def risks(kind_code: str, cases: Iterable[Any], *, as_of: dt.date | None = None) -> dict[int, Risk]:
    """The risk of each open case of ``cases`` (by pk) as of ``as_of`` (the campaign's today), in two
    queries whatever the number of cases: the kind's histories, then nothing per case."""
    from notifications.campaign import campaign_today

    model = risk_model(kind_code)
    kind = kind_for_code(kind_code)
    if model is None or kind is None:
        return {}
    of_today = as_of is None
    as_of = as_of or campaign_today()
    cases = list(cases)
    if len(cases) > FEW_CASES:
        histories = _rows(kind, as_of=as_of)
        seen = _observed_kept(model, kind, as_of=as_of, histories=histories)
    else:
        # A page's few cases: their own histories, and the kind's medians as last computed. A
        # case's own page reads its history for its timeline too (``CaseKind.history_read``).
        if len(cases) == 1:
            end = _end_of(as_of)
            histories = {cases[0].pk: [(row.at, row.target) for row in kind.history_read(cases[0]) if row.at < end]}
        else:
            histories = _rows(kind, as_of=as_of, case_ids=[case.pk for case in cases]) if cases else {}
        seen = _observed_kept(model, kind, as_of=as_of)
    found = {}
    for case in cases:
        recorded = str(case.state) if of_today and getattr(case, "state", None) else None
        risk = estimate(model, case=case, history=histories.get(case.pk, []), seen=seen, as_of=as_of, recorded=recorded)
        if risk is not None:
            found[case.pk] = risk
    return found


def risk_of(case: Any, *, as_of: dt.date | None = None) -> Risk | None:
    from workflows.cases.registry import kind_of

    return risks(kind_of(case).code, [case], as_of=as_of).get(case.pk)


def flagged_ids(kind_code: str, *, as_of: dt.date | None = None) -> list[int]:
    """The ids of the open cases of the kind flagged « à risque » or late (the inbox's filter)."""
    model = risk_model(kind_code)
    kind = kind_for_code(kind_code)
    if model is None or kind is None:
        return []
    open_cases = kind.model._default_manager.exclude(state=model.stages[-1]).only("pk", "state")
    return [pk for pk, risk in risks(kind_code, open_cases, as_of=as_of).items() if risk.flagged]


def level_counts(kind_code: str, cases: Iterable[Any], *, as_of: dt.date | None = None) -> dict[str, int]:
    """How many of ``cases`` are at each level (the dashboard's figure), plus ``flagged`` and
    ``open``: the open cases estimated (not finished, with a deadline), what the levels divide."""
    found = risks(kind_code, cases, as_of=as_of)
    counts = dict.fromkeys(LEVELS, 0)
    for risk in found.values():
        counts[risk.level] += 1
    counts["flagged"] = counts["late"] + counts["at_risk"]
    counts["open"] = len(found)
    return counts


def risk_models() -> list[RiskModel]:
    return list(_MODELS.values())
