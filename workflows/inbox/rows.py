"""A row of the inbox's table, as HTML (``templates/workflows/inbox.html`` prints it).

Fifty rows through the template language cost the list page a third of its rendering
(benchmarks/RESULTS.md, "workspace's speed"): each value here is escaped as the template
escaped it (``html.escape``, which Django's ``escape`` calls), without ``format_html``'s lazy-string
machinery, a tenth of the page's time in 50 rows. The markup is the DSFR table's: a selection box, the task and its
marks, then the columns the user chose (``listing.COLUMNS``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from workflows.cases.states import (
    RETURNED,
    SENT_BACK_MARK,
    badge_html,
    case_sent_back,
    html_escaped,
    task_badge_html,
)

# A case sent back to its preparers (``case_sent_back``, read from the case's row: no query a
# row): a draft sent back by the valideur and a new draft share their task's title.
_SENT_BACK = f"<br>{badge_html(SENT_BACK_MARK, RETURNED)}"


def _moment(value: Any) -> str:
    """Day, month, year, hours and minutes (« JJ/MM/AAAA HH:MM »), as the template's ``date:"d/m/Y H:i"``
    wrote it, in local time."""
    if value is None:
        return ""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d/%m/%Y %H:%M")


_e = html_escaped


@lru_cache(maxsize=1024)
def _node_title(node: Any, language: str | None) -> str:
    """A node's task title, escaped, per language: viewflow's ``Task.title`` translates the
    node's lazy title on every read, forty calls a row."""
    del language  # the key: the lazy title is translated in the active language
    return _e(node.task_title or gettext(str(node)))


def row_html(row: Any, *, shown: list[str], finished: bool) -> SafeString:
    """One ``<tr>``: ``finished`` for « Traités par moi » (its date is the task's end)."""
    task = row.task
    pk = int(task.pk)
    node = task.flow_task
    title = _node_title(node, get_language()) if node is not None else _e(task.title)
    case_title = _e(row.case_title)
    cells = [
        '<td class="fr-cell--fixed"><div class="fr-checkbox-group fr-checkbox-group--sm">'
        f'<input type="checkbox" id="tache-{pk}" name="tache" value="{pk}"><label class="fr-label" for="tache-{pk}">'
        f'<span class="fr-sr-only">Sélectionner « {title} » – {case_title}</span></label></div></td>'
    ]
    link = f'<a href="{_e(row.link)}">{title}</a>' if row.link else title
    if row.changed:
        mark = '<br><span class="fr-badge fr-badge--sm fr-badge--new">Modifié depuis votre visite</span>'
    elif row.followed:
        mark = '<br><span class="fr-badge fr-badge--sm fr-badge--no-icon">Suivi</span>'
    else:
        mark = ""
    if row.case is not None and row.kind is not None and case_sent_back(row.case, row.kind):
        mark += _SENT_BACK
    cells.append(f'<td class="fr-cell--multiline">{link}{mark}</td>')
    if "dossier" in shown:
        risk = row.risk
        flagged = (
            f'<br><span class="fr-badge fr-badge--sm fr-badge--{_e(risk.badge)}">{_e(risk.label)}</span>'
            if risk is not None and risk.flagged
            else ""
        )
        cells.append(
            '<td class="fr-cell--multiline"><span class="fr-text--xs fr-mb-0">'
            f"{_e(row.kind_label)}</span><br>{case_title}{flagged}</td>"
        )
    if "departement" in shown:
        department = row.department
        cells.append(f"<td>{_e(department.code)} – {_e(department.name)}</td>" if department else "<td></td>")
    if "date" in shown:
        cells.append(f"<td>{_e(_moment(task.finished if finished else task.created))}</td>")
    if "attribuee" in shown:
        cells.append(f'<td class="fr-cell--multiline">{_e(task.owner) if task.owner_id else "—"}</td>')
    if "etat" in shown:
        cells.append(f"<td>{_e(task_badge_html(task))}</td>")
    return mark_safe("<tr>" + "".join(cells) + "</tr>")  # noqa: S308 (each value escaped above)
