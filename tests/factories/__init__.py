from __future__ import annotations

from typing import Any

import factory
from faker import Faker

from accounts.models import User
from accounts.services import user_assign

fake = Faker("fr_FR")


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user holding a role in an organisation, through the service that grants its scope."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@{fake.domain_word()}.gouv.fr")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    password = factory.django.Password("mot-de-passe-de-test")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        role = kwargs.pop("role", None)
        organisation = kwargs.pop("organisation", None)
        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            user_assign(user=user, role=role, organisation=organisation)
        return user
