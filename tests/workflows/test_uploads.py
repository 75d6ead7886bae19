"""The one upload validator (workflows/uploads.py): polyglots, PDF active content, zip bombs,
the clamd hook against a fake clamd on loopback, and the real upload pages storing nothing on
refusal."""

from __future__ import annotations

import io
import logging
import os
import socketserver
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from reportlab.pdfgen import canvas

from accounts.models import User
from tests.clients import logged
from tests.workflows.renewal.helpers import PDF, fresh, open_task, renewal_in
from workflows import uploads
from workflows.models import Renewal, RenewalDocument, RenewalState
from workflows.renewal.services import document_check

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The EICAR test string, split so that this source file itself is not flagged by an antivirus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def check(name: str, content: bytes, kind: str = RenewalDocument.Kind.EVALUATION) -> str:
    return document_check(upload=SimpleUploadedFile(name, content), kind=kind)


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check(name, content)
    return " ".join(error.value.messages)


# --- builders ------------------------------------------------------------------------------------


def raw_pdf(*, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = (), comment: bytes = b"") -> bytes:
    """A one-page PDF with a correct xref (pypdf reads it even in strict mode).

    ``catalog`` and ``page`` are added to those dictionaries; ``objects`` become 4 0 obj, 5 0 obj…"""
    body = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *objects,
    ]
    out = b"%PDF-1.4\n" + (comment + b"\n" if comment else b"")
    offsets = []
    for number, content in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj %s endobj\n" % (number, content)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return out


def reportlab_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 770, "Protocole d'engagements renforcés et réciproques – Lille")
    page.showPage()
    page.save()
    return buffer.getvalue()


def docx(*, extra: dict[str, bytes] | None = None, first: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document built with zipfile (``first`` entries go right after the content types)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="ct"/>')
        for name, content in (first or {}).items():
            archive.writestr(name, content)
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="r"/>')
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Évaluation à mi-parcours'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zeros_docx(size: int) -> bytes:
    """A Word document whose body is ``size`` bytes of zeros, deflated (a zip bomb when large)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="ct"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gigabyte_docx() -> bytes:
    """The issue's probe: a 1 MB .docx that expands to 1 GiB."""
    content = zeros_docx(1024 * 1024 * 1024)
    assert len(content) < 1_100_000
    return content


# --- type, polyglots -----------------------------------------------------------------------------


def test_real_pdfs_are_accepted() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    written = io.BytesIO()
    writer.write(written)
    for content in (reportlab_pdf(), written.getvalue(), PDF, raw_pdf()):
        assert check("protocole.pdf", content) == "application/pdf"


@pytest.mark.parametrize(
    "content",
    [
        # The issue's probe: a PDF header, then a page a browser would render.
        b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n",
        # The same that also parses as a PDF: the payload is a PDF comment.
        raw_pdf(comment=b"%<!DOCTYPE html><SCRIPT>alert(1)</SCRIPT>"),
        raw_pdf(comment=b"%<svg/onload=alert(1)>"),
        raw_pdf(comment=b"% <iframe src=//evil.example>"),
    ],
)
def test_a_pdf_html_polyglot_is_refused(content: bytes) -> None:
    assert "code HTML ou un script" in refused("rapport.pdf", content)


def test_markup_past_the_sniffing_window_is_not_read_as_html() -> None:
    # Beyond the 1445 bytes a browser sniffs, a comment is just a comment (nothing to refuse).
    content = raw_pdf(comment=b"%" + b"x" * 1500 + b"<html>")
    assert check("rapport.pdf", content) == "application/pdf"


def test_an_office_file_carrying_html_in_its_first_bytes_is_refused() -> None:
    content = docx(first={"<html><script>alert(1)</script>.xml": b"x"})
    assert "code HTML ou un script" in refused("rapport.docx", content)


def test_a_file_that_only_starts_like_a_pdf_is_refused() -> None:
    message = refused("rapport.pdf", b"%PDF-1.7\n" + b"not really a pdf " * 100)
    assert "n'est pas un PDF lisible" in message and "xref" not in message


def test_magic_numbers_still_decide_the_type() -> None:
    assert "Seuls les fichiers PDF ou bureautiques" in refused("script.pdf", b"#!/bin/sh\nrm -rf /\n")
    assert "Seuls les fichiers PDF ou bureautiques" in refused("rapport.docx", reportlab_pdf())
    with pytest.raises(ValidationError, match="Le protocole signé doit être un fichier PDF"):
        check("protocole.docx", docx(), kind=RenewalDocument.Kind.SIGNED_PROTOCOL)


# --- PDF active content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (raw_pdf(catalog=b"/OpenAction 4 0 R", objects=(b"<< /S /JavaScript /JS (app.alert(1)) >>",)), "JavaScript"),
        # Names written with #xx escapes are decoded by pypdf before the check.
        (raw_pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), "JavaScript"),
        (
            raw_pdf(catalog=b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", objects=(b"<< /S /Nothing >>",)),
            "JavaScript",
        ),
        # Deep in the page tree: a link annotation whose action is a script.
        (
            raw_pdf(
                page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS 4 0 R >> >>]",
                objects=(b"(app.launchURL('x'))",),
            ),
            "JavaScript",
        ),
        (
            raw_pdf(
                catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", objects=(b"<< /Length 0 >> stream\n\nendstream",)
            ),
            "JavaScript",
        ),
        (raw_pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "lancerait un programme"),
    ],
)
def test_a_pdf_with_active_content_is_refused(content: bytes, expected: str) -> None:
    assert expected in refused("protocole.pdf", content)


