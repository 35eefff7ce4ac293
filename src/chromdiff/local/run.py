"""The steps of the local diffbind pipeline as plain functions (the Prefect tasks wrap them).

Order and DA source lines: docs/pipeline.md ("Local pipeline"). Nothing here touches the
database: a comparison is registered and loaded only after its result BED exists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.userdata import is_user_line, parse_user_line
from chromdiff.errors import ChromdiffError, InputError
from chromdiff.local import coverage
from chromdiff.local.bedout import write_diffbind_bed
from chromdiff.local.fetch import is_url, materialize
from chromdiff.local.peaks import load_peaks, peak_extent, union_regions
from chromdiff.local.samples import Sample, public_sample, read_metadata, user_sample
from chromdiff.local.version import DA_SOURCE, PIPELINE_VERSION


@dataclass
class Regions:
    """The union regions (multiinter segments), in peak-list order (``peak_1`` first)."""

    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.chrom)


def resolve_samples(spec: ComparisonSpec, cache_dir: Path) -> list[Sample]:
    """Return every experiment of ``spec`` with its files and DA scaling (group A first).

    Raises
    ------
    InputError
        dmr (metilene is not packaged), or a public ID whose files/metadata are not cached.
    """
    if spec.analysis != "diffbind":
        raise InputError(
            "--local runs diffbind only: the dmr method needs metilene, which is not packaged "
            "here; submit dmr comparisons to the ChIP-Atlas service (without --local)"
        )
    meta = read_metadata(cache_dir, spec.genome)
    out = []
    for grp, entries in (("A", spec.ids_a), ("B", spec.ids_b)):
        for name, entry in zip(spec.names(grp), entries, strict=True):
            if is_user_line(entry):
                out.append(user_sample(name, grp, parse_user_line(entry, name, spec.analysis)))
            else:
                out.append(public_sample(entry, grp, cache_dir, spec.genome, spec.threshold, meta))
    return out


def needs_download(sample: Sample) -> bool:
    """Return True when a file of ``sample`` is an http(s) URL."""
    return is_url(sample.bigwig) or is_url(sample.peaks)


def fetch_sample(sample: Sample, cache_dir: Path, refresh: bool = False) -> Sample:
    """Return ``sample`` with local paths (URLs downloaded once into ``cache_dir``).

    ``refresh`` (``--force``) downloads its URLs again even when they are cached.
    """
    bigwig = str(materialize(sample.bigwig, cache_dir, refresh))
    peaks = str(materialize(sample.peaks, cache_dir, refresh))
    got = tuple((p, u) for p, u in ((bigwig, sample.bigwig), (peaks, sample.peaks)) if is_url(u))
    return dataclasses.replace(sample, bigwig=bigwig, peaks=peaks, downloaded=got)


def name_download(samples: list[Sample], exc: InputError) -> InputError:
    """Return ``exc`` naming the URL when it is about a downloaded file, whose copy is removed.

    A download is kept in the cache and read again by the next run (unless ``--force``): a
    file that fails its checks would fail every run, named by a cache path the user never
    gave. Its copy is deleted, so once the file at its URL is fixed the next run downloads it.
    """
    message = str(exc)
    for sample in samples:
        for path, url in sample.downloaded:
            if message.startswith(path):
                Path(path).unlink(missing_ok=True)
                return InputError(
                    f"{url}{message[len(path) :]} (its downloaded copy is removed from the "
                    "cache: the next run downloads it again)"
                )
    return exc


def _label(sample: Sample, what: str) -> str:
    return f"{getattr(sample, what)} ({sample.name} {'bigWig' if what == 'bigwig' else 'peaks'})"


def check_bigwig(sample: Sample) -> None:
    """Open the bigWig; for user data check its values are integers (``DA:540-551``)."""
    try:
        bw = coverage.open_bigwig(Path(sample.bigwig), _label(sample, "bigwig"))
        try:
            if sample.user:
                coverage.check_integer_values(bw, _label(sample, "bigwig"))
        finally:
            bw.close()
    except InputError as exc:
        raise name_download([sample], exc) from None


def build_regions(samples: list[Sample]) -> Regions:
    """Read every peak file, check it against its own bigWig, return the multiinter union.

    Raises
    ------
    InputError
        Unreadable or malformed peak file, peaks on chromosomes (or beyond lengths) the
        experiment's bigWig does not have, or no peaks at all.
    """
    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        try:
            _load_checked_peaks(con, samples)
        except InputError as exc:
            raise name_download(samples, exc) from None
        union_regions(con, len(samples))
        df = con.execute('select chrom, start, "end" from regions order by region_idx').df()
    finally:
        con.close()
    return Regions(df["chrom"].to_numpy(object), df["start"].to_numpy(np.int64),
                   df["end"].to_numpy(np.int64))  # fmt: skip


def _load_checked_peaks(con: duckdb.DuckDBPyConnection, samples: list[Sample]) -> None:
    load_peaks(con, [Path(s.peaks) for s in samples])
    for idx, s in enumerate(samples):
        extent = peak_extent(con, idx)
        if not extent:
            raise InputError(f"{s.peaks}: no peaks ({s.name})")
        bw = coverage.open_bigwig(Path(s.bigwig), _label(s, "bigwig"))
        try:
            coverage.check_peaks_match(bw, extent, _label(s, "peaks"), s.bigwig)
        finally:
            bw.close()
    _check_chromosome_naming(con, samples)  # each file agrees with its own bigWig: now each other


def _check_chromosome_naming(con: duckdb.DuckDBPyConnection, samples: list[Sample]) -> None:
    """Raise :class:`InputError` if some experiments name chromosomes ``chr1`` and others ``1``.

    Ensembl (``1``) and UCSC (``chr1``) naming put each style's peaks in regions the other
    experiments never cover: every such region looks differential and the result is noise.
    """
    styles: dict[str, int] = {}
    for idx, all_chr, none_chr in con.execute(
        """select file_idx, bool_and(starts_with(chrom, 'chr')),
                  bool_and(not starts_with(chrom, 'chr'))
           from peaks group by file_idx order by file_idx"""
    ).fetchall():
        if all_chr:
            styles.setdefault("chr1", idx)
        elif none_chr:
            styles.setdefault("1", idx)
    if len(styles) == 2:
        ucsc, ensembl = samples[styles["chr1"]], samples[styles["1"]]
        raise InputError(
            f"{ensembl.peaks} ({ensembl.name}) names chromosomes without 'chr' (1, 2, X), "
            f"{ucsc.peaks} ({ucsc.name}) with it (chr1, chr2, chrX): rename one side's "
            "chromosomes, in its peaks and its bigWig, so all experiments share one naming"
        )


def preflight(spec: ComparisonSpec, cache_dir: Path) -> list[Sample]:
    """Check every input that is already on this machine, before any flow starts.

    Resolves the experiments, then for each one whose files are local (not URLs): the files
    exist, the bigWig opens (user bigWigs hold integers), the peak file parses and fits its
    bigWig's chromosomes. URL inputs get the same checks after their download, in the flow.

    Raises
    ------
    InputError
        The first problem, naming the file.
    """
    samples = resolve_samples(spec, cache_dir)
    local = [fetch_sample(s, cache_dir) for s in samples if not needs_download(s)]
    for s in local:
        check_bigwig(s)
    if local:
        con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
        try:
            _load_checked_peaks(con, local)
        finally:
            con.close()
    return samples


def count_sample(sample: Sample, regions: Regions) -> np.ndarray:
    """Return DA's read count of every region for one experiment (0 where no coverage)."""
    bw = coverage.open_bigwig(Path(sample.bigwig), _label(sample, "bigwig"))
    try:
        sums, touched = coverage.region_sums(bw, regions.chrom, regions.start, regions.end)
    finally:
        bw.close()
    return coverage.reads_from_coverage(sums, touched, sample.scale_factor, sample.read_length)


