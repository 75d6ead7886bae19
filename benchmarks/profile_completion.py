"""Profile of full-path completions: where the time goes, and the queries of one
completion. Run after benchmarks/renewal.py (same database):

    .venv/bin/python benchmarks/profile_completion.py
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection
from django.test.utils import CaptureQueriesContext

import renewal as bench


def main() -> None:
    people = bench.setup()
    ids, _, _, _ = bench.prepare(people)
    ids = ids[:100]
    with CaptureQueriesContext(connection) as captured:
        bench.completion_round(ids[:1], people, [])
    kinds = Counter(q["sql"].split()[0] for q in captured.captured_queries)
    print(f"queries for 3 completions (build, validate, return) incl. 3 task look-ups: {len(captured)} {dict(kinds)}")
    for q in captured.captured_queries:
        print("   ", q["sql"][:160])
    profiler = cProfile.Profile()
    timings: list[float] = []
    profiler.enable()
    bench.completion_round(ids[1:], people, timings)
    profiler.disable()
    print(f"{len(timings)} completions, mean {sum(timings) / len(timings) * 1000:.1f} ms")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    print(out.getvalue())


if __name__ == "__main__":
    main()
