from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import User
from reference import selectors
from reference.exports import Column, ExportMixin, department_label, export_format, export_response
from reference.forms import MeasureLevelForm
from reference.models import Department, Measure, Qpv
from reference.services.measures import MeasureError, measure_can_update, measure_level_update

# The measures page shows the latest changes; the full history of a measure is on its form.
HISTORY_LENGTH = 50


class DepartmentListView(LoginRequiredMixin, ExportMixin, ListView[Department]):
    template_name = "reference/department_list.html"
    context_object_name = "departments"
    extra_context = {"title": "Départements"}
    export_filename = "departements"
    export_columns = (
        Column("Code", lambda d: d.code),
        Column("Département", lambda d: d.name),
        Column("Région", lambda d: d.region.name),
        Column("Contrats de ville", lambda d: d.city_contract_count),
        Column("QPV 2015", lambda d: d.qpv_2015_count),
        Column("QPV 2024", lambda d: d.qpv_2024_count),
    )

    def get_queryset(self) -> Any:
        return selectors.department_list(user=self.request.user)


CITY_CONTRACT_COLUMNS = (
    Column("Code", lambda c: c.code),
    Column("Contrat de ville", lambda c: c.name),
    Column("Département", lambda c: department_label(c.department)),
    Column("Porteur", lambda c: c.get_carrier_type_display() + (f" – {c.epci.name}" if c.epci else "")),
    Column("Population des QPV", lambda c: c.qpv_population),
)


class DepartmentDetailView(LoginRequiredMixin, TemplateView):
    """The département page; ``?export=csv|xlsx`` exports its contrats de ville."""

    template_name = "reference/department_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fmt = export_format(request)
        if fmt:
            department = selectors.department_get(user=request.user, code=kwargs["code"])
            return export_response(
                fmt=fmt,
                filename=f"contrats-de-ville-{department.code}",
                columns=CITY_CONTRACT_COLUMNS,
                rows=selectors.city_contract_list(user=request.user, department=department),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        department = selectors.department_get(user=user, code=kwargs["code"])
        return super().get_context_data(
            department=department,
            title=f"{department.name} ({department.code})",
            city_contracts=selectors.city_contract_list(user=user, department=department),
            qpvs_2015=selectors.qpv_list(user=user, department=department, geography=Qpv.Geography.G2015),
            qpvs_2024=selectors.qpv_list(user=user, department=department, geography=Qpv.Geography.G2024),
            **kwargs,
        )


class CityContractDetailView(LoginRequiredMixin, TemplateView):
    template_name = "reference/city_contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        contract = selectors.city_contract_get(user=user, code=kwargs["code"], territory=kwargs["territory"])
        return super().get_context_data(
            contract=contract,
            title=f"Contrat de ville {contract.code} – {contract.name}",
            qpvs=selectors.city_contract_qpvs(user=user, contract=contract),
            **kwargs,
        )


MEASURE_COLUMNS = (
    Column("N°", lambda m: m.number),
    Column("Axe", lambda m: m.axis),
    Column("Programme", lambda m: m.programme),
    Column("Thématique", lambda m: m.theme),
    Column("Mesure", lambda m: m.text),
    Column("Niveau", lambda m: m.get_level_display()),
    Column("Indicateurs", lambda m: " ; ".join(i.label for i in m.indicators.all())),
)


class MeasureListView(LoginRequiredMixin, TemplateView):
    template_name = "reference/measure_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fmt = export_format(request)
        if fmt:
            return export_response(fmt=fmt, filename="mesures", columns=MEASURE_COLUMNS, rows=selectors.measure_list())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        summary, total = selectors.measure_summary()
        return super().get_context_data(
            measures=selectors.measure_list(),
            summary=summary,
            total=total,
            history=selectors.measure_level_history()[:HISTORY_LENGTH],
            can_update=measure_can_update(user=cast(User, self.request.user)),
            title="Les 40 mesures de la feuille de route",
            **kwargs,
        )


class MeasureLevelUpdateView(LoginRequiredMixin, FormView[MeasureLevelForm]):
    """The administrateur national updates one measure's level (403 for every other role)."""

    template_name = "reference/measure_level_form.html"
    form_class = MeasureLevelForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not measure_can_update(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def measure(self) -> Measure:
        return selectors.measure_get(number=self.kwargs["number"])

    def get_initial(self) -> dict[str, Any]:
        return {"level": self.measure.level}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        measure = self.measure
        return super().get_context_data(
            measure=measure,
            history=selectors.measure_level_history(measure=measure),
            title=f"Niveau d'avancement de la mesure {measure.number}",
            **kwargs,
        )

    def form_valid(self, form: MeasureLevelForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            measure_level_update(
                measure=self.measure,
                level=data["level"],
                changed_on=data["changed_on"],
                user=cast(User, self.request.user),
                comment=data["comment"],
            )
        except MeasureError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Le niveau d'avancement de la mesure est mis à jour.")
        return redirect("reference:measure_list")
