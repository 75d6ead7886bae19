from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView, TemplateView

from reference import selectors
from reference.models import Department, Measure, Qpv


class DepartmentListView(LoginRequiredMixin, ListView[Department]):
    template_name = "reference/department_list.html"
    context_object_name = "departments"
    extra_context = {"title": "Départements"}

    def get_queryset(self) -> Any:
        return selectors.department_list(user=self.request.user)


class DepartmentDetailView(LoginRequiredMixin, TemplateView):
    template_name = "reference/department_detail.html"

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


class MeasureListView(LoginRequiredMixin, TemplateView):
    template_name = "reference/measure_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        measures = list(selectors.measure_list())
        top_level = [m for m in measures if m.parent_id is None]
        summary = []
        for value, label in Measure.Level.choices:
            count = sum(1 for m in top_level if m.level == value)
            summary.append(
                {"label": label, "count": count, "percent": round(100 * count / len(top_level)) if top_level else 0}
            )
        return super().get_context_data(
            measures=measures,
            summary=summary,
            total=len(top_level),
            title="Les 40 mesures de la feuille de route",
            **kwargs,
        )
