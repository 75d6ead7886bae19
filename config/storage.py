"""Static files storage of production: whitenoise's compressed manifest storage, tolerant of the
font files that a third-party stylesheet names but does not ship.

viewflow 2.4 ships ``viewflow/fonts/roboto/.../roboto-fontface.css``, which refers to
``Roboto-Thin.woff2`` and other weights it does not include. The strict storage then makes
``collectstatic`` fail, and with it ``deploy/start-web.sh`` (found by the smoke test of
``tests/deploy/test_smoke.py``). Such a reference keeps its unhashed URL instead (a 404 for a
font weight the product never uses); every file that exists is still hashed and compressed.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:  # whitenoise's MissingFileError is a ValueError
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise

    def create_compressor(self, **kwargs: Any) -> Any:
        # gzip only: nginx serves /static/ itself (deploy/nginx.conf, gzip_static) and Debian's
        # nginx has no brotli module; brotli also doubled collectstatic's time (11,000 files).
        return super().create_compressor(**{**kwargs, "use_brotli": False})
