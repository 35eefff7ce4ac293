"""Upgrade databases written by older chromdiff versions, in place and atomically.

Run by :func:`chromdiff.warehouse.db.apply_schema` (which imports this module when called)
after the DDL
and before the views, so that a view may take the name of a table it replaces. Each step checks
whether it applies and is a no-op on a current database.
"""

from __future__ import annotations

import logging

import duckdb

from chromdiff.warehouse.db import transaction
from chromdiff.warehouse.sqlfiles import schema_files

logger = logging.getLogger(__name__)


def _is_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "select 1 from duckdb_tables() where table_name = ? and schema_name = 'main'"
        " and database_name = current_database()",
        [name],
    ).fetchall()
    return bool(rows)


def counts_to_vectors(con: duckdb.DuckDBPyConnection) -> bool:
    """Move a long-form ``region_counts`` table into ``region_count_vectors``; drop the table.

    Each group's values are listed in ``experiments.count_order``, as the loader stores them.
    Returns True when something was migrated.
    """
    if not _is_table(con, "region_counts"):
        return False
    with transaction(con):
        n = con.execute(
            """insert into region_count_vectors
            select rc.comparison_id, rc.region_id,
                   coalesce(list(rc.count order by e.count_order) filter (where e.grp = 'A'), []),
                   coalesce(list(rc.count order by e.count_order) filter (where e.grp = 'B'), [])
            from region_counts rc join experiments e using (comparison_id, experiment_id)
            group by rc.comparison_id, rc.region_id"""
        ).fetchall()[0][0]
        con.execute("drop table region_counts")
    logger.warning("migrated region_counts to region_count_vectors (%d regions)", n)
    return True


