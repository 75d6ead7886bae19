"""The five-page synthesis to the ministers (15 March 2019), its four parts complete."""

from __future__ import annotations

import factory

from reference.models import Department
from workflows.synthesis.models import Synthesis

TEXT = {
    "steps_taken": "Le préfet a réuni les maires et les présidents d'EPCI le 5 février.",
    "measures": "Les cités éducatives et les emplois francs sont déclinés dans les trois contrats.",
    "renovation_deadline": "Deux protocoles seront signés avant le 31 juillet 2019, le troisième en septembre.",
    "difficulties": "L'ingénierie manque dans les petites intercommunalités.",
}


class SynthesisFactory(factory.django.DjangoModelFactory[Synthesis]):
    class Meta:
        model = Synthesis

    class Params:
        department_code = "59"
        empty = factory.Trait(steps_taken="", measures="", renovation_deadline="", difficulties="")

    department = factory.LazyAttribute(lambda o: Department.objects.get(code=o.department_code))
    year = 2019
    steps_taken = TEXT["steps_taken"]
    measures = TEXT["measures"]
    renovation_deadline = TEXT["renovation_deadline"]
    difficulties = TEXT["difficulties"]
