"""Where the files of every case kind are kept: one private storage, outside the web root.

A renovation's documents, a case's note and message attachments, a party's signed page: no URL
is published, each download goes through a view that checks the user's right to the case, then
answers with ``private_download`` (one response for every kind's files).
"""

from __future__ import annotations

import mimetypes
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_storage() -> FileSystemStorage:
    """Under PRIVATE_MEDIA_ROOT, no URL published. A callable, so that migrations record the
    function and not this machine's path."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def private_name(folder: str, filename: str) -> str:
    """The stored name of an uploaded file under ``folder``: a random name keeping only the
    extension, never the user's name (path tricks, executable names); the original name is kept
    in a field of its own."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def private_download(file: FieldFile, *, name: str, content_type: str, fallback: str) -> FileResponse:
    """A private file streamed to a user whose right to the case was checked: always a download
    (``Content-Disposition: attachment``), under its original ``name`` when that ends with the
    type's extension (``fallback`` and the extension otherwise), never sniffed nor run by the
    browser (``nosniff``, a CSP allowing nothing)."""
    extension = mimetypes.guess_extension(content_type) or ""
    filename = name if name and name.endswith(extension) else f"{fallback}{extension}"
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
