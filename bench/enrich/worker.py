"""One measured run of the enrichment benchmark, in its own process (JSON on the last line).

``python -m bench.enrich.worker ours REGIONS.parquet OUT_DIR`` — chromdiff: setup (schema +
embedded hg38 annotation), GO BP gene sets, ``great()`` over every BP term; writes its results,
domains and gene sets to OUT_DIR for the peers (not timed).
``... peer REGIONS.parquet OUT_DIR`` — ``bench/enrich/peer.py`` on those domains and sets.
``... greatpy REGIONS.parquet OUT_DIR`` — greatpy 0.0.1 ``tl.enrichment`` on the same.
"""

from __future__ import annotations

import json
import sys
import time

t_start = time.perf_counter()


def _peak() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(regions: str, out: str) -> dict:
    import duckdb

    from chromdiff.annotation import ensure_annotation
    from chromdiff.enrichment.go import load_go_sets
    from chromdiff.enrichment.great import great
    from chromdiff.regions.chromsizes import chrom_sizes
    from chromdiff.warehouse.db import apply_schema

    t = {"import": time.perf_counter() - t_start}
    t0 = time.perf_counter()
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, genome="hg38")
    t["setup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    load_go_sets(con, "BP", "go")
    t["gene_sets"] = time.perf_counter() - t0
    sizes = chrom_sizes("hg38")
    t0 = time.perf_counter()
    res = great(con, f"select * from read_parquet('{regions}')", aid, "go", sizes, min_size=1)
    t["great"] = time.perf_counter() - t0
    res.to_parquet(f"{out}/ours.parquet")
    con.execute(f"copy _cd_dom to '{out}/domains.parquet' (format parquet)")
    con.execute(
        f"copy (select set_id, set_name, gene_id from go) to '{out}/sets.parquet' (format parquet)"
    )
    return {"times": t, "peak_mib": _peak(), "n_terms": int(res.set_id.nunique())}


def peer(regions: str, out: str) -> dict:
    import pandas as pd

    from bench.enrich.peer import great_peer
    from chromdiff.regions.chromsizes import chrom_sizes

    t = {"import": time.perf_counter() - t_start}
    t0 = time.perf_counter()
    dom = pd.read_parquet(f"{out}/domains.parquet")
    sets = pd.read_parquet(f"{out}/sets.parquet", columns=["set_id", "gene_id"])
    reg = pd.read_parquet(regions)
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = great_peer(dom, sets, reg, sum(chrom_sizes("hg38").values()))
    t["great"] = time.perf_counter() - t0
    res.to_parquet(f"{out}/peer.parquet")
    return {"times": t, "peak_mib": _peak()}


def run_greatpy(regions: str, out: str) -> dict:
    import greatpy
    import pandas as pd

    from chromdiff.regions.chromsizes import chrom_sizes

    t = {"import": time.perf_counter() - t_start}
    dom = pd.read_parquet(f"{out}/domains.parquet")
    sets = pd.read_parquet(f"{out}/sets.parquet")
    sets = sets[sets.gene_id.isin(dom.gene_id)]
    dom = dom[dom.gene_id.isin(sets.gene_id)]
    regdom = pd.DataFrame({"chr": dom.chrom, "chr_start": dom.start, "chr_end": dom.stop,
                           "name": dom.gene_id, "tss": 0, "strand": "+"})  # fmt: skip
    ann = pd.DataFrame({"id": sets.set_id, "name": sets.set_name, "ontology": "BP",
                        "symbol": sets.gene_id})  # fmt: skip
    sizes = chrom_sizes("hg38")
    size = pd.DataFrame({"chrom": list(sizes), "size": list(sizes.values())})
    reg = pd.read_parquet(regions)
    test = pd.DataFrame({"chr": reg.chrom, "chr_start": reg.start, "chr_end": reg.stop})
    t0 = time.perf_counter()
    res = greatpy.tl.enrichment(test, regdom, size, ann, binom=True, hypergeom=True)
    t["great"] = time.perf_counter() - t0
    return {"times": t, "peak_mib": _peak(), "n_terms": len(res)}


if __name__ == "__main__":
    mode, regions, out = sys.argv[1:4]
    fn = {"ours": ours, "peer": peer, "greatpy": run_greatpy}[mode]
    print(json.dumps(fn(regions, out)))
