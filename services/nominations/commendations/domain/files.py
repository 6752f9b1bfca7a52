"""What a file really is, from its first bytes: only documents of the allow-list are kept, and
the type comes from the content, never from the client's word."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", (".pdf",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
DOC = FileType("application/msword", (".doc",))
XLS = FileType("application/vnd.ms-excel", (".xls",))
ALLOWED: tuple[FileType, ...] = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, DOC, XLS)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(ValueError):
    pass


def _zip_type(content: bytes, extension: str) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return next((t for t in (ODT, ODS) if t.content_type == declared), None)
    except (zipfile.BadZipFile, ValueError, KeyError, NotImplementedError, RuntimeError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def sniff(content: bytes, filename: str) -> FileType:
    """The file's type from its content; FileRejected unless it is on the allow-list and its name's
    extension agrees with it (a PDF named .docx is refused: the name is what the reader opens)."""
    extension = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    found: FileType | None = None
    if content.startswith(b"%PDF-"):
        found = PDF
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif content.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif content.startswith(b"PK\x03\x04"):
        found = _zip_type(content, extension)
    elif content.startswith(OLE):
        # Word and Excel 97-2003 share the container; the extension tells which.
        found = XLS if extension == ".xls" else DOC if extension == ".doc" else None
    if found is None:
        raise FileRejected("only PDF, PNG, JPEG and office documents (docx, xlsx, odt, ods, doc, xls) are accepted")
    if extension not in found.extensions:
        raise FileRejected(f"the content is {found.content_type}: name the file {found.extensions[0]}")
    return found
