"""Pages of the workflows app: inbox and queue, the renovation case, its task pages, the CGET
review queue, the per-département table, documents. Thin: reads through selectors, writes
through services; refusals and concurrent changes become French messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from django_fsm import ConcurrentTransition, TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from notifications.campaign import campaign_calendar
from reference import selectors as reference_selectors
from reference.exports import Column, department_label, export_format, export_response
from workflows.cases import states
from workflows.cases.history import timeline
from workflows.cases.note_services import case_visible_known
from workflows.cases.progress import case_return, next_steps
from workflows.cases.storage import private_download
from workflows.renewal import selectors, services
from workflows.renewal.forms import TASK_FORMS, CommitmentFormSet, DocumentForm, ReassignForm
from workflows.renewal.models import Renewal, RenewalDocument, RenewalState
from workflows.renewal.models.renewal import STEPS, may_work

logger = logging.getLogger(__name__)

# The database did not answer in time (the embedded SQLite busy past its timeout): nothing was
# written (the service's transaction rolled back), so the form comes back as typed.
BUSY_MESSAGE = (
    "La base de données est momentanément occupée : rien n'a été enregistré. "
    "Votre saisie est conservée ci-dessous ; renvoyez le formulaire dans un instant."
)
# The task forms that may be saved as a draft (long forms: nothing typed is lost).
DRAFT = "brouillon"
DRAFT_NODES = ("evaluate", "build_protocol")
CONCURRENT_MESSAGE = (
    "Le dossier a été modifié par quelqu'un d'autre pendant votre saisie : rien n'a été enregistré, "
    "votre saisie est conservée ci-dessous."
)


def _stepper(renewal: Renewal) -> dict[str, Any]:
    """The DSFR stepper true to the case: its step, and where the transitions a person may run
    from it lead (django-fsm-2's targets, the table's labels): forward, and a return if there is one."""
    number = renewal.step_number()
    labels = {str(step): str(RenewalState(step).label) for step in STEPS}
    if not number:
        return {"number": 0, "total": len(STEPS), "title": "Rénovation non lancée", "next": labels[STEPS[0]]}
    forward: list[tuple[str, str]] = []
    back: list[tuple[str, str]] = []
    for target, label in next_steps(renewal):
        if target not in labels:
            continue
        (forward if STEPS.index(RenewalState(target)) >= number else back).append((labels[target], label))
    return {
        "number": number,
        "total": len(STEPS),
        "title": labels[STEPS[number - 1]],
        "next": forward[0][0] if forward else "",
        "next_by": forward[0][1] if forward else "",
        "back": back,
    }


class RenewalDetailView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/renewal_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        renewal = selectors.renewal_get(user=user, pk=kwargs["pk"])
        case_visible_known(user=user, case=renewal)  # read through his scope just above
        # Read once for the page: its list, the checklist's domains and completeness and the
        # transitions' guards all read them (four queries of the same rows before).
        # The list of documents, and whether the evaluation's is there (checklist, guards).
        selectors.renewal_rows_read(renewal=renewal)
        tasks = selectors.renewal_open_tasks(renewal=renewal)
        days = renewal.days_to_deadline(selectors.today())
        return super().get_context_data(
            renewal=renewal,
            title=f"Rénovation du contrat de ville {renewal.city_contract.code}",
            stepper=_stepper(renewal),
            returned=case_return(renewal),
            timeline=timeline(renewal, user=user),
            documents=renewal.documents.all(),
            commitments=renewal.commitments.all(),
            tasks=[(task, services.task_allowed(user=user, task=task, renewal=renewal)) for task in tasks],  # type: ignore[arg-type]
            days=days,
            deadline_status=deadline_status(renewal, days),
            deadline=campaign_calendar().renewal_signature,
            can_work=may_work(renewal, user),
            # Whom one's task may be handed to, by name: the active users of one's service (the
            # kernel's task_reassign still checks that the colleague may do it).
            colleagues=User.objects.filter(is_active=True, organisation__members=user.pk)
            .exclude(pk=user.pk or 0)
            .order_by("last_name", "first_name", "email"),
            document_form=DocumentForm(),
            **kwargs,
        )


def _task_and_renewal(request: HttpRequest, task_pk: int, process_pk: int | None = None) -> tuple[Task, Renewal]:
    # Only a renovation task: a task of another flow or of another département is not found here.
    try:
        task = services.renewal_task_get(task_pk)
    except Task.DoesNotExist:
        raise Http404 from None
    if process_pk is not None and task.process_id != process_pk:
        raise Http404
    renewal = selectors.renewal_get(user=request.user, pk=task.process.artifact_object_id)
    return task, renewal


class RenewalTaskView(LoginRequiredMixin, View):
    """One page per human task: the form of the step; submitting it completes the task."""

    template_name = "workflows/renewal_task.html"

    def _render(
        self, request: HttpRequest, task: Task, renewal: Renewal, form: Any, formset: Any = None, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "title": f"{task.title} – {renewal.city_contract.code}",
                "task": task,
                "renewal": renewal,
                "form": form,
                "formset": formset,
                "stepper": _stepper(renewal),
                "returned": case_return(renewal),
                "draft_allowed": task.flow_task.name in DRAFT_NODES,
                # A refused post on a task completed meanwhile keeps its form, the French message
                # and what was typed; the bare « terminée » is for reading the page.
                "done": task.status not in (STATUS.NEW, STATUS.ASSIGNED) and not form.errors,
            },
            status=status,
        )

    def _forms(self, request: HttpRequest, task: Task, renewal: Renewal, bound: bool) -> tuple[Any, Any]:
        form_class = TASK_FORMS[task.flow_task.name]
        kwargs: dict[str, Any] = {"data": request.POST, "files": request.FILES} if bound else {}
        # « Enregistrer le brouillon » (evaluation, protocol): nothing required, domain checks kept.
        kwargs["draft"] = bound and DRAFT in request.POST and task.flow_task.name in DRAFT_NODES
        if hasattr(form_class, "_meta"):
            kwargs["instance"] = renewal
        form = form_class(**kwargs)
        formset = None
        if task.flow_task.name == "build_protocol":
            formset = CommitmentFormSet(request.POST if bound else None, instance=renewal, prefix="engagements")
        return form, formset

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        task, renewal = _task_and_renewal(request, kwargs["task_pk"], kwargs["process_pk"])
        if not services.task_page_allowed(user=request.user, task=task, renewal=renewal):
            raise PermissionDenied
        self.task, self.renewal = task, renewal
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # The page only reads: its commitments once for the checklist, the decision's summary and
        # the guards, as the renovation's page does (a POST may change them, so never there), and
        # the case already read through the user's scope (``_task_and_renewal``).
        selectors.renewal_rows_read(renewal=self.renewal, documents=False)
        case_visible_known(user=request.user, case=self.renewal)
        form, formset = self._forms(request, self.task, self.renewal, bound=False)
        return self._render(request, self.task, self.renewal, form, formset)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        task, renewal = self.task, self.renewal
        form, formset = self._forms(request, task, renewal, bound=True)
        valid = form.is_valid() and (formset is None or formset.is_valid())
        if not valid:
            return self._render(request, task, renewal, form, formset)
        data = form.cleaned_data
        model_fields = getattr(getattr(form, "_meta", None), "fields", None) or []
        fields = {name: data[name] for name in model_fields}
        uploads = [(kind, data[name]) for name, kind in getattr(form, "uploads", {}).items() if data.get(name)]
        # The step the page showed: another one now means someone moved the case meanwhile.
        seen_state = request.POST.get("seen_state") or None
        try:
            if form.draft:
                services.renewal_task_draft_save(
                    task_pk=task.pk,
                    user=request.user,  # type: ignore[arg-type]
                    fields=fields,
                    uploads=uploads,
                    commitments=formset,
                    seen_state=seen_state,
                )
            else:
                services.renewal_task_complete(
                    task_pk=task.pk,
                    user=request.user,  # type: ignore[arg-type]
                    transition=data.get("decision"),
                    comment=data.get("comment", ""),
                    fields=fields,
                    uploads=uploads,
                    commitments=formset,
                    seen_state=seen_state,
                )
        except services.RenewalRefused as refused:  # every refusal at once
            for reason in refused.reasons:
                form.add_error(None, reason)
            return self._render(request, task, renewal, form, formset)
        except ValidationError as invalid:
            form.add_error(None, invalid)
            return self._render(request, task, renewal, form, formset)
        except services.TaskUnavailable as gone:
            form.add_error(None, f"{gone} Votre saisie est conservée ci-dessous.")
            return self._render(request, task, renewal, form, formset)
        except (ConcurrentTransition, TransitionNotAllowed):
            form.add_error(None, CONCURRENT_MESSAGE)
            return self._render(request, task, renewal, form, formset)
        except OperationalError:
            logger.warning("renewal_task_database_busy task=%s", task.pk)
            form.add_error(None, BUSY_MESSAGE)
            return self._render(request, task, renewal, form, formset, status=503)
        if form.draft:
            messages.success(request, "Le brouillon est enregistré : la tâche reste à terminer.")
            return redirect("workflows:renewal_task", process_pk=task.process_id, task_pk=task.pk)
        messages.success(request, f"« {task.title} » est terminée.")
        return redirect("workflows:renewal_detail", pk=renewal.pk)


class _TaskActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def act(self, request: HttpRequest, task: Task) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        task, renewal = _task_and_renewal(request, task_pk)
        try:
            message = self.act(request, task)
        except services.TaskUnavailable as gone:
            messages.error(request, str(gone))
        else:
            messages.success(request, message)
        return redirect("workflows:renewal_detail", pk=renewal.pk)


class TaskAssignView(_TaskActionView):
    def act(self, request: HttpRequest, task: Task) -> str:
        services.renewal_task_assign(task_pk=task.pk, user=request.user)  # type: ignore[arg-type]
        return f"Vous avez pris la tâche « {task.title} »."


class TaskUnassignView(_TaskActionView):
    def act(self, request: HttpRequest, task: Task) -> str:
        services.renewal_task_unassign(task_pk=task.pk, user=request.user)  # type: ignore[arg-type]
        return f"La tâche « {task.title} » est remise dans la file du département."


class TaskReassignView(_TaskActionView):
    def act(self, request: HttpRequest, task: Task) -> str:
        form = ReassignForm(request.POST)
        form.fields["to"].choices = [(u.pk, str(u)) for u in User.objects.filter(pk=request.POST.get("to") or 0)]  # type: ignore[attr-defined]
        if not form.is_valid():
            raise services.TaskUnavailable("Choisissez un collègue.")
        colleague = User.objects.get(pk=form.cleaned_data["to"])
        services.renewal_task_reassign(task_pk=task.pk, user=request.user, to=colleague)  # type: ignore[arg-type]
        return f"La tâche « {task.title} » est confiée à {colleague}."


class RenewalLaunchView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str, territory: str) -> HttpResponse:
        contract = reference_selectors.city_contract_get(user=request.user, code=code, territory=territory)
        probe = Renewal(city_contract=contract, department_id=contract.department_id)
        if not (request.user.has_perm("workflows.launch_all_renewals") or may_work(probe, request.user)):
            raise PermissionDenied
        renewal, launched = services.renewal_launch(city_contract=contract, user=request.user)  # type: ignore[arg-type]
        if launched:
            messages.success(
                request, "La rénovation est lancée : l'évaluation à mi-parcours est dans la file du département."
            )
        else:
            messages.info(request, "La rénovation de ce contrat était déjà lancée.")
        return redirect("workflows:renewal_detail", pk=renewal.pk)


class CommitmentsView(LoginRequiredMixin, View):
    """The commitments of the protocol, editable as a formset while in negotiation."""

    template_name = "workflows/renewal_commitments.html"

    def _render(self, request: HttpRequest, renewal: Renewal, formset: Any) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"renewal": renewal, "formset": formset, "title": f"Engagements – {renewal.city_contract.code}"},
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.renewal = selectors.renewal_get(user=request.user, pk=kwargs["pk"])
        if not may_work(self.renewal, request.user):
            raise PermissionDenied
        # A protocol sent on while the page was open: the post is refused with what was typed.
        if self.renewal.state != RenewalState.NEGOTIATION and request.method != "POST":
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.renewal, CommitmentFormSet(instance=self.renewal, prefix="engagements"))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        formset = CommitmentFormSet(request.POST, instance=self.renewal, prefix="engagements")
        if not formset.is_valid():
            return self._render(request, self.renewal, formset)
        try:
            services.renewal_commitments_save(renewal=self.renewal, user=request.user, formset=formset)  # type: ignore[arg-type]
        except services.RenewalRefused as refused:  # the protocol was sent on meanwhile: kept as typed
            messages.error(request, f"{' '.join(refused.reasons)} Votre saisie est conservée ci-dessous.")
            return self._render(request, self.renewal, formset)
        except OperationalError:
            messages.error(request, BUSY_MESSAGE)
            return self._render(request, self.renewal, formset)
        messages.success(request, "Les engagements sont enregistrés.")
        return redirect("workflows:renewal_detail", pk=self.renewal.pk)


class DocumentUploadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        renewal = selectors.renewal_get(user=request.user, pk=pk)
        if not may_work(renewal, request.user):
            raise PermissionDenied
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.renewal_document_add(
                    renewal=renewal,
                    user=request.user,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as invalid:
                form.add_error("file", invalid)
        if form.errors:
            return render(
                request,
                "workflows/renewal_document_error.html",
                {"renewal": renewal, "document_form": form, "title": "Dépôt refusé"},
                status=400,
            )
        messages.success(request, "Le document est déposé.")
        return redirect("workflows:renewal_detail", pk=renewal.pk)


class DocumentDownloadView(LoginRequiredMixin, View):
    """Documents are never served by the web server: scope checked here, then streamed."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        document = get_object_or_404(
            RenewalDocument.objects.filter(renewal__in=selectors.renewal_list(user=request.user)), pk=pk
        )
        return private_download(
            document.file, name=document.original_name, content_type=document.content_type, fallback="document"
        )


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a renovation stands against the campaign's signature date: the word of the export's
    « Statut » column and the tone of the badge the pages show beside the date (the DSFR tones of
    ``workflows.cases.states``: done, late, waiting)."""

    label: str
    tone: states.Tone


def deadline_status(renewal: Renewal | None, days: int) -> DeadlineStatus:
    """The status of a renovation ``days`` before its signature date (negative: late; a signed
    one counts at its signature), for the per-département page and its export alike."""
    if renewal is not None and renewal.state == RenewalState.SIGNED:
        if days >= 0:
            return DeadlineStatus("signée dans les temps", states.DONE)
        return DeadlineStatus("signée en retard", states.RETURNED)
    return DeadlineStatus("dans les temps", states.WAITING) if days >= 0 else DeadlineStatus("en retard", states.LATE)


RenewalRow = tuple[Any, Renewal | None, int, DeadlineStatus]


def _renewal_table_columns(department: Any) -> tuple[Column, ...]:
    deadline = campaign_calendar().renewal_signature
    return (
        Column("Contrat", lambda row: str(row[0])),
        Column("Département", lambda row: department_label(department)),
        Column("Étape", lambda row: row[1].get_state_display() if row[1] else "Non commencée"),
        Column("Date limite de signature", lambda row: deadline),
        Column("Signée le", lambda row: row[1].signed_on if row[1] else None),
        Column("Statut", lambda row: row[3].label),
        Column("Jours de retard", lambda row: max(-row[2], 0)),
    )


class DepartmentRenewalsView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/department_renewals.html"

    def _rows(self, department: Any) -> list[RenewalRow]:
        today = selectors.today()
        deadline = campaign_calendar().renewal_signature
        rows = []
        for contract in selectors.department_renewals(user=self.request.user, department=department):
            renewal = getattr(contract, "renewal", None)
            days = renewal.days_to_deadline(today, deadline) if renewal else (deadline - today).days
            rows.append((contract, renewal, days, deadline_status(renewal, days)))
        return rows

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fmt = export_format(request)
        if fmt:
            department = reference_selectors.department_get(user=request.user, code=kwargs["code"])
            return export_response(
                fmt=fmt,
                filename=f"renovations-{department.code}",
                columns=_renewal_table_columns(department),
                rows=self._rows(department),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        department = reference_selectors.department_get(user=user, code=kwargs["code"])
        rows = self._rows(department)
        return super().get_context_data(
            department=department,
            rows=rows,
            title=f"Rénovation des contrats de ville – {department.name}",
            deadline=campaign_calendar().renewal_signature,
            can_launch=user.has_perm("workflows.work_renewal") or user.has_perm("workflows.launch_all_renewals"),
            **kwargs,
        )


def renewal_task_url(task: Task) -> str:
    return reverse("workflows:renewal_task", args=[task.process_id, task.pk])
