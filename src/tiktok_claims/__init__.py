"""tiktok-claims: helpers for the dbt/DuckDB claims warehouse."""

import threading

# dbt runs Python models on parallel threads of one process. Two threads importing a library
# such as sklearn for the first time at once can fail ("partially initialized module"), so
# every model does its imports under this lock.
import_lock = threading.RLock()
