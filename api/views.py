"""API endpoints (read-only except the recording of a commitment follow-up). Every queryset
comes from the same selectors as the pages, so the per-département scope is the one of ``accounts.selectors``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from api import serializers
from notifications import selectors as notification_selectors
from reference import selectors as reference_selectors
from reference.models import Region
from workflows.renewal import selectors as workflow_selectors
from workflows.renewal.followup import selectors as followup_selectors
from workflows.renewal.followup import services as followup_services
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


# --- deadlines, renovation cases and the recording of commitment follow-ups -----------


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Les échéances (campagne active) du périmètre de l'utilisateur, respectées ou non, par date.
    Les échéances nationales (sans département) ne sont visibles que des rôles nationaux."""

    serializer_class = serializers.DeadlineSerializer

    def get_queryset(self) -> Any:
        return notification_selectors.deadline_list(user=self.request.user, include_met=True)


class RenewalViewSet(viewsets.ReadOnlyModelViewSet):
    """Les dossiers de rénovation des contrats de ville du périmètre, avec les engagements du protocole."""

    serializer_class = serializers.RenewalSerializer

    def get_queryset(self) -> Any:
        return (
            workflow_selectors.renewal_list(user=self.request.user)
            .prefetch_related("commitments")
            .order_by("city_contract__department_code", "city_contract__code", "id")
        )


class CanRecordFollowUp(permissions.BasePermission):
    """Reading follows the scope; writing is for the agent of the case's département (403 otherwise)."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return followup_services.may_record(follow_up=obj, user=request.user)


class FollowUpWriteThrottle(UserRateThrottle):
    scope = "suivi"
    rate = "120/min"


class FollowUpViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Les suivis des engagements des protocoles signés du périmètre. L'agent de préfecture du
    département renseigne la valeur de l'indicateur et un commentaire (``PUT``, ``PATCH`` ou
    ``POST …/releve/``) : le suivi est alors respecté et ses relances s'arrêtent."""

    serializer_class = serializers.FollowUpSerializer
    permission_classes = [permissions.IsAuthenticated, CanRecordFollowUp]

    def get_queryset(self) -> Any:
        return followup_selectors.follow_up_list(user=self.request.user)

    def get_throttles(self) -> list[Any]:
        if self.request.method in permissions.SAFE_METHODS:
            return super().get_throttles()
        return [FollowUpWriteThrottle()]

    def perform_update(self, serializer: Any) -> None:
        instance = serializer.instance
        data = serializer.validated_data
        serializer.instance = followup_services.follow_up_record(
            follow_up=instance,
            user=self.request.user,
            value=data.get("value", instance.value),
            comment=data.get("comment", instance.comment),
        )

    @extend_schema(request=serializers.FollowUpSerializer, responses=serializers.FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="releve")
    def record(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
        """Renseigner le suivi (valeur obligatoire, commentaire facultatif) : équivaut à ``PUT``."""
        # **kwargs: the router's format-suffix route (…/releve.json/) passes ``format`` (a 500
        # before, found by tests/security/test_url_enumeration.py).
        return self.update(request, pk=pk)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([permissions.AllowAny])
@authentication_classes([])
def not_found(request: Any, path: str = "") -> Response:
    """Any other address under /api/: the same French 404 as every API error."""
    raise NotFound()
