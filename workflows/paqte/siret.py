"""SIRET check with python-stdnum (length, Luhn key, La Poste exception), errors in French."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret


def siret_clean(value: str) -> str:
    """The 14 digits of a valid SIRET, or a ``ValidationError`` saying what is wrong, in French.

    La Poste's establishments (SIREN 356 000 000) do not follow the Luhn key: the sum of their
    digits is a multiple of 5. python-stdnum knows that exception.
    """
    raw = (value or "").strip()
    # InvalidLength and InvalidChecksum are subclasses of InvalidFormat: catch them first.
    try:
        return str(stdnum_siret.validate(raw))
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            "Le SIRET « %(value)s » doit comporter 14 chiffres.", code="siret_length", params={"value": raw}
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            "Le SIRET « %(value)s » ne doit contenir que des chiffres (14 chiffres).",
            code="siret_format",
            params={"value": raw},
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            "Le SIRET « %(value)s » n'est pas valide : sa clé de contrôle est fausse (vérifiez la saisie).",
            code="siret_checksum",
            params={"value": raw},
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError("Le SIRET « %(value)s » n'est pas valide.", code="siret", params={"value": raw}) from None


def siret_validator(value: str) -> None:
    siret_clean(value)
