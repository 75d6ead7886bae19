"""Documents of a renovation, stored under PRIVATE_MEDIA_ROOT and served by a checked view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.cases.storage import private_name, private_storage


def _upload_to(instance: RenewalDocument, filename: str) -> str:
    return private_name(f"renovations/{instance.renewal_id}", filename)


class RenewalDocument(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Document d'évaluation à mi-parcours")
        PROTOCOL = "protocol", _("Projet de protocole")
        SIGNED_PROTOCOL = "signed_protocol", _("Protocole signé (PDF)")
        OTHER = "other", _("Autre pièce")

    renewal = models.ForeignKey("workflows.Renewal", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("fichier"),
        upload_to=_upload_to,
        storage=private_storage,
        max_length=200,
    )
    original_name = models.CharField(_("nom d'origine"), max_length=200)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["renewal", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
