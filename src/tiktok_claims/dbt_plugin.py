"""dbt-duckdb plugin: the build's warehouse file, and the DuckDB functions the project's SQL calls.

Registered in profiles.yml. When the adapter starts, it prepares the blue/green build: for a
command that writes (build, run, seed, snapshot) it takes the build lock and starts the build
file from the last good warehouse (tiktok_claims.export.release); any other command (show,
compile, test, docs) reads the last good warehouse read-only. It registers the header check
and the line lookup that staging calls (tiktok_claims.ingest), and the export and release
functions that the on-run-end hook calls (tiktok_claims.export.udf).
"""

import atexit
import gc
import logging
import os

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger
from dbt.flags import get_flags
from dbt_common.exceptions import DbtRuntimeError

from tiktok_claims import inbox, ingest, processes
from tiktok_claims.export import release, udf
from tiktok_claims.paths import exports_dir, warehouse_path

_dbt_log = AdapterLogger("tiktok_claims")

WRITING_COMMANDS = ("build", "run", "seed", "snapshot")
ALIAS = "tiktok_claims"  # the warehouse's catalog name, as `database` in profiles.yml


def _thaw() -> None:
    """At exit: the teardown frees everything again (else DuckDB reports leaked objects), in
    its own collections only (one full collection fewer: 0.2 s)."""
    gc.unfreeze()
    gc.disable()


class _ToDbtLog(logging.Handler):
    """Forward the exporter's messages to dbt's build log."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            _dbt_log.warning(record.getMessage())
        else:
            _dbt_log.info(record.getMessage())


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self._attach_warehouse()  # first: a second build stops before anything starts
        if getattr(get_flags(), "WHICH", None) in WRITING_COMMANDS:
            processes.start_workers()  # it imports the models' libraries while dbt stages
        processes.use_orphan_safe_workers()
        # dbt's parsed project lives as long as the run: Python's full collections rescanned
        # it again and again (2.1 s of a build on the real file, measured with gc.callbacks)
        gc.freeze()
        atexit.register(_thaw)

    def _attach_warehouse(self) -> None:
        (attachment,) = [a for a in self.creds.attach or [] if a.alias == ALIAS]
        if getattr(get_flags(), "WHICH", None) in WRITING_COMMANDS:
            try:
                attachment.path = str(release.prepare(exports_dir(), warehouse_path()))
                # the fit saves a new champion into the build's folder, released with it
                build = release.build_dir(exports_dir())
                os.environ["CLAIMS_MODEL_DIR"] = str(build / release.MODELS)
            except release.BuildError as exc:
                raise DbtRuntimeError(str(exc)) from None
            return
        last = release.last_good_warehouse(exports_dir(), warehouse_path())
        attachment.path = str(last) if last else ":memory:"
        attachment.read_only = last is not None

    def configure_connection(self, conn) -> None:
        udf.register(conn, _ToDbtLog())
        ingest.register_header_function(conn)
        ingest.register_line_function(conn)
        inbox.register_inbox_function(conn)
        ingest.register_sha256_function(conn)
