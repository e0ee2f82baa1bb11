"""dbt-duckdb plugin: the DuckDB functions the project's SQL calls.

Registered in profiles.yml. It registers the header check and the line lookup that staging
calls (tiktok_claims.ingest; DuckDB itself reads the rows through the source's read_csv), and
the export function that the on-run-end hook calls (tiktok_claims.export.udf).
"""

import importlib
import logging

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger

from tiktok_claims import inbox, ingest
from tiktok_claims.export import udf

_dbt_log = AdapterLogger("tiktok_claims")

# What the Python models call, and through it scikit-learn, XGBoost, statsmodels and SciPy.
MODEL_MODULES = (
    "tiktok_claims.ml.persist",
    "tiktok_claims.ml.train",
    "tiktok_claims.ml.verified_logit",
    "tiktok_claims.stats.hypothesis",
)


class _ToDbtLog(logging.Handler):
    """Forward the exporter's messages to dbt's build log."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            _dbt_log.warning(record.getMessage())
        else:
            _dbt_log.info(record.getMessage())


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        # dbt runs Python models on parallel threads; two threads importing sklearn for the
        # first time at once fail ("partially initialized module"). Import what the models
        # use here, once, before any model thread starts (~3.8 s at start-up, measured; a
        # build paid the same in its first Python model before).
        for module in MODEL_MODULES:
            importlib.import_module(module)

    def configure_connection(self, conn) -> None:
        udf.register(conn, _ToDbtLog())
        ingest.register_header_function(conn)
        ingest.register_line_function(conn)
        inbox.register_inbox_function(conn)