def test_a_pdf_with_an_open_action_script_written_by_pypdf_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert('Bonjour');"))
    written = io.BytesIO()
    writer.write(written)
    assert "JavaScript" in refused("protocole.pdf", written.getvalue())


def test_a_pdf_with_an_embedded_file_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("programme.exe", b"MZ\x90\x00")
    written = io.BytesIO()
    writer.write(written)
    assert "fichiers joints" in refused("protocole.pdf", written.getvalue())


def test_a_harmless_open_action_is_accepted() -> None:
    # Opening at the first page is a destination, not a script.
    assert check("protocole.pdf", raw_pdf(catalog=b"/OpenAction [3 0 R /Fit]")) == "application/pdf"


# --- zip containers ------------------------------------------------------------------------------


def test_a_normal_docx_and_odt_are_accepted() -> None:
    assert check("evaluation.docx", docx()) == DOCX
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # stored, first
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    assert check("evaluation.odt", buffer.getvalue()) == "application/vnd.oasis.opendocument.text"


def test_the_gigabyte_docx_of_the_issue_is_refused(gigabyte_docx: bytes) -> None:
    assert "se décompresse en un volume anormal" in refused("evaluation.docx", gigabyte_docx)


def test_a_docx_over_the_uncompressed_total_is_refused() -> None:
    # 21 parts of 5 MB, each compressing about 85 times (under the ratio limit): the 105 MB
    # total is what is refused. Each megabyte is 12 KB of noise then zeros.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="ct"/>')
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(21):
            with archive.open(f"word/media/image{index}.bin", "w") as member:
                for _ in range(5):
                    member.write(os.urandom(12_000) + bytes(1024 * 1024 - 12_000))
    entries = zipfile.ZipFile(buffer).infolist()
    assert all(e.file_size < uploads.MAX_ZIP_RATIO * e.compress_size for e in entries)
    assert sum(e.file_size for e in entries) > uploads.MAX_ZIP_UNCOMPRESSED
    assert "plus de 100 Mo" in refused("evaluation.docx", buffer.getvalue())


def test_a_docx_over_the_compression_ratio_is_refused() -> None:
    content = zeros_docx(5 * 1024 * 1024)  # 5 MB only, but a ratio of about 1,000
    assert "taux de compression de plus de 100" in refused("evaluation.docx", content)


