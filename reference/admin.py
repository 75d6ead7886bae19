from django.contrib import admin

from guardian.admin import GuardedModelAdmin

from reference.models import CityContract, Department, Epci, Measure, MeasureIndicator, Qpv, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdmin):
    """Object permissions (who works on which département) are managed from each row."""

    list_display = ("code", "name", "region")
    list_select_related = ("region",)
    list_filter = ("region",)
    search_fields = ("code", "name")


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin[Epci]):
    list_display = ("siren", "name", "nature", "seat_department")
    list_select_related = ("seat_department",)
    list_filter = ("nature",)
    search_fields = ("siren", "name")


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin[Qpv]):
    list_display = ("code", "name", "geography", "department")
    list_select_related = ("department",)
    list_filter = ("geography",)
    search_fields = ("code", "name", "commune_names")


@admin.register(CityContract)
class CityContractAdmin(admin.ModelAdmin[CityContract]):
    list_display = ("code", "name", "department_code", "carrier_type", "qpv_population")
    list_filter = ("carrier_type",)
    search_fields = ("code", "name")
    list_select_related = ("department",)


class MeasureIndicatorInline(admin.TabularInline[MeasureIndicator, Measure]):
    model = MeasureIndicator
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin[Measure]):
    list_display = ("number", "text", "level", "axis")
    list_filter = ("level", "axis")
    search_fields = ("number", "text")
    inlines = [MeasureIndicatorInline]
    # The level changes only through measure_level_update, which writes the dated history.
    readonly_fields = ("level",)