def count_table(
    samples: list[Sample], counts: list[np.ndarray]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return (names, rows, matrix) as ``combine_counts`` builds the table (``DA:516-538``).

    Columns are the experiments sorted by name (the ``*.count`` glob order) that have a count
    line in at least one region: DA creates a column when it first meets an experiment's line
    (``if (!($2 in column)) column[$2] = ++col_idx``), so an experiment whose bigWig covers no
    region (an empty ``.count`` file) gets none and edgeR runs without it. Rows are the regions
    with a count line in at least one experiment (``row[$1]++``); ``rows`` indexes
    :class:`Regions`. A count is at least 1 wherever there is a line, so 0 means none.
    """
    order = sorted(range(len(samples)), key=lambda i: samples[i].name)
    matrix = np.column_stack([counts[i] for i in order])
    counted = (matrix > 0).any(axis=0)
    matrix = matrix[:, counted]
    rows = np.flatnonzero((matrix > 0).any(axis=1))
    return [samples[i].name for i, c in zip(order, counted, strict=True) if c], rows, matrix[rows]


def write_count_table(path: Path, names: list[str], rows: np.ndarray, matrix: np.ndarray) -> Path:
    """Write the count table as DA's ``count_table`` CSV (``Peak,<names>``; peak_N names)."""
    table = pd.DataFrame(matrix, columns=names)
    table.insert(0, "Peak", [f"peak_{i + 1}" for i in rows])
    table.to_csv(path, index=False)
    return path


def diffbind(samples: list[Sample], regions: Regions, counts: list[np.ndarray], out_dir: Path,
             engine: str = "numpy") -> dict:  # fmt: skip
    """Run edgeR on the count table and write ``wabi_result.bed``, the count table and a log.

    Returns
    -------
    dict
        ``files`` (kind -> path for the loader), ``n_union_regions``, ``n_counted``,
        ``n_tested``, ``engine``.
    """
    from chromdiff.edger import run_edger

    for s, c in zip(samples, counts, strict=True):
        if (neg := np.flatnonzero(c < 0)).size:
            raise InputError(
                f"{s.name}: {neg.size} regions get a negative count (e.g. peak_{neg[0] + 1}) from "
                f"bigWig {s.bigwig}: it holds negative values (an input-subtracted or log-ratio "
                "track?); ChIP-Atlas counts raw read coverage and its edgeR refuses negative "
                "counts"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    names, rows, matrix = count_table(samples, counts)
    grp = {s.name: s.grp for s in samples}
    table_path = write_count_table(out_dir / "count_table.csv", names, rows, matrix)
    if len(rows) == 0:
        raise ChromdiffError("no region has coverage in any experiment: nothing to test")
    empty = sorted({s.grp for s in samples} - {grp[n] for n in names})
    if empty:
        raise ChromdiffError(
            f"group {empty[0]}: no experiment has coverage over any region (its bigWigs hold no "
            "data over the peaks): nothing to compare"
        )
    stats = run_edger(matrix, names, [grp[n] for n in names], engine)
    if not stats.keep.any():
        raise ChromdiffError("edgeR's filterByExpr kept no region: nothing to test")
    kept = rows[stats.keep]
    bed = write_diffbind_bed(
        out_dir / "wabi_result.bed", regions.chrom[kept], regions.start[kept], regions.end[kept],
        stats.norm_a, stats.norm_b, stats.logfc, stats.pvalue, stats.fdr,
    )  # fmt: skip
    log = _write_log(out_dir / "wabi_result.log", samples, names, len(regions), len(rows),
                     int(stats.keep.sum()), engine)  # fmt: skip
    return {
        "files": {"bed": str(bed), "count_table": str(table_path), "log": str(log)},
        "n_union_regions": len(regions), "n_counted": len(rows),
        "n_tested": int(stats.keep.sum()), "engine": engine,
    }  # fmt: skip


def _write_log(
    path: Path,
    samples,
    columns: list[str],
    n_union: int,
    n_counted: int,
    n_tested: int,
    engine: str,
) -> Path:
    """Write the run's log: parameters, sample files, and the count columns as edgeR.r does.

    The ``[INFO] <samples> <name> <A|B> `` lines (edgeR.r:27-38's format) list the count table's
    columns in its order, so the loader ties counts to experiments by what this run wrote
    (:func:`chromdiff.parsing.samples.resolve_layout`), as it does for a service result.
    """
    lines = [
        f'[INFO] <parameter> MODE="DA (chromdiff --local)" PIPELINE={PIPELINE_VERSION}',
        f"[INFO] <parameter> SOURCE={DA_SOURCE} ENGINE={engine}",
    ]
    lines += [
        f"[INFO] <sample_files> {s.name} {s.grp} scale_factor={s.scale_factor:g} "
        f"read_length={s.read_length:g} bigwig={s.bigwig} peaks={s.peaks}"
        for s in samples
    ]
    grp = {s.name: s.grp for s in samples}
    lines += [
        f"[WARNING] {s.name} (group {s.grp}) has no coverage over any region: no count column "
        "(as DA, whose count table has none for an empty .count file)"
        for s in samples
        if s.name not in columns
    ]
    lines += [f"[INFO] <samples> {name} {grp[name]} " for name in columns]
    n_a = sum(grp[name] == "A" for name in columns)
    n_b = len(columns) - n_a
    if n_a == 1 or n_b == 1:
        lines.append(
            "[WARNING] Performing Diff Analysis without replicate is not recommended "
            f"(Num of IDs: A, {n_a}; B, {n_b})."
        )
    lines.append(f"[INFO] <regions> union={n_union} with_coverage={n_counted} tested={n_tested}")
    path.write_text("\n".join(lines) + "\n")
    return path
