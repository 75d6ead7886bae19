"""Read-only representations. Field names stay those of the models (English code, French labels)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError

from rest_framework import serializers

from notifications.models import Deadline
from reference.models import CityContract, Department, Measure, MeasureIndicator, Region
from workflows.models import Commitment, Renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.selectors import is_late
from workflows.renewal.followup.services import follow_up_value_clean
from workflows.renewal.selectors import today
from workflows.steering.models import Meeting


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "region", "prefecture_commune_code"]


class CityContractSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    epci = serializers.SlugRelatedField(slug_field="siren", read_only=True, allow_null=True)

    class Meta:
        model = CityContract
        fields = [
            "id",
            "code",
            "department_code",
            "department",
            "name",
            "carrier_code",
            "carrier_type",
            "qpv_population",
            "epci",
            "perimeter_commune_count",
        ]


class MeasureIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureIndicator
        fields = ["position", "label"]


class MeasureSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    indicators = MeasureIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = ["number", "parent", "position", "axis", "programme", "theme", "text", "level", "indicators"]


class MeetingSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    invitees = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "department",
            "region",
            "city_contract",
            "year",
            "semester",
            "state",
            "date",
            "invitees",
            "minutes",
        ]


# --- deadlines, renovation cases and the follow-up of commitments ---------------------


class DeadlineSerializer(serializers.ModelSerializer):
    definition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    is_met = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "definition", "department", "occurrence", "title", "due_on", "met_at", "is_met", "link_path"]


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = [
            "id",
            "party",
            "party_name",
            "domain",
            "other_domain",
            "text",
            "indicator",
            "unit",
            "target_value",
            "target_year",
            "frequency",
        ]


class RenewalSerializer(serializers.ModelSerializer):
    city_contract = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Renewal
        fields = ["id", "city_contract", "department", "state", "signed_on", "commitments"]


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up; only ``value`` and ``comment`` are written (POST/PUT/PATCH)."""

    commitment = CommitmentSerializer(read_only=True)
    renewal = serializers.IntegerField(source="commitment.renewal_id", read_only=True)
    city_contract = serializers.CharField(source="commitment.renewal.city_contract.code", read_only=True)
    department = serializers.CharField(source="commitment.renewal.department.code", read_only=True, allow_null=True)
    value = serializers.CharField(
        max_length=100,
        help_text="Valeur de l'indicateur, vérifiée selon l'unité de l'engagement (nombre entier, décimal, "
        "pourcentage de 0 à 100, euros à deux décimales ; texte libre sans unité).",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    is_recorded = serializers.BooleanField(read_only=True)
    is_late = serializers.SerializerMethodField(help_text="Échéance passée sans valeur renseignée.")

    class Meta:
        model = CommitmentFollowUp
        fields = [
            "id",
            "renewal",
            "city_contract",
            "department",
            "commitment",
            "due_on",
            "value",
            "comment",
            "is_recorded",
            "is_late",
            "recorded_at",
        ]
        read_only_fields = ["due_on", "recorded_at"]

    def get_is_late(self, follow_up: CommitmentFollowUp) -> bool:
        return is_late(follow_up, today())

    def validate_value(self, value: str) -> str:
        instance = self.instance
        if not isinstance(instance, CommitmentFollowUp):
            return value
        try:
            return follow_up_value_clean(commitment=instance.commitment, value=value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=getattr(error, "code", None) or "invalid") from None
