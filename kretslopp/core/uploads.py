"""Upload limits: every uploaded file is stopped at its page's limit, and read within limits.

A department coordinator, a take-back partner or another system can send any file. Two
things keep that safe:

* :class:`LimitedUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``) stops a file part as soon
  as it passes the limit of the page it is sent to — at once when the request declares a
  larger body — so nothing over the limit reaches memory or the disk. The rest of that part
  is read and thrown away, so the browser still receives the page that explains why.
  The refused file stands in ``request.FILES`` as a :class:`RefusedUpload` (see
  :func:`files_of`), which :class:`LimitedFileField` turns into a form error in the page's
  language; the API answers 413.
* :func:`read_limits` hands the ``KRETSLOPP_IMPORT_MAX_*`` settings to
  :mod:`kretslopp.tabular`, which refuses zip bombs, huge cells and files that are too large
  with errors naming file, row and column.

A view whose uploads may be larger (print logs) says so with :func:`upload_limit`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kretslopp.tabular.limits import MIB, ReadLimits

DEFAULT_SETTING = "IMPORT_MAX_UPLOAD_MB"
#: Room for the other form fields and the multipart boundaries in a declared body size.
BODY_SLACK_BYTES = 64 * 1024
View = TypeVar("View", bound=Callable[..., Any])


def read_limits(max_file_setting: str = DEFAULT_SETTING) -> ReadLimits:
    """The settings' limits for reading an import file (``max_file_setting`` in MB)."""
    return ReadLimits(
        max_file_bytes=getattr(settings, max_file_setting) * MIB,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_columns=settings.IMPORT_MAX_COLUMNS,
        max_cells=settings.IMPORT_MAX_CELLS,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_MB * MIB,
        max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


def upload_limit(setting: str) -> Callable[[View], View]:
    """Give a view another upload limit than ``IMPORT_MAX_UPLOAD_MB``: the setting's name.

    Put it outermost (above ``login_required``): the handler looks at the resolved view.
    """

    def decorate(view: View) -> View:
        view.upload_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return decorate


def limit_bytes_for(request: HttpRequest) -> int:
    """The upload limit of the view this request goes to."""
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    return getattr(settings, getattr(view, "upload_limit_setting", DEFAULT_SETTING)) * MIB


class RefusedUpload(UploadedFile):
    """Stands in for a file that was stopped at the limit: its name and the size seen."""

    def __init__(self, name: str, size: int, limit_bytes: int) -> None:
        super().__init__(io.BytesIO(b""), name=name, size=size)
        self.limit_bytes = limit_bytes


class LimitedUploadHandler(FileUploadHandler):
    """Stops each file part at the limit of the view it is sent to (see the module doc)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit_bytes = limit_bytes_for(self.request)
        self.body_bytes = content_length
        return None  # the multipart parser goes on as usual

    def new_file(self, field_name, file_name, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if self.body_bytes and self.body_bytes > self.limit_bytes + BODY_SLACK_BYTES:
            self._refuse(self.body_bytes)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit_bytes:
            self._refuse(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file

    def _refuse(self, size_seen: int) -> None:
        refused = getattr(self.request, "refused_uploads", None)
        if refused is None:
            refused = self.request.refused_uploads = {}
        refused[self.field_name] = RefusedUpload(self.file_name, size_seen, self.limit_bytes)
        raise SkipFile  # the parser reads and drops the rest of this file, then goes on


def refused_uploads(request: HttpRequest) -> dict[str, RefusedUpload]:
    """The files of this request that were stopped at the limit, by field name."""
    request.FILES  # noqa: B018 - parsing the body is what fills in the refusals
    return getattr(request, "refused_uploads", {})


def files_of(request: HttpRequest) -> MultiValueDict:
    """``request.FILES``, with a :class:`RefusedUpload` for each file stopped at the limit."""
    refused = refused_uploads(request)
    if not refused:
        return request.FILES
    files = request.FILES.copy()
    for field, upload in refused.items():
        files[field] = upload
    return files


def too_large_message(name: str, limit_bytes: int) -> str:
    """What the person reads: which file, and the limit, in their language."""
    return str(
        _(
            "%(file)s is larger than %(limit)s MB, the most that can be uploaded here. "
            "Split it into smaller files."
        )
        % {"file": Path(name).name, "limit": _megabytes(limit_bytes)}
    )


def _megabytes(size_bytes: int) -> str:
    return number_format(-(-size_bytes // MIB), force_grouping=True)


class LimitedFileField(forms.FileField):
    """A file field that refuses a file over its limit with a clear message."""

    def __init__(self, *args: Any, limit_setting: str = DEFAULT_SETTING, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_setting = limit_setting

    def clean(self, data: Any, initial: Any = None) -> Any:
        limit = getattr(settings, self.limit_setting) * MIB
        if isinstance(data, RefusedUpload) or (
            isinstance(data, UploadedFile) and (data.size or 0) > limit
        ):
            raise forms.ValidationError(too_large_message(data.name, limit), code="too_large")
        return super().clean(data, initial)


def source_of(upload: UploadedFile) -> str | bytes:
    """What to read an upload from: its temporary file on disk, or its bytes (≤ 10 MB)."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return path()
    upload.seek(0)
    return upload.read()
