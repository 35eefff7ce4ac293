"""Write enrichment results and notes to the warehouse (``enrichment_results``/``_notes``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from chromdiff.warehouse.db import transaction

#: Columns of ``enrichment_results`` filled from a result frame (besides the run's own).
RESULT_COLUMNS = (
    "set_id",
    "set_name",
    "k",
    "n_query",
    "set_size",
    "universe_size",
    "genome_fraction",
    "expected",
    "fold",
    "pvalue",
    "padj",
    "genes",
)


@dataclass
class EnrichmentRun:
    """Everything one run produced: result frames and notes, written together."""

    run_id: str
    scope: str
    scope_id: str | None = None
    parts: list[pd.DataFrame] = field(default_factory=list)
    notes: list[tuple[str | None, str, str]] = field(default_factory=list)

    def add(
        self,
        df: pd.DataFrame,
        *,
        query: str,
        set_source: str,
        set_version: str | None,
        background: str,
        method: str | None = None,
    ) -> None:
        """Add a result frame (ORA or GREAT columns) for one query and gene-set source."""
        if df.empty:
            return
        part = df.copy()
        for col in RESULT_COLUMNS:
            if col not in part.columns:
                part[col] = None
        if method is not None or "method" not in part.columns:
            part["method"] = method or "ora"
        part["query"] = query
        part["set_source"] = set_source
        part["set_version"] = set_version
        part["background"] = background
        self.parts.append(part)

    def note(self, query: str | None, kind: str, message: str) -> None:
        """Record a note (``skipped``, ``universe`` or ``info``)."""
        self.notes.append((query, kind, message))


def _symbols(con: duckdb.DuckDBPyConnection, annotation_id: str | None) -> None:
    con.execute(
        """update _cd_enr set symbols = s.symbols from (
               select e.rid, string_agg(coalesce(g.symbol, e.gid), '/' order by e.pos) as symbols
               from (select rid, unnest(string_split(genes, '/')) as gid,
                            generate_subscripts(string_split(genes, '/'), 1) as pos
                     from _cd_enr where genes is not null and symbols is null) e
               left join (select gene_id, any_value(symbol) as symbol from ann_genes
                          where annotation_id = ? group by gene_id) g on g.gene_id = e.gid
               group by e.rid) s
           where s.rid = _cd_enr.rid""",
        [annotation_id],
    )


def write_run(
    con: duckdb.DuckDBPyConnection, run: EnrichmentRun, annotation_id: str | None = None
) -> int:
    """Replace ``run.run_id``'s rows with ``run``'s, atomically; return rows written.

    ``annotation_id``: map hit gene ids to the annotation's symbols (``symbols`` column).
    """
    cols = ["query", "method", "set_source", "set_version", "background", *RESULT_COLUMNS]
    # parts may bring their symbols (GREAT does); the others are mapped here
    df = (
        pd.concat([p.reindex(columns=[*cols, "symbols"]) for p in run.parts], ignore_index=True)
        if run.parts
        else pd.DataFrame(columns=[*cols, "symbols"])
    )
    df = df.astype({"set_size": "Int64", "universe_size": "Int64", "k": "int64"})
    df.insert(0, "rid", range(len(df)))
    notes = pd.DataFrame(run.notes, columns=["query", "kind", "message"], dtype="object")
    con.register("_cd_enr_df", df)
    con.register("_cd_notes_df", notes)
    try:
        con.execute(
            "create or replace temp table _cd_enr as select * replace (symbols::varchar as "
            "symbols) from _cd_enr_df"
        )
        if annotation_id is not None:
            _symbols(con, annotation_id)
        all_cols = ", ".join([*cols, "symbols"])
        with transaction(con):
            con.execute("delete from enrichment_results where run_id = ?", [run.run_id])
            con.execute("delete from enrichment_notes where run_id = ?", [run.run_id])
            con.execute(
                f"""insert into enrichment_results (run_id, scope, scope_id, {all_cols})
                select ?, ?, ?, {all_cols} from _cd_enr order by rid""",
                [run.run_id, run.scope, run.scope_id],
            )
            con.execute(
                "insert into enrichment_notes select ?, query, kind, message from _cd_notes_df",
                [run.run_id],
            )
    finally:
        con.unregister("_cd_enr_df")
        con.unregister("_cd_notes_df")
        con.execute("drop table if exists _cd_enr")
    return len(df)
