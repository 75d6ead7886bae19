"""The one validator of uploaded documents: every file a user deposits goes through ``upload_check``.

Order of the checks, cheapest first; the first failure refuses the file with a French
``ValidationError`` and the caller stores nothing:

1. size (the caller's limit) and emptiness;
2. the extension must be one the caller accepts and the magic numbers must say the same type
   (``filetype``): neither the name nor the browser's content type is trusted;
3. no markup a browser would sniff as HTML, SVG or XML in the first 1445 bytes, whatever the
   type: that is the resource header the WHATWG MIME Sniffing standard reads (section
   "Reading the resource header"; older browsers read 1024 or 256), and the place a
   ``%PDF`` + HTML polyglot puts its page;
4. by type: a PDF must parse with ``pypdf`` and carry no active content (JavaScript, launch
   actions, embedded files, XFA, RichMedia); an OOXML/ODF file is a zip whose central
   directory must stay within ``MAX_ZIP_ENTRIES``, ``MAX_ZIP_UNCOMPRESSED`` and
   ``MAX_ZIP_RATIO``, then whose entries must decompress to what the directory announces;
   legacy OLE files (.doc, .xls, .ppt) keep the magic-number check only;
5. when ``settings.CLAMD_ADDRESS`` is set, a clamd ``INSTREAM`` scan, failing closed (a
   configured antivirus that does not answer refuses the file). See deploy/README.md.
"""

from __future__ import annotations

import logging
import re
import socket
import struct
import zipfile
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

import filetype  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

TYPE_MESSAGE = "Seuls les fichiers PDF ou bureautiques (Word, Excel, PowerPoint, OpenDocument) sont acceptés."

# What a case's documents and the attachments of its notes and messages may be: PDF and office
# files, 10 MB at most.
MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
OFFICE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}

# --- markup a browser would sniff ----------------------------------------------------------------

# WHATWG MIME Sniffing, "Identifying a resource with an unknown MIME type": the HTML patterns
# (<!DOCTYPE HTML, <HTML, <HEAD, <SCRIPT, <IFRAME, <H1, <DIV, <FONT, <TABLE, <A, <STYLE, <TITLE,
# <B, <BODY, <BR, <P, <!--) each followed by a tag-terminating byte, "<?xml" for XML, plus the
# elements that run script once rendered (svg, object, embed, img, meta, link, form, base,
# frame/frameset, math). The one- and two-letter tags (<a, <b, <p, <br, <h1) are left out: in
# the first kilobyte of a compressed binary they match by chance about once in a thousand files,
# and alone they carry no script. We search the whole window, not only its start, because older
# browsers and some proxies sniffed anywhere in it. 1445 bytes: the WHATWG resource header.
SNIFF_WINDOW = 1445
_TAGS = (
    "!doctype",
    "html",
    "head",
    "body",
    "script",
    "iframe",
    "frame",
    "frameset",
    "div",
    "font",
    "table",
    "style",
    "title",
    "svg",
    "object",
    "embed",
    "img",
    "meta",
    "link",
    "form",
    "base",
    "math",
)
_MARKUP = re.compile(rb"<(?:" + b"|".join(re.escape(tag.encode()) for tag in _TAGS) + rb")[\s/>]|<!--", re.IGNORECASE)
# "<?xml" only counts outside zip containers: an OOXML part may be stored uncompressed at the
# start of the archive, and a resource that starts with "PK" is never sniffed as XML.
_XML = re.compile(rb"<\?xml", re.IGNORECASE)

# --- PDF -----------------------------------------------------------------------------------------

# Objects reachable from the trailer we are willing to walk: a 100-page office export has a few
# thousand, a 10 MB scan a few hundred. Beyond this the file is refused rather than walked.
MAX_PDF_OBJECTS = 100_000
# Keys and name values that make a viewer run something or carry another file (PDF 32000-1:2008,
# 12.6.4 actions, 7.11.4 embedded files, 12.7.8 XFA; Adobe's RichMedia extension). Names are
# compared after pypdf has decoded their #xx escapes, so "/J#61vaScript" is still /JavaScript.
_PDF_SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
_PDF_SCRIPT_ACTIONS = {"/JavaScript"}
_PDF_LAUNCH_ACTIONS = {"/Launch"}
_PDF_EMBED_KEYS = {"/EmbeddedFiles", "/EF", "/RichMedia", "/RichMediaContent"}
_PDF_EMBED_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia"}
_PDF_EMBED_ACTIONS = {"/GoToE", "/Rendition"}

