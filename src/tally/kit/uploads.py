"""Stream a multipart upload to a spool file on disk, never holding the file in memory.

Starlette's `request.form()` would spool too, but only checks sizes after the whole body arrived and
then needs a second copy into Tally's data directory. Parsing the stream ourselves writes each chunk
once, to its final place, and stops at the first byte beyond the size limit (413).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fastapi import Request
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from tally.kit.errors import TallyError

MAX_FIELD_BYTES = 1024 * 1024
# What file systems allow for one name; longer names are garbage, not files someone exported.
MAX_FILENAME_CHARS = 255


class UploadTooLarge(TallyError):
    """The upload exceeds the configured maximum size."""

    status_code = 413


class BadUpload(TallyError):
    """The request is not a well-formed multipart upload with one file."""

    status_code = 400


@dataclass
class SpooledUpload:
    """A received upload: the file on disk plus the form's text fields."""

    path: Path
    filename: str
    size: int
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class _Receiver:
    def __init__(self, directory: Path, file_field: str, max_bytes: int) -> None:
        self.directory = directory
        self.file_field = file_field
        self.max_bytes = max_bytes
        self.fields: dict[str, str] = {}
        self.upload: SpooledUpload | None = None
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._file: IO[bytes] | None = None
        self._text = bytearray()

    def on_part_begin(self) -> None:
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        self._filename = raw_filename.decode("utf-8", "replace") if raw_filename else None
        if self._filename is not None and len(self._filename) > MAX_FILENAME_CHARS:
            raise BadUpload(f"The file name is longer than {MAX_FILENAME_CHARS} characters")
        self._text = bytearray()
        if self._filename is not None and self._name == self.file_field:
            if self.upload is not None:
                raise BadUpload(f"Send exactly one file in the '{self.file_field}' field")
            path = self.directory / f"upload-{uuid.uuid4().hex}"
            self._file = path.open("wb")
            self.upload = SpooledUpload(path=path, filename=Path(self._filename).name, size=0)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None and self.upload is not None:
            self.upload.size += len(chunk)
            if self.upload.size > self.max_bytes:
                raise UploadTooLarge(
                    f"The file exceeds the maximum upload size of {self.max_bytes} bytes"
                )
            self._file.write(chunk)
        elif self._filename is None:
            self._text += chunk
            if len(self._text) > MAX_FIELD_BYTES:
                raise BadUpload(f"Form field '{self._name}' is too large")

    def on_part_end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._filename is None and self._name:
            self.fields[self._name] = self._text.decode("utf-8", "replace")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


async def receive_upload(
    request: Request, directory: Path, *, max_bytes: int, file_field: str = "file"
) -> SpooledUpload:
    """Receive a multipart body into ``directory``; the caller owns (and discards) the file."""
    content_type = request.headers.get("content-type", "")
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadUpload("Expected a multipart/form-data body with a file")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + MAX_FIELD_BYTES:
        raise UploadTooLarge(f"The file exceeds the maximum upload size of {max_bytes} bytes")
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    receiver = _Receiver(directory, file_field, max_bytes)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": receiver.on_part_begin,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as error:
        receiver.close()
        if receiver.upload is not None:
            receiver.upload.discard()
        raise BadUpload(f"The multipart body is malformed: {error}") from error
    except BaseException:
        receiver.close()
        if receiver.upload is not None:
            receiver.upload.discard()
        raise
    if receiver.upload is None:
        raise BadUpload(f"No file in the '{file_field}' field")
    receiver.upload.fields = receiver.fields
    return receiver.upload


@asynccontextmanager
async def received_upload(
    request: Request, directory: Path, *, max_bytes: int
) -> AsyncIterator[SpooledUpload]:
    """``receive_upload`` for the span of an ``async with`` block; the spooled file is discarded
    when the block ends, unless the block moved it into place."""
    upload = await receive_upload(request, directory, max_bytes=max_bytes)
    try:
        yield upload
    finally:
        upload.discard()
