"""A row of the inbox's table, as HTML (``templates/workflows/inbox.html`` prints it).

Fifty rows through the template language cost the list page a third of its rendering
(benchmarks/RESULTS.md, "workspace's speed"): each cell here is one ``format_html``, escaped as
the template escaped it. The markup is the DSFR table's: a selection box, the task and its
marks, then the columns the user chose (``listing.COLUMNS``)."""

from __future__ import annotations

from typing import Any

from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from workflows.cases.states import task_badge_html


def _moment(value: Any) -> str:
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")


def row_html(row: Any, *, shown: list[str], finished: bool) -> SafeString:
    """One ``<tr>``: ``finished`` for « Traités par moi » (its date is the task's end)."""
    task = row.task
    cells = [
        format_html(
            '<td class="fr-cell--fixed"><div class="fr-checkbox-group fr-checkbox-group--sm">'
            '<input type="checkbox" id="tache-{}" name="tache" value="{}"><label class="fr-label" for="tache-{}">'
            '<span class="fr-sr-only">Sélectionner « {} » – {}</span></label></div></td>',
            task.pk,
            task.pk,
            task.pk,
            task.title,
            row.case_title,
        )
    ]
    title = format_html('<a href="{}">{}</a>', row.link, task.title) if row.link else format_html("{}", task.title)
    if row.changed:
        mark = mark_safe('<br><span class="fr-badge fr-badge--sm fr-badge--new">Modifié depuis votre visite</span>')
    elif row.followed:
        mark = mark_safe('<br><span class="fr-badge fr-badge--sm fr-badge--no-icon">Suivi</span>')
    else:
        mark = mark_safe("")
    cells.append(format_html('<td class="fr-cell--multiline">{}{}</td>', title, mark))
    if "dossier" in shown:
        risk = row.risk
        flagged = (
            format_html('<br><span class="fr-badge fr-badge--sm fr-badge--{}">{}</span>', risk.badge, risk.label)
            if risk is not None and risk.flagged
            else mark_safe("")
        )
        cells.append(
            format_html(
                '<td class="fr-cell--multiline"><span class="fr-text--xs fr-mb-0">{}</span><br>{}{}</td>',
                row.kind_label,
                row.case_title,
                flagged,
            )
        )
    if "departement" in shown:
        department = row.department
        cells.append(
            format_html("<td>{} – {}</td>", department.code, department.name) if department else mark_safe("<td></td>")
        )
    if "date" in shown:
        cells.append(format_html("<td>{}</td>", _moment(task.finished if finished else task.created)))
    if "attribuee" in shown:
        cells.append(format_html('<td class="fr-cell--multiline">{}</td>', task.owner if task.owner_id else "—"))
    if "etat" in shown:
        cells.append(format_html("<td>{}</td>", task_badge_html(task)))
    return format_html("<tr>{}</tr>", mark_safe("".join(cells)))  # noqa: S308 (each cell escaped above)