# --- zip containers (OOXML, ODF) ----------------------------------------------------------------

# Zip-bomb limits, read from the central directory before anything is decompressed.
# - 100 MB uncompressed in all: a 300-page Word report with images is about 30 MB once
#   unzipped; a 10 MB upload (the size limit) of ordinary office content stays far below.
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
# - 1,000 entries: a docx has 10 to 30, a spreadsheet one per sheet plus about 15, a
#   presentation with 100 slides and their media a few hundred.
MAX_ZIP_ENTRIES = 1_000
# - ratio 100 per entry, as Apache POI's ZipSecureFile (MIN_INFLATE_RATIO = 0.01): office XML
#   compresses 5 to 20 times, runs of zeros 1,000 times. Like POI, entries smaller than
#   ZIP_RATIO_GRACE are not held to it (a tiny, very regular XML part may exceed it harmlessly).
MAX_ZIP_RATIO = 100
ZIP_RATIO_GRACE = 100 * 1024
ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}

# --- antivirus (clamd INSTREAM) ------------------------------------------------------------------

CLAMD_TIMEOUT = 30  # seconds for connecting and for each reply; a 10 MB scan takes about one
CLAMD_CHUNK = 64 * 1024  # well below clamd's StreamMaxLength (25 MB by default)
ANTIVIRUS_UNAVAILABLE = (
    "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été enregistré. "
    "Réessayez dans quelques minutes ; si cela persiste, prévenez l'administrateur du site."
)


def upload_check(*, upload: UploadedFile, types: Mapping[str, str], max_size: int) -> str:
    """Refuse, in French, a file that is not what it claims or is unsafe to keep; returns its MIME type.

    ``types`` maps the accepted extensions to their MIME type; ``max_size`` is in bytes."""
    if upload.size is None or upload.size > max_size:
        raise ValidationError(
            "Le fichier dépasse la taille maximale de %(max)s Mo.", params={"max": max_size // 1024 // 1024}
        )
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.")
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    expected = types.get(extension)
    guessed = filetype.guess(head)
    # Magic numbers, not the name or the browser's content type, say what the file is.
    if expected is None or guessed is None or guessed.mime != expected:
        raise ValidationError(TYPE_MESSAGE)
    window = head[:SNIFF_WINDOW]
    if _MARKUP.search(window) or (expected not in ZIP_TYPES and _XML.search(window)):
        raise ValidationError(
            "Le fichier contient du code HTML ou un script au début : un navigateur pourrait l'exécuter. "
            "Enregistrez de nouveau le document depuis son logiciel d'origine."
        )
    try:
        if expected == "application/pdf":
            _pdf_check(upload)
        elif expected in ZIP_TYPES:
            _zip_check(upload)
    finally:
        upload.seek(0)
    antivirus_scan(upload)
    return expected


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_check(upload: IO[bytes]) -> None:
    # strict=False: pypdf then repairs the benign defects of real files (wrong xref offsets
    # written by scanners and office exports) that strict mode refuses. What makes a file safe
    # does not depend on it: the catalog and the page tree must still parse, and the active
    # content checks below run on the parsed objects, whatever the xref said.
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError("Le PDF est protégé par un mot de passe : déposez une version sans mot de passe.")
        if len(reader.pages) < 1:
            raise ValueError("no page")
        found = _pdf_active_content(reader)
    except ValidationError:
        raise
    except Exception as exc:  # a parser fed hostile input may raise anything; all mean "not a PDF"
        logger.info("upload_pdf_unreadable error=%r", exc)
        raise ValidationError(
            "Ce fichier n'est pas un PDF lisible (fichier endommagé ou déguisé en PDF). "
            "Enregistrez-le de nouveau au format PDF depuis son logiciel d'origine."
        ) from None
    if found == "script":
        raise ValidationError(
            "Le PDF contient du JavaScript ou un formulaire dynamique, refusés pour la sécurité des agents. "
            "Imprimez-le en PDF (« Imprimer » puis « Enregistrer au format PDF ») pour en retirer les scripts."
        )
    if found == "launch":
        raise ValidationError("Le PDF contient une commande qui lancerait un programme : il est refusé.")
    if found == "embed":
        raise ValidationError(
            "Le PDF contient des fichiers joints ou des contenus multimédias : déposez chaque pièce séparément."
        )


def _pdf_active_content(reader: PdfReader) -> str | None:
    """Walk every object reachable from the trailer; name the first kind of active content found."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, DictionaryObject):  # stream objects included (their dictionary)
            keys = set(item.keys())
            action = item.get("/S")
            kind = item.get("/Type"), item.get("/Subtype")
            if keys & _PDF_SCRIPT_KEYS or action in _PDF_SCRIPT_ACTIONS:
                return "script"
            if action in _PDF_LAUNCH_ACTIONS:
                return "launch"
            if keys & _PDF_EMBED_KEYS or action in _PDF_EMBED_ACTIONS or any(n in _PDF_EMBED_TYPES for n in kind):
                return "embed"
            stack.extend(item.raw_get(name) for name in keys)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


# --- zip containers ------------------------------------------------------------------------------


def _zip_check(upload: IO[bytes]) -> None:
    damaged = ValidationError(
        "Ce fichier bureautique est endommagé ou chiffré : enregistrez-le de nouveau depuis son logiciel d'origine."
    )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    with archive:
        entries = archive.infolist()  # the central directory: nothing is decompressed yet
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ValidationError(
                "Ce fichier bureautique contient trop d'éléments (plus de %(max)s) : il est refusé.",
                params={"max": f"{MAX_ZIP_ENTRIES:_}".replace("_", "\u202f")},
            )
        total = sum(entry.file_size for entry in entries)
        bomb = total > MAX_ZIP_UNCOMPRESSED or any(
            entry.file_size > ZIP_RATIO_GRACE and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1)
            for entry in entries
        )
        if bomb:
            raise ValidationError(
                "Ce fichier bureautique se décompresse en un volume anormal (plus de %(max)s Mo ou un taux de "
                "compression de plus de %(ratio)s) : il est refusé. Enregistrez-le de nouveau depuis son logiciel "
                "d'origine.",
                params={"max": MAX_ZIP_UNCOMPRESSED // 1024 // 1024, "ratio": MAX_ZIP_RATIO},
            )
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise damaged
        # The directory may lie about the sizes. zipfile never inflates past the announced size
        # and checks each entry's CRC at its end, so this pass is bounded by the limits above and
        # refuses an entry whose data does not match its announced size.
        try:
            for entry in entries:
                with archive.open(entry) as member:
                    while member.read(1024 * 1024):
                        pass
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise damaged from None


# --- antivirus -----------------------------------------------------------------------------------


def _clamd_connect(address: str) -> socket.socket:
    """``host:port`` or ``tcp://host:port`` for TCP, ``unix:///path`` or ``/path`` for clamd's socket."""
    if address.startswith("unix://") or address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CLAMD_TIMEOUT)
        try:
            sock.connect(address.removeprefix("unix://"))
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=CLAMD_TIMEOUT)


