"""Cut the annotation build inputs to a few windows (re-run to regenerate this directory).

Usage: python tests/data/annotation_build/make_cut.py SOURCES_DIR
SOURCES_DIR is a full sources directory laid out as in SOURCES.json of the embedded builds.
"""

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

#: genome -> (chrom, start, end) windows, 0-based half-open; plus every row of KEEP_GENES.
WINDOWS = {
    "hg38": [("chr1", 6_700_000, 7_900_000), ("chrM", 0, 16_569)],
    "hg19": [
        ("chr1", 6_800_000, 7_000_000),
        ("chr16", 78_100_000, 79_300_000),
        # source faults (annotation/sourcefaults.py): NBPF8's 2.32-Mb split alignment over
        # 1q21, MIR548AZ's 508-kb one over ESR2, MIR1184-1's 99.9-kb exon in F8, chrM
        ("chr1", 144_100_000, 146_500_000),
        ("chr14", 64_400_000, 64_950_000),
        ("chrX", 154_060_000, 154_260_000),
        ("chrM", 0, 16_571),
    ],
    "mm10": [("chr11", 69_400_000, 69_700_000), ("chrM", 0, 16_299)],
}
KEEP_GENES = {"hg38": {"100126512"}, "hg19": set(), "mm10": set()}
HERE = Path(__file__).resolve().parent


def _in(windows, chrom, start, end):
    return any(c == chrom and start < e and s < end for c, s, e in windows)


def main(src: Path) -> None:
    entrez, accs = set(), set()
    for g, windows in WINDOWS.items():
        rel = f"Rsubread/annot/{g}_RefSeq_exon.txt"
        lines = (src / rel).read_text().splitlines(keepends=True)
        keep = [lines[0]]
        for line in lines[1:]:
            gid, chrom, s, e, _ = line.rstrip("\n").split("\t")
            if gid in KEEP_GENES[g] or _in(windows, chrom, int(s) - 1, int(e)):
                keep.append(line)
                entrez.add(gid)
        # windows around the kept multi-copy genes' exons, for their transcripts
        extra = [
            (ln.split("\t")[1], int(ln.split("\t")[2]) - 20_000, int(ln.split("\t")[3]) + 20_000)
            for ln in keep[1:]
            if ln.split("\t")[0] in KEEP_GENES[g]
        ]
        (HERE / rel).parent.mkdir(parents=True, exist_ok=True)
        (HERE / rel).write_text("".join(keep))
        rel = f"BETA/references/{g}.refseq"
        lines = (src / rel).read_text().splitlines(keepends=True)
        keep = [lines[0]]
        for line in lines[1:]:
            f = line.rstrip("\n").split("\t")
            if _in(windows + extra, f[1], int(f[3]), int(f[4])):
                keep.append(line)
                accs.add(f[0])
        (HERE / rel).parent.mkdir(parents=True, exist_ok=True)
        (HERE / rel).write_text("".join(keep))
    rel = "org.Hs.eg.db/extdata/org.Hs.eg.sqlite"
    full = sqlite3.connect(f"file:{src / rel}?mode=ro", uri=True)
    ids = {r[0] for r in full.execute("select _id, gene_id from genes") if r[1] in entrez}
    ids |= {r[0] for r in full.execute("select _id, accession from refseq") if r[1] in accs}
    out = HERE / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    cut = sqlite3.connect(out)
    for table in ("genes", "gene_info", "refseq"):
        (sql,) = full.execute(
            "select sql from sqlite_master where type = 'table' and name = ?", [table]
        ).fetchone()
        cut.execute(sql)
        rows = [r for r in full.execute(f"select * from {table} order by 1, 2") if r[0] in ids]
        cut.executemany(f"insert into {table} values ({','.join('?' * len(rows[0]))})", rows)
    cut.commit()
    cut.execute("vacuum")
    cut.close()
    files = {}
    for path in sorted(HERE.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".json", ".md"):
            r = str(path.relative_to(HERE))
            files[r] = {
                "source": "cut of the embedded build's input of the same path (make_cut.py)",
                "version": "see src/chromdiff/data/annotation/SOURCES.json",
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
    (HERE / "SOURCES.json").write_text(json.dumps({"files": files}, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
