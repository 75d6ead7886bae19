"""Read-only API endpoints. Every queryset comes from the same selectors as the pages, so the
per-département scope is the one of ``accounts.selectors``."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, viewsets

from api import serializers
from reference import selectors as reference_selectors
from reference.models import Region
from workflows.steering import selectors as steering_selectors
from workflows.steering.permissions import can_view


class CanViewSteering(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_view(request.user)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Les régions (donnée de référence publique pour tout utilisateur authentifié)."""

    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    queryset = Region.objects.order_by("code")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Les départements du périmètre de l'utilisateur."""

    serializer_class = serializers.DepartmentSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return reference_selectors.department_list(user=self.request.user)


class CityContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Les contrats de ville des départements du périmètre de l'utilisateur."""

    serializer_class = serializers.CityContractSerializer

    def get_queryset(self) -> Any:
        return reference_selectors.city_contract_list(user=self.request.user)


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Les 40 mesures de la feuille de route (et leurs sous-mesures), avec leurs indicateurs."""

    serializer_class = serializers.MeasureSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+(\.[a-z])?"

    def get_queryset(self) -> Any:
        return reference_selectors.measure_list()


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Les réunions de pilotage du périmètre de l'utilisateur."""

    serializer_class = serializers.MeetingSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewSteering]

    def get_queryset(self) -> Any:
        return steering_selectors.meeting_list(user=self.request.user)
