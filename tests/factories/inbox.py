"""What an agent keeps in the workspace: followed cases, notes and messages of cases."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

import factory

from workflows.cases.notes import Message, Note
from workflows.inbox.models import Follow


class FollowFactory(factory.django.DjangoModelFactory[Follow]):
    """``FollowFactory.create(user=agent, case=renewal)``: the user follows that case of any kind."""

    class Meta:
        model = Follow
        exclude = ("case",)

    case: Any = None
    case_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.case))
    case_id = factory.LazyAttribute(lambda o: o.case.pk)


class _ExchangeFactory(factory.django.DjangoModelFactory[Any]):
    """``NoteFactory.create(author=agent, case=renewal, text=…)``: a note or message on any case."""

    class Meta:
        abstract = True
        exclude = ("case",)

    case: Any = None
    case_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.case))
    case_id = factory.LazyAttribute(lambda o: o.case.pk)
    text = factory.Faker("paragraph", locale="fr_FR")


class NoteFactory(_ExchangeFactory):
    class Meta:
        model = Note


class MessageFactory(_ExchangeFactory):
    class Meta:
        model = Message

    from_cget = factory.LazyAttribute(lambda o: bool(o.author.is_national))
