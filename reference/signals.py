"""What the reference data tells the apps above it (``reference`` is below them all and imports
none of them): they connect to these signals.

- ``departments_moved``: the reference import (``reference.services.importer``) put
  départements in another région, with ``department_ids``. Its rows are written by
  ``bulk_create`` (an upsert), which sends no ``post_save``: what is counted by région (the
  inbox's saved views, ``workflows.inbox.counts``) is told here.
"""

from __future__ import annotations

import django.dispatch

departments_moved = django.dispatch.Signal()