def regions_without_key(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild a ``regions`` table that still has its old primary key, without it.

    The rows are copied unchanged into a table made from the current DDL. Returns True when
    something was migrated.
    """
    keyed = con.execute(
        "select 1 from duckdb_constraints() where table_name = 'regions'"
        " and schema_name = 'main' and database_name = current_database()"
        " and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    if not keyed:
        return False
    ddl = next(p for p in schema_files() if p.name.endswith("_regions.sql")).read_text()
    with transaction(con):
        con.execute("alter table regions rename to regions__keyed")
        con.execute(ddl)
        n = con.execute("insert into regions select * from regions__keyed").fetchall()[0][0]
        con.execute("drop table regions__keyed")
    logger.warning("rebuilt regions without its primary key (%d rows)", n)
    return True


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where table_name = ? and schema_name = 'main'"
        " and database_name = current_database()",
        [table],
    ).fetchall()
    return {r[0] for r in rows}


def run_state_columns(con: duckdb.DuckDBPyConnection) -> bool:
    """Add ``comparisons.reported_at`` and ``flow_runs.pid``/``host`` to older databases.

    Comparisons already loaded count as reported (their report was written by the run that
    loaded them). Returns True when something was added.
    """
    added = False
    if "reported_at" not in _columns(con, "comparisons"):
        with transaction(con):
            con.execute("alter table comparisons add column reported_at timestamp")
            con.execute("update comparisons set reported_at = loaded_at where status = 'loaded'")
        added = True
    have = _columns(con, "flow_runs")
    for column, sql_type in (("pid", "integer"), ("host", "varchar")):
        if column not in have:
            con.execute(f"alter table flow_runs add column {column} {sql_type}")
            added = True
    return added


def experiments_server_columns(con: duckdb.DuckDBPyConnection) -> bool:
    """Give an older ``experiments`` table ``server_id``/``dropped`` and a nullable count_order.

    A dropped ID has no count position (sql/schema/003_experiments.sql). Existing rows keep
    their values (``server_id`` is the experiment ID itself: older versions took every ID as
    counted under its own name). Returns True when something was migrated.
    """
    cols = {
        r[0]: r[1]
        for r in con.execute(
            "select column_name, is_nullable from information_schema.columns"
            " where table_name = 'experiments' and table_schema = 'main'"
            " and table_catalog = current_database()"
        ).fetchall()
    }
    if not cols or ("server_id" in cols and cols.get("count_order") == "YES"):
        return False
    with transaction(con):
        if "server_id" not in cols:
            con.execute("alter table experiments add column server_id varchar")
            con.execute("update experiments set server_id = experiment_id")
        if "dropped" not in cols:
            con.execute("alter table experiments add column dropped varchar")
        if cols.get("count_order") == "NO":
            con.execute("alter table experiments alter column count_order drop not null")
    logger.warning("added server_id/dropped to experiments; count_order may be NULL")
    return True


def experiments_unattributed_column(con: duckdb.DuckDBPyConnection) -> bool:
    """Give an older ``experiments`` table the ``unattributed`` column.

    Older versions recorded a GSM the server counted under an unstated SRX (several GSMs in one
    group) as dropped, with the reason "maps to one of ... which one is not stated ...": that
    reason moves to ``unattributed`` (sql/schema/003_experiments.sql), so the QC no longer
    counts such an ID as unused. Returns True when the column was added.
    """
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns"
            " where table_name = 'experiments' and table_schema = 'main'"
            " and table_catalog = current_database()"
        ).fetchall()
    }
    if not cols or "unattributed" in cols:
        return False
    with transaction(con):
        con.execute("alter table experiments add column unattributed varchar")
        con.execute(
            "update experiments set unattributed = dropped, dropped = null"
            " where dropped like 'maps to one of % on the server; which one is not stated, so"
            " its counts are not attributed'"
        )
    logger.warning("added unattributed to experiments")
    return True


def _once(con: duckdb.DuckDBPyConnection, name: str, update_sql: str) -> int | None:
    """Run ``update_sql`` on the dmr comparisons' regions once per database (``name``).

    Their annotation is dropped and ``reported_at`` cleared when rows changed, so the next run
    of each comparison annotates and reports it again. Returns the rows changed, None when
    the step had run before.
    """
    done = con.execute("select count(*) from data_migrations where name = ?", [name])
    if done.fetchall()[0][0]:
        return None
    dmr = "select comparison_id from comparisons where analysis = 'dmr'"
    with transaction(con):
        n = con.execute(f"{update_sql} and comparison_id in ({dmr})").fetchall()[0][0]
        if n:
            con.execute(f"delete from region_annotation where comparison_id in ({dmr})")
            con.execute(f"update comparisons set reported_at = null where comparison_id in ({dmr})")
        con.execute("insert into data_migrations values (?, current_timestamp, ?)", [name, n])
    return n


def dmr_bed_starts(con: duckdb.DuckDBPyConnection) -> bool:
    """Shift the stored starts of dmr regions one base right, once per database.

    metilene writes BED (``pos[first CpG] - 1``, ``pos[last CpG]``); earlier versions took the
    server's IGV label ``Length = stop - start + 1`` (DA:698) for the rule and stored
    ``start - 1``. Returns True when rows were changed (see :func:`_once`).
    """
    n = _once(con, "dmr_bed_starts", "update regions set start = start + 1 where true")
    if n:
        logger.warning(
            "moved the starts of %d stored DMRs one base right (metilene writes BED); their "
            "comparisons are annotated and reported again on their next run",
            n,
        )
    return bool(n)


def dmr_pvalue_ks(con: duckdb.DuckDBPyConnection) -> bool:
    """Make a stored DMR's ``pvalue`` its 2D KS p (``p_ks``), once per database.

    metilene's q-value adjusts the 2D KS p (q = p x tests, Bonferroni); earlier versions
    stored the Mann-Whitney U p (``p_mwu``, kept in its own column) as ``pvalue``, so a
    region's p could exceed its q. Returns True when rows were changed (see :func:`_once`).
    """
    n = _once(
        con, "dmr_pvalue_ks", "update regions set pvalue = p_ks where pvalue is distinct from p_ks"
    )
    if n:
        logger.warning(
            "stored DMRs: pvalue is now metilene's 2D KS p, the one its q-value adjusts (was "
            "the Mann-Whitney U p, still in p_mwu) for %d regions; their reports are made again "
            "on their next run",
            n,
        )
    return bool(n)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every migration step that applies to ``con``'s database."""
    counts_to_vectors(con)
    regions_without_key(con)
    run_state_columns(con)
    experiments_server_columns(con)
    experiments_unattributed_column(con)
    dmr_bed_starts(con)
    dmr_pvalue_ks(con)
