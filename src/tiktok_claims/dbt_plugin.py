"""dbt-duckdb plugin: loads the raw claims file as the `tiktok.videos` source.

Registered in profiles.yml; the source's `meta.path` names the file.
"""

import logging

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig
from dbt.adapters.events.logging import AdapterLogger

from tiktok_claims import ingest

_dbt_log = AdapterLogger("tiktok_claims")


class _ToDbtLog(logging.Handler):
    """Forward the reader's warnings (extra columns) to dbt's build log."""

    def emit(self, record: logging.LogRecord) -> None:
        _dbt_log.warning(record.getMessage())


class Plugin(BasePlugin):
    def load(self, source_config: SourceConfig):
        handler = _ToDbtLog()
        ingest.log.addHandler(handler)
        try:
            return ingest.read_raw(source_config.get("path") or ingest.dataset_path())
        finally:
            ingest.log.removeHandler(handler)
