"""``reverse_ids`` writes the same addresses as ``django.urls.reverse``."""

from __future__ import annotations

from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

import pytest

from reference.addresses import reverse_ids

# Every view named on a list's rows, with its number of integer ids.
ROW_VIEWS = [
    ("paqte:convention_detail", 1),
    ("paqte:charter_detail", 1),
    ("paqte:report_detail", 1),
    ("steering:meeting_detail", 1),
    ("workflows:renewal_detail", 1),
    ("workflows:renewal_task", 2),
    ("inbox:decision", 1),
]


@pytest.mark.parametrize(("viewname", "arity"), ROW_VIEWS)
def test_the_addresses_are_those_reverse_writes(viewname: str, arity: int) -> None:
    for first in (0, 1, 7, 42, 904718362519, 10**12 + 3):
        ids = [first + index * 13 for index in range(arity)]
        assert reverse_ids(viewname, *ids) == reverse(viewname, args=ids)


def test_a_script_prefix_is_written_as_reverse_writes_it() -> None:
    plain = reverse_ids("workflows:renewal_detail", 5)
    set_script_prefix("/quartiers/")
    try:
        assert reverse_ids("workflows:renewal_detail", 5) == reverse("workflows:renewal_detail", args=[5])
        assert reverse_ids("workflows:renewal_detail", 5) == "/quartiers" + plain
    finally:
        clear_script_prefix()
    assert reverse_ids("workflows:renewal_detail", 5) == plain


def test_what_is_not_an_id_goes_through_reverse_and_its_checks() -> None:
    with pytest.raises(NoReverseMatch):
        reverse_ids("workflows:renewal_detail", -1)
    with pytest.raises(NoReverseMatch):
        reverse_ids("workflows:renewal_detail", "1/../admin")  # type: ignore[arg-type]
    with pytest.raises(NoReverseMatch):
        reverse_ids("workflows:renewal_detail")
    with pytest.raises(NoReverseMatch):  # as reverse refuses a boolean
        reverse_ids("workflows:renewal_detail", True)
    with pytest.raises(NoReverseMatch):
        reverse_ids("no-such-view", 1)
