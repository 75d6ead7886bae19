"""Notes and messages of a case, for every case kind (one model each, linked to the case through
its content type and id, as ``Follow`` and ``Notice`` are; the registry resolves the kind):

- ``Note``: the prefecture team's own notes on a case, never shown to the CGET (démarches-
  simplifiées' « annotations privées », ``app/models/champ.rb`` ``private``);
- ``Message``: the thread between the prefecture and the CGET (DS's ``Commentaire``, the
  « messagerie » of a dossier). A CGET return's reason is not copied here: the thread reads it
  from the history row the return wrote (``note_services.thread_of``).

Each may carry one attachment, checked by the one upload validator (``workflows/uploads.py``)
before anything is stored, kept under PRIVATE_MEDIA_ROOT and served by a checked view.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.cases.storage import private_name, private_storage

MAX_TEXT = 5000


def _upload_to(instance: Any, filename: str) -> str:
    return private_name(f"echanges/{instance.case_type_id}/{instance.case_id}", filename)


class CaseExchange(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    text = models.TextField(_("texte"), max_length=MAX_TEXT)
    attachment = models.FileField(
        _("pièce jointe"), upload_to=_upload_to, storage=private_storage, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("nom d'origine"), max_length=200, blank=True)
    attachment_type = models.CharField(_("type de contenu"), max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(_("taille (octets)"), default=0)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Note(CaseExchange):
    class Meta(CaseExchange.Meta):
        app_label = "workflows"
        verbose_name = _("note interne de la préfecture")
        verbose_name_plural = _("notes internes de la préfecture")
        indexes = [models.Index(fields=["case_type", "case_id", "at"], name="note_case_idx")]


class Message(CaseExchange):
    from_cget = models.BooleanField(_("envoyé par le CGET"), default=False)

    class Meta(CaseExchange.Meta):
        app_label = "workflows"
        verbose_name = _("message préfecture – CGET")
        verbose_name_plural = _("messages préfecture – CGET")
        indexes = [models.Index(fields=["case_type", "case_id", "at"], name="message_case_idx")]
