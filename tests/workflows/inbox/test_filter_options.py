"""The inbox filters' options (``{% select_options %}``): each option escaped, the chosen one
marked, whether the options were written afresh or reused for the same list and choice."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.safestring import mark_safe

from workflows.templatetags.inbox import _options, select_options

DEPARTMENTS = [("59", "59 – Nord"), ("2A", "2A – Corse-du-Sud"), ("x\"'<>&", "À « échapper » & <b>")]


def test_the_chosen_option_is_marked_each_time() -> None:
    _options.cache_clear()
    first = select_options(DEPARTMENTS, "59")
    assert '<option value="59" selected>59 – Nord</option>' in first
    assert "&lt;b&gt;" in first and 'value="x&quot;&#x27;&lt;&gt;&amp;"' in first
    second = select_options(DEPARTMENTS, "2A")
    assert '<option value="2A" selected>' in second and '<option value="59">' in second
    assert select_options(DEPARTMENTS, None).count(" selected") == 0
    assert select_options(list(DEPARTMENTS), "59") == first  # reused: the same list and choice
    assert _options.cache_info().hits >= 1


def test_marked_labels_are_written_afresh_as_they_are() -> None:
    _options.cache_clear()
    html = select_options([(1, mark_safe("<i>déjà sûr</i>")), (2, "deux")], 2)
    assert "<i>déjà sûr</i>" in html and '<option value="2" selected>deux</option>' in html
    assert _options.cache_info().currsize == 0  # a safe string is never a key


def test_the_tag_writes_the_same_options_in_a_template() -> None:
    template = Template("{% load inbox %}<select>{% select_options choices chosen %}</select>")
    html = template.render(Context({"choices": DEPARTMENTS, "chosen": "2A"}))
    assert html == f"<select>{select_options(DEPARTMENTS, '2A')}</select>"
