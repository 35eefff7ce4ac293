"""BETA 1.0.7 ``basic`` (score method), step for step: regulatory potential, groups, KS, targets.

Every function follows one piece of BETA's source (github suwangbio/BETA, ``BETA_1.0.7/BETA/``);
the file:line is in each docstring and in ``docs/integration.md``. Quirks are kept on purpose
(this mode exists to give BETA's numbers); each one is named where it happens. Plain Python on
lists, in BETA's order, so that float sums and stable sorts come out exactly as BETA's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from chromdiff.errors import InputError
from chromdiff.integration.beta_ks import KsResult, ks_greater

#: Chromosomes BETA scores (``PScore.py:8``); other refseq rows are skipped.
BETA_CHROMS = frozenset([f"chr{i}" for i in range(1, 23)] + ["chrX", "chrY"])
#: BETA keeps at most this many peaks per gene (``PScore.py:226``).
MAX_PEAKS_PER_GENE = 10_000


@dataclass(frozen=True)
class BetaOptions:
    """BETA ``basic`` options that change the function prediction or the targets.

    ``da``: ``--da`` (a fraction of each sign's genes when <= 1, else a count; default 0.5);
    ``pn``: ``--pn`` top peaks by score (10000); ``distance``: ``-d`` bp (100 kb, strictly <);
    ``df``: ``--df`` FDR threshold of DE genes (1: all); ``cutoff``: ``-c`` KS p cutoff that
    selects the groups whose targets are ranked (0.001); ``gname2``: ``--gname2``, IDs are
    gene symbols instead of RefSeq accessions; ``boundary``: ``--bl``, peaks beyond the nearest
    CTCF boundary on either side of a gene do not count; ``bf``: ``--bf``, the boundary BED
    (default with ``--bl``: BETA's hg19 CTCF sites).
    """

    da: float = 0.5
    pn: int = 10_000
    distance: int = 100_000
    df: float = 1.0
    cutoff: float = 0.001
    gname2: bool = False
    boundary: bool = False
    bf: str | None = None

    def validated(self) -> BetaOptions:
        """Return self or raise :class:`InputError` naming the bad option."""
        if not self.da >= 0:  # OptValidator.py:66
            raise InputError(f"--da {self.da:g}: must be >= 0 (a fraction <= 1 or a count > 1)")
        if self.da > 1 and self.da != int(self.da):
            raise InputError(f"--da {self.da:g}: a count above 1 must be a whole number")
        if self.pn < 1:
            raise InputError(f"--pn {self.pn}: must be >= 1")
        if not 0 < self.distance <= 10_000_000:
            raise InputError(f"--distance {self.distance}: must be in (0, 10 Mb]")
        if not 0 <= self.df <= 1:
            raise InputError(f"--df {self.df}: must be in [0, 1]")
        if not 0 <= self.cutoff <= 1:
            raise InputError(f"--cutoff {self.cutoff}: must be in [0, 1]")
        if self.bf is not None and not self.boundary:
            raise InputError("--bf is used only with --bl (BETA ignores it otherwise)")
        return self


@dataclass
class Transcript:
    """One row of BETA's refseq table and its score (``PScore.py:180``: chrom, refseq, ...)."""

    refseq: str
    chrom: str
    strand: str
    tx_start: int
    tx_end: int
    symbol: str
    score: float = 0.0
    n_peaks: int = 0
    file_rank: int | None = None  # BETA's rank column (PScore.py:270-278); None for 'NA'

    @property
    def tss(self) -> int:
        """TxStart on +, txEnd on − (``PScore.py:188-194``)."""
        return self.tx_start if self.strand == "+" else self.tx_end

    @property
    def score_text(self) -> str:
        """The score as BETA writes it to ``NAME.txt`` (``'%.3f'``, ``PScore.py:275``)."""
        return f"{self.score:.3f}"


@dataclass(frozen=True)
class Peak:
    """A BED row as BETA reads it (``PScore.py:153``)."""

    chrom: str
    start: int
    end: int
    name: str
    score: float


@dataclass
class DeGroups:
    """BETA's DE classes and the three gene lists fed to the KS test (``expr_combine.py``)."""

    up: list[tuple[str, float]]
    down: list[tuple[str, float]]
    nochange: list[tuple[str, float]]
    n_up_selected: int
    n_down_selected: int
    up_ids: list[str]
    down_ids: list[str]
    background_ids: list[str]
    background_rule: str
    upranks: dict[str, tuple[float, int | None]] = field(default_factory=dict)
    downranks: dict[str, tuple[float, int | None]] = field(default_factory=dict)


def clean_id(raw: str) -> str:
    """BETA's ID clean-up (``expr_combine.py:64-70``).

    ``strip('"_at"')`` removes the *characters* ``"``, ``_``, ``a``, ``t`` from both ends (so
    ``NM_001_at`` → ``NM_001``, but also the mouse symbol ``Cd8a`` → ``Cd8``), then everything from
    the first ``.<digit>`` is dropped (``NM_001077.2`` → ``NM_001077``).
    """
    ident = raw.strip('"_at"')  # noqa: B005 - BETA's exact call
    m = re.search(r"\.\d", ident)
    return ident if not m else ident[: m.start()]


def is_mangled(raw: str) -> bool:
    """Say whether :func:`clean_id` changes ``raw`` beyond dropping ``"``, ``_at`` and ``.N``."""
    plain = raw.strip('"')
    plain = plain[:-3] if plain.endswith("_at") else plain
    m = re.search(r"\.\d", plain)
    return clean_id(raw) != (plain if not m else plain[: m.start()])


def top_peaks(peaks: list[Peak], pn: int) -> list[Peak]:
    """Return the ``pn`` best peaks by score (``PScore.py:142-147``: stable sort, descending).

    Ties keep file order; peaks on every chromosome (chrM, contigs) take part in the top ``pn``.
    """
    ranked = sorted(peaks, key=lambda p: p.score, reverse=True)
    return ranked[:pn] if len(ranked) > pn else ranked


#: Boundaries per chromosome: (sorted starts, sorted ends).
Boundaries = dict[str, tuple[list[int], list[int]]]


def boundary_limits(tx: Transcript, boundaries: Boundaries | None) -> tuple[int, int]:
    """BETA's CTCF limits of a transcript (``PScore.py:195-218``).

    ``uplimit``: the largest boundary end < TSS (0 if none); ``downlimit``: the smallest boundary
    start > TTS (250,000,000 if none), with TSS/TTS = txStart/txEnd on + and txEnd/txStart on −
    (so on − both limits are taken from the other end, as BETA does).
    """
    if boundaries is None:
        return 0, 250_000_000
    from bisect import bisect_left, bisect_right

    starts, ends = boundaries.get(tx.chrom, ([], []))
    tss = tx.tss
    tts = tx.tx_end if tx.strand == "+" else tx.tx_start
    i = bisect_left(ends, tss)
    j = bisect_right(starts, tts)
    return (ends[i - 1] if i else 0), (starts[j] if j < len(starts) else 250_000_000)


def score_transcripts(
    transcripts: list[Transcript],
    peaks: list[Peak],
    distance: int,
    boundaries: Boundaries | None = None,
) -> None:
    """Regulatory potential of each transcript, in place (``PScore.py:187-230``).

    ``S = sum(exp(-0.5 - 4 * t))`` over peaks on the transcript's chromosome whose centre
    ``(start + end) // 2`` (integer, Python 2 ``/``) lies *strictly* closer than ``distance`` to
    the TSS, ``t = |centre - TSS| * 1.0 / distance``, summed in increasing ``t`` (at most 10,000
    per transcript). With ``boundaries`` (``--bl``), a peak also needs ``end >= uplimit`` and
    ``start <= downlimit`` (:func:`boundary_limits`, ``PScore.py:224``).
    """
    by_chrom: dict[str, list[tuple[int, int, int]]] = {}
    for p in peaks:
        by_chrom.setdefault(p.chrom, []).append(((p.start + p.end) // 2, p.start, p.end))
    for rows in by_chrom.values():
        rows.sort()
    keys = {c: [r[0] for r in rows] for c, rows in by_chrom.items()}
    from bisect import bisect_left, bisect_right

    for tx in transcripts:
        rows, centres = by_chrom.get(tx.chrom, []), keys.get(tx.chrom, [])
        tss = tx.tss
        lo = bisect_right(centres, tss - distance)  # |c - tss| < distance
        hi = bisect_left(centres, tss + distance)
        up, down = boundary_limits(tx, boundaries)
        ts = sorted(
            abs(c - tss) * 1.0 / distance
            for c, start, end in rows[lo:hi]
            if not end < up and not start > down
        )
        ts = ts[:MAX_PEAKS_PER_GENE]
        tx.n_peaks = len(ts)
        tx.score = sum([math.exp(-0.5 - 4 * t) for t in ts])


def rank_file(transcripts: list[Transcript]) -> list[Transcript]:
    """BETA's ``NAME.txt``: transcripts by score, descending, stable (``PScore.py:240, 265-279``).

    The rank column counts every line (1, 2, ...) but is ``NA`` where ``'%.3f'`` gives 0.000.
    """
    ordered = sorted(transcripts, key=lambda t: t.score, reverse=True)
    for r, tx in enumerate(ordered, start=1):
        tx.file_rank = None if tx.score_text == "0.000" else r
    return ordered


def _competition_ranks(items: list[tuple[str, object]]) -> dict[str, int]:
    """``1, 2, 2, 4`` ranks of an already sorted list (``Up_Down_score.py:95-109``)."""
    ranks: dict[str, int] = {}
    rank, same = 1, 0
    previous = items[0][1] if items else None
    for key, value in items:
        if value == previous:
            same += 1
        else:
            rank += same
            same = 1
        previous = value
        ranks[key] = rank
    return ranks


def rp_ranks(ordered: list[Transcript], gname2: bool) -> dict[str, int]:
    """Rank of each gene ID by regulatory potential, 1 = best (``Up_Down_score.py:65-127``).

    Read back from ``NAME.txt`` (scores rounded to 3 decimals). BETA's ``try/except`` resets
    a RefSeq's list when its symbol is new and a symbol's list whenever a new RefSeq carries it
    (lines 77-82). RefSeq IDs: the largest score of the ID. Symbols (``--gname2``): sorted by
    the whole list of scores (line 92 sorts ``symbolscores``, not ``symbolscore``).
    """
    refscores: dict[str, list[float]] = {}
    symbolscores: dict[str, list[float]] = {}
    for tx in ordered:
        s = float(tx.score_text)
        try:
            refscores[tx.refseq].append(s)
            symbolscores[tx.symbol].append(s)
        except KeyError:
            refscores[tx.refseq] = [s]
            symbolscores[tx.symbol] = [s]
    if not gname2:
        best = {g: max(v) for g, v in refscores.items()}
        items = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    else:
        items = sorted(symbolscores.items(), key=lambda kv: kv[1], reverse=True)
    return _competition_ranks(items)


def classify(rows: list[tuple[str, float | None, float | None]]) -> tuple[list, list, list]:
    """Split DE rows by the sign of the status column (``expr_combine.py:49-88``).

    ``rows``: (cleaned ID, logFC or None for NA, FDR or None). logFC > 0 up, < 0 down, 0 or NA
    no change (NA: FDR 1). An NA FDR with a logFC makes BETA stop (``float('NA')``); chromdiff
    reads it as 1 (least significant) and counts it in a note.
    """
    up, down, nochange = [], [], []
    for ident, lfc, fdr in rows:
        if lfc is None:
            nochange.append((ident, 1.0))
            continue
        f = 1.0 if fdr is None else fdr
        if lfc > 0:
            up.append((ident, f))
        elif lfc < 0:
            down.append((ident, f))
        else:
            nochange.append((ident, f))
    return up, down, nochange


def _top(genes: list[tuple[str, float]], n: int, df: float, ranks: dict) -> int:
    """Rank the ``n`` most significant genes by FDR (``expr_combine.py:117-135``)."""
    selected = 0
    minq = genes[0][1] if genes else None
    rank, same = 1, 0
    for i in range(n):
        ident, q = genes[i]
        if q <= df:
            if q == minq:
                same += 1
            else:
                rank += same
                same = 1
            minq = q
            ranks[ident] = (q, rank)
            selected += 1
        else:
            ranks[ident] = (q, None)
    for ident, q in genes[n:]:
        ranks[ident] = (q, None)
    return selected


def de_groups(rows: list[tuple[str, float | None, float | None]], opts: BetaOptions) -> DeGroups:
    """Up, down and background gene lists (``expr_combine.py:91-193``).

    Up/down: each sign sorted by FDR (stable), the top ``--da`` (a fraction of that sign's genes
    when <= 1, truncated; else a count) with FDR <= ``--df``. Background: the
    ``(n_up + n_down) // 2`` least significant no-change genes (logFC 0 or NA, sorted by FDR
    descending); with fewer no-change genes than that, all of them plus the least significant
    ``(need - n) // 2`` up and down genes; with none (or exactly as many, BETA's ``elif``
    uses ``<``), the least significant ``n_up // 2`` up and ``n_down // 2`` down genes.
    """
    up, down, nochange = classify(rows)
    up.sort(key=lambda g: g[1])
    down.sort(key=lambda g: g[1])
    nochange.sort(key=lambda g: g[1], reverse=True)
    if opts.da <= 1:
        c, d = int(len(up) * opts.da), int(len(down) * opts.da)
    else:
        c = d = int(opts.da)
    for sign, genes, n in (("up", up, c), ("down", down, d)):
        if not genes:
            raise InputError(
                f"BETA mode: the DE table has no {sign}-regulated gene (logFC "
                f"{'>' if sign == 'up' else '<'} 0); BETA needs both signs"
            )
        if n > len(genes):
            raise InputError(
                f"--da {opts.da:g} asks for the top {n} {sign}-regulated genes but the DE table "
                f"has only {len(genes)} (logFC {'>' if sign == 'up' else '<'} 0); use --da <= "
                f"{len(genes)} or a fraction"
            )
    g = DeGroups(up, down, nochange, 0, 0, [], [], [], "")
    g.n_up_selected = _top(up, c, opts.df, g.upranks)
    g.n_down_selected = _top(down, d, opts.df, g.downranks)
    newc, newd = g.n_up_selected, g.n_down_selected
    g.up_ids = [i for i, _ in up[:newc]]
    g.down_ids = [i for i, _ in down[:newd]]
    need = (newc + newd) // 2
    if nochange and len(nochange) > need:
        g.background_ids = [i for i, _ in nochange[:need]]
        g.background_rule = f"the {need} least significant no-change genes"
    elif nochange and len(nochange) < need:
        extra = (need - len(nochange)) // 2
        g.background_ids = [i for i, _ in nochange]
        g.background_ids += [up[-m - 1][0] for m in range(extra)]
        g.background_ids += [down[-m - 1][0] for m in range(extra)]
        g.background_rule = (
            f"all {len(nochange)} no-change genes + the {extra} least significant up and down"
        )
    else:
        tail_up, tail_down = newc // 2, newd // 2
        g.background_ids = [i for i, _ in up[len(up) - tail_up :]] if tail_up else []
        g.background_ids += [i for i, _ in down[len(down) - tail_down :]] if tail_down else []
        g.background_rule = (
            f"the {tail_up} least significant up + {tail_down} least significant down genes"
        )
    return g


def _scores(ids: list[str], ranks: dict[str, int], dedupe: bool) -> list[float]:
    """Ranks of a gene list (``Up_Down_score.py:34-63, 129-142, 303-310``).

    Empty IDs are skipped (``read_gn_group``); gene sets are de-duplicated (``set``), the
    background is not; IDs without a score are left out.
    """
    ids = [i for i in ids if i.strip()]
    if dedupe:
        ids = list(dict.fromkeys(ids))
    return [float(ranks[i]) for i in ids if i in ranks]


def _as_r_vector(values: list[float]) -> list[float]:
    """Return the vector R sees: ``c(first, middle..., last)``, so one value becomes two.

    ``write_R_code``, ``Up_Down_score.py:171-185``.
    """
    return values * 2 if len(values) == 1 else values


def function_prediction(
    groups: DeGroups, ranks: dict[str, int]
) -> tuple[dict[str, KsResult], dict[str, list[float]]]:
    """KS test of up and down ranks against the background (``Up_Down_score.py:144-236``).

    Returns the results by group and the rank vectors tested (``up``, ``down``, ``background``).
    """
    vectors = {
        "up": _as_r_vector(_scores(groups.up_ids, ranks, dedupe=True)),
        "down": _as_r_vector(_scores(groups.down_ids, ranks, dedupe=True)),
        "background": _as_r_vector(_scores(groups.background_ids, ranks, dedupe=False)),
    }
    for name, vec in vectors.items():
        if not vec:
            raise InputError(
                f"BETA mode: no {name} gene is in the RefSeq table (0 of "
                f"{len(getattr(groups, name + '_ids'))} IDs match): the ID column must hold "
                "RefSeq accessions (NM_/NR_), or gene symbols with --gname2"
            )
    res = {g: ks_greater(vectors[g], vectors["background"]) for g in ("up", "down")}
    return res, vectors


@dataclass(frozen=True)
class Target:
    """One ranked target (``expr_combine.py:244-376``, ``permp.py:64-74``)."""

    group: str
    target_rank: int
    gene: str
    refseq: str
    symbol: str
    chrom: str
    tx_start: int
    tx_end: int
    strand: str
    score_text: str
    binding_rank: int
    expression_rank: int
    rank_product: float


def _prank(ordered: list[Transcript], gname2: bool) -> dict[str, Transcript]:
    """Per gene ID, the ``NAME.txt`` line with the smallest rank, ``NA`` last (lines 262-289)."""
    lines: dict[str, list[Transcript]] = {}
    for tx in ordered:
        if tx.chrom in BETA_CHROMS:
            lines.setdefault(tx.symbol if gname2 else tx.refseq, []).append(tx)
    key = lambda t: (t.file_rank is None, t.file_rank or 0)  # noqa: E731 - py2: int < 'NA'
    return {g: sorted(txs, key=key)[0] for g, txs in lines.items()}


def targets(
    selected: list[str],
    groups: DeGroups,
    ordered: list[Transcript],
    totals: tuple[int, int],
    gname2: bool,
) -> list[Target]:
    """Rank product of binding and expression ranks for each selected group (BETA's targets).

    Binding rank: *dense* rank of the genes' ``'%.3f'`` score **strings**, sorted as strings
    (line 307: ``'9.5' > '10.2'``). Expression rank: the group's FDR rank. Rank product
    ``(b / N) * (e / N)`` with ``N = totals[p]``, ``p`` the position in ``selected`` (line 364:
    when only ``down`` is selected BETA divides by the number of *up* genes). Ascending,
    stable; genes whose rank is ``NA`` on either side are left out.
    """
    prank = _prank(ordered, gname2)
    out: list[Target] = []
    for p, group in enumerate(selected):
        eranks = groups.upranks if group == "up" else groups.downranks
        binding = [(g, prank[g]) for g in eranks if g in prank and prank[g].file_rank is not None]
        binding.sort(key=lambda gt: gt[1].score_text, reverse=True)
        brank: dict[str, int] = {}
        rank, maxscore = 1, binding[0][1].score_text if binding else None
        for g, tx in binding:
            if tx.score_text != maxscore:
                rank += 1
            brank[g] = rank
            maxscore = tx.score_text
        n = totals[p]
        data = []
        for g in eranks:
            if g in prank and eranks[g][1] is not None and prank[g].file_rank is not None:
                rp = (float(brank[g]) / float(n)) * (float(eranks[g][1]) / float(n))
                data.append((g, brank[g], eranks[g][1], rp))
        data.sort(key=lambda x: x[-1])
        for k, (g, b, e, rp) in enumerate(data, start=1):
            tx = prank[g]
            out.append(
                Target(
                    group,
                    k,
                    g,
                    tx.refseq,
                    tx.symbol,
                    tx.chrom,
                    tx.tx_start,
                    tx.tx_end,
                    tx.strand,
                    tx.score_text,
                    b,
                    e,
                    rp,
                )
            )
    return out


@dataclass
class BetaResult:
    """Everything one BETA basic run computes."""

    peaks_used: list[Peak]
    ordered: list[Transcript]
    ranks: dict[str, int]
    groups: DeGroups
    ks: dict[str, KsResult]
    vectors: dict[str, list[float]]
    selected: list[str]
    targets: list[Target]


def run_beta(
    transcripts: list[Transcript],
    peaks: list[Peak],
    rows: list[tuple[str, float | None, float | None]],
    opts: BetaOptions,
    boundaries: Boundaries | None = None,
) -> BetaResult:
    """BETA ``basic`` with ``--method score`` (``runbeta.py:53-77``), motif step excluded.

    ``transcripts``: BETA's refseq table in file order (rows off BETA's chromosomes are
    dropped here); ``peaks``: the peak file in order; ``rows``: (raw ID, logFC, FDR) of the DE
    table in order (IDs are cleaned here as BETA does); ``boundaries``: CTCF sites, used when
    ``opts.boundary`` (``--bl``).
    """
    opts = opts.validated()
    txs = [t for t in transcripts if t.chrom in BETA_CHROMS]
    used = top_peaks(peaks, opts.pn)
    if opts.boundary and boundaries is None:
        raise InputError("--bl needs a CTCF boundary file (BETA ships hg19's; else give --bf)")
    score_transcripts(txs, used, opts.distance, boundaries if opts.boundary else None)
    ordered = rank_file(txs)
    ranks = rp_ranks(ordered, opts.gname2)
    groups = de_groups([(clean_id(i), lfc, q) for i, lfc, q in rows], opts)
    ks, vectors = function_prediction(groups, ranks)
    # combine() reads R's write.table output: 15 significant digits (expr_combine.py:224-233)
    selected = [g for g in ("up", "down") if float(f"{ks[g].p_value_r:.15g}") <= opts.cutoff]
    totals = (len(groups.up), len(groups.down))
    tg = targets(selected, groups, ordered, totals, opts.gname2)
    return BetaResult(used, ordered, ranks, groups, ks, vectors, selected, tg)