def test_a_docx_with_too_many_entries_is_refused() -> None:
    parts = {f"word/part{i}.xml": b"<x/>" for i in range(uploads.MAX_ZIP_ENTRIES)}
    assert "trop d'éléments" in refused("evaluation.docx", docx(extra=parts))
    fewer = {f"word/part{i}.xml": b"<x/>" for i in range(uploads.MAX_ZIP_ENTRIES - 10)}
    assert check("evaluation.docx", docx(extra=fewer)) == DOCX


def test_a_docx_whose_data_does_not_match_its_directory_is_refused() -> None:
    content = bytearray(docx(extra={"word/styles.xml": b"<w:styles>" + b"abc" * 50 + b"</w:styles>"}))
    index = bytes(content).index(b"word/styles.xml") + len(b"word/styles.xml") + 5
    content[index] ^= 0xFF  # one byte of the deflated data: its CRC no longer matches
    assert "endommagé" in refused("evaluation.docx", bytes(content))


# --- clamd ---------------------------------------------------------------------------------------


class _ClamdHandler(socketserver.StreamRequestHandler):
    """Speaks clamd's INSTREAM: answers FOUND for the EICAR string, OK otherwise."""

    def handle(self) -> None:
        server: FakeClamd = self.server  # type: ignore[assignment]
        if self.rfile.read(10) != b"zINSTREAM\0":
            self.wfile.write(b"UNKNOWN COMMAND\0")
            return
        received, chunks = b"", []
        while True:
            (size,) = struct.unpack(">I", self.rfile.read(4))
            if size == 0:
                break
            chunks.append(size)
            received += self.rfile.read(size)
        server.scans.append((received, chunks))
        if server.reply is not None:
            self.wfile.write(server.reply)
        elif EICAR in received:
            self.wfile.write(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.wfile.write(b"stream: OK\0")


class FakeClamd(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ClamdHandler)
        self.scans: list[tuple[bytes, list[int]]] = []
        self.reply: bytes | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class FakeUnixClamd(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), _ClamdHandler)
        self.scans: list[tuple[bytes, list[int]]] = []
        self.reply: bytes | None = None


@pytest.fixture
def clamd(settings: Any) -> Iterator[FakeClamd]:
    server = FakeClamd()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD_ADDRESS = server.address
    yield server
    server.shutdown()
    server.server_close()


def eicar_pdf() -> bytes:
    return raw_pdf(comment=b"%" + EICAR)


def test_clamd_sees_the_whole_file_in_length_prefixed_chunks(clamd: FakeClamd) -> None:
    content = raw_pdf(comment=b"%" + b"x" * (uploads.CLAMD_CHUNK + 10))
    assert check("protocole.pdf", content) == "application/pdf"
    [(received, chunks)] = clamd.scans
    assert received == content and chunks == [uploads.CLAMD_CHUNK, len(content) - uploads.CLAMD_CHUNK]


def test_clamd_finding_a_virus_refuses_the_file(clamd: FakeClamd, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="workflows.uploads"):
        message = refused("protocole.pdf", eicar_pdf())
    assert (
        message
        == "L'antivirus a détecté un logiciel malveillant dans ce fichier (Eicar-Test-Signature) : il est refusé."
    )
    assert "upload_antivirus_found signature=Eicar-Test-Signature" in caplog.text


