"""Read-only representations. Field names stay those of the models (English code, French labels)."""

from __future__ import annotations

from rest_framework import serializers

from reference.models import CityContract, Department, Measure, MeasureIndicator, Region
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
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    epci = serializers.SlugRelatedField(slug_field="siren", read_only=True)

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
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True)
    indicators = MeasureIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = ["number", "parent", "position", "axis", "programme", "theme", "text", "level", "indicators"]


class MeetingSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