def clamd_instream(*, address: str, stream: IO[bytes]) -> str:
    """Send ``stream`` to clamd with INSTREAM; return its reply (``stream: OK``, ``stream: <name> FOUND``…).

    The protocol (clamd(8)): ``zINSTREAM\\0``, then chunks each prefixed with its length as a
    4-byte big-endian integer, then a zero-length chunk; the reply ends with a NUL byte."""
    with _clamd_connect(address) as sock:
        sock.sendall(b"zINSTREAM\0")
        while chunk := stream.read(CLAMD_CHUNK):
            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
        sock.sendall(struct.pack(">I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def antivirus_scan(upload: IO[bytes]) -> None:
    """Scan with clamd when ``CLAMD_ADDRESS`` is set; refuse a virus, and fail closed when clamd fails."""
    address = str(getattr(settings, "CLAMD_ADDRESS", "") or "")
    if not address:
        return
    upload.seek(0)
    try:
        reply = clamd_instream(address=address, stream=upload)
    except (OSError, ValueError) as exc:
        logger.error("upload_antivirus_unreachable address=%s error=%r", address, exc)
        raise ValidationError(ANTIVIRUS_UNAVAILABLE) from None
    finally:
        upload.seek(0)
    if reply.endswith("FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("upload_antivirus_found signature=%s", signature)
        raise ValidationError(
            "L'antivirus a détecté un logiciel malveillant dans ce fichier (%(signature)s) : il est refusé.",
            params={"signature": signature},
        )
    if reply != "stream: OK":
        logger.error("upload_antivirus_error reply=%s", reply[:200])
        raise ValidationError(ANTIVIRUS_UNAVAILABLE)