def test_clamd_unreachable_refuses_the_file_and_logs(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    closed = FakeClamd()
    address = closed.address
    closed.server_close()  # nothing listens there any more
    settings.CLAMD_ADDRESS = address
    with caplog.at_level(logging.ERROR, logger="workflows.uploads"):
        message = refused("protocole.pdf", raw_pdf())
    assert message == uploads.ANTIVIRUS_UNAVAILABLE
    assert f"upload_antivirus_unreachable address={address}" in caplog.text


def test_clamd_answering_an_error_refuses_the_file(clamd: FakeClamd) -> None:
    clamd.reply = b"INSTREAM size limit exceeded. ERROR\0"
    assert refused("protocole.pdf", raw_pdf()) == uploads.ANTIVIRUS_UNAVAILABLE


def test_clamd_over_a_unix_socket(settings: Any, tmp_path: Path) -> None:
    server = FakeUnixClamd(tmp_path / "clamd.ctl")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CLAMD_ADDRESS = f"unix://{tmp_path / 'clamd.ctl'}"
    try:
        assert check("protocole.pdf", raw_pdf()) == "application/pdf"
        assert "antivirus" in refused("protocole.pdf", eicar_pdf())
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.scans) == 2


def test_no_clamd_address_means_no_scan(settings: Any) -> None:
    settings.CLAMD_ADDRESS = ""
    assert check("protocole.pdf", eicar_pdf()) == "application/pdf"


# --- through the real pages: French message, nothing stored --------------------------------------


def stored_files(renewal: Renewal) -> list[Path]:
    folder = Path(django_settings.PRIVATE_MEDIA_ROOT) / "renovations" / str(renewal.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_upload_page_stores_nothing_it_refuses(people: dict[str, User], gigabyte_docx: bytes) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    agent = logged(people["agent"])
    url = f"/renovations/{renewal.pk}/documents/"
    probes = {
        "polyglotte.pdf": (
            b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n",
            "code HTML ou un script",
        ),
        "bombe.docx": (gigabyte_docx, "se décompresse en un volume anormal"),
        "script.pdf": (raw_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "JavaScript"),
    }
    documents, files = RenewalDocument.objects.count(), stored_files(renewal)
    for name, (content, message) in probes.items():
        response = agent.post(url, {"kind": "evaluation", "file": SimpleUploadedFile(name, content)})
        body = response.content.decode()
        assert response.status_code == 400 and message in body, name
        assert "Dépôt refusé" in body and "Error" not in body and "pypdf" not in body
        assert RenewalDocument.objects.count() == documents and stored_files(renewal) == files, name
    assert (
        agent.post(url, {"kind": "evaluation", "file": SimpleUploadedFile("ok.pdf", reportlab_pdf())}).status_code
        == 302
    )
    assert RenewalDocument.objects.count() == documents + 1 and len(stored_files(renewal)) == len(files) + 1


def test_the_upload_page_fails_closed_when_clamd_is_down(people: dict[str, User], settings: Any) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    files = stored_files(renewal)
    closed = FakeClamd()
    settings.CLAMD_ADDRESS = closed.address
    closed.server_close()
    response = logged(people["agent"]).post(
        f"/renovations/{renewal.pk}/documents/", {"kind": "evaluation", "file": SimpleUploadedFile("ok.pdf", PDF)}
    )
    assert (
        response.status_code == 400 and "analyse antivirus est momentanément indisponible" in response.content.decode()
    )
    assert not renewal.documents.exists() and stored_files(renewal) == files


def test_the_signature_task_stores_nothing_it_refuses(people: dict[str, User]) -> None:
    renewal = renewal_in(
        RenewalState.SIGNATURE, agent=people["agent"], validator=people["validator"], referent=people["referent"]
    )
    task = open_task(renewal, "sign")
    documents, files = renewal.documents.count(), stored_files(renewal)
    response = logged(people["agent"]).post(
        f"/circuits/{task.process_id}/taches/{task.pk}/",
        {
            "signed_on": "2019-07-15",
            "signed_by": "Préfet et président de la MEL",
            "document": SimpleUploadedFile("protocole.pdf", raw_pdf(comment=b"%<html><script>x</script>")),
        },
    )
    assert response.status_code == 200 and "code HTML ou un script" in response.content.decode()
    assert fresh(renewal).state == RenewalState.SIGNATURE
    assert renewal.documents.count() == documents and stored_files(renewal) == files
