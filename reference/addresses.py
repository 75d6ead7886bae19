"""The addresses of pages named on every row of a list (a case, its task, its decision screen).

``django.urls.reverse`` walks the resolver for each address, about a hundred Python calls; an
inbox page names three addresses per row for fifty rows (benchmarks/RESULTS.md). The pattern of
a view is the same whatever the ids, so it is reversed once per process with marker ids, and an
id is then written in the marker's place. Only integer ids take that path: any other argument
(a département code, a text) goes through ``reverse`` itself, which checks it against its
converter."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Digits only: every converter that accepts an integer (``int``, ``str``, ``slug``, ``path``)
# accepts them, and no real id is that long.
_MARK = "904718362519"


@lru_cache(maxsize=512)
def _pattern(viewname: str, arity: int, prefix: str, urlconf: str | None) -> tuple[str, ...] | None:
    """The address of ``viewname`` cut around its ``arity`` arguments, or ``None`` when a
    converter rewrites the marker (it then cannot be found in the address)."""
    marks = [f"{_MARK}{index}" for index in range(arity)]
    address = reverse(viewname, args=marks, urlconf=urlconf)
    parts: list[str] = []
    rest = address
    for mark in marks:
        before, found, rest = rest.partition(mark)
        if not found:
            return None
        parts.append(before)
    parts.append(rest)
    return tuple(parts)


def reverse_ids(viewname: str, *ids: int) -> str:
    """``reverse(viewname, args=ids)`` for integer ids, the same text."""
    urlconf = get_urlconf()
    if not all(type(value) is int and value >= 0 for value in ids) or not (urlconf is None or isinstance(urlconf, str)):
        return reverse(viewname, args=list(ids), urlconf=urlconf)
    parts = _pattern(viewname, len(ids), get_script_prefix(), urlconf)
    if parts is None:
        return reverse(viewname, args=list(ids), urlconf=urlconf)
    written = [parts[0]]
    for value, after in zip(ids, parts[1:], strict=True):
        written.append(str(value))
        written.append(after)
    return "".join(written)
