"""Write simulated results in ChIP-Atlas's file formats and pack the result ZIP.

Formats follow ``shared/ref/chipatlas_api.md`` §3-§6: the 2025 diffbind BED (8 columns, counts
with 2 decimals in sorted-ID order, logFC = log2(A/B), raw P and FDR), the legacy 2024 BED
(log2(B/A) with 2 decimals, log10 P/Q with 1 decimal), the 10-column metilene DMR BED, the IGV
BED (q < 0.1, score = q, orange for A and blue for B), the IGV session XML, the log and README.
Formatting is vectorised in DuckDB so a million rows take seconds.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from chromdiff.fakeapi.simulate import Simulated

SIMULATED_NOTE = "SIMULATED result from the chromdiff fake ChIP-Atlas server (not real data)"
_ORANGE, _BLUE = "222,131,68", "106,153,208"


def _copy_tsv(table: pa.Table, select_sql: str) -> str:
    con = duckdb.connect()
    try:
        con.register("t", table)
        lines = [r[0] for r in con.execute(f"select {select_sql} as line from t").fetchall()]
    finally:
        con.close()
    if lines:
        lines.append("")  # the last line ends with a newline too
    return "\n".join(lines)


def _counts_sql(prefix: str, n: int) -> str:
    parts = ", ".join(f"printf('%.2f', {prefix}{i})" for i in range(n))
    return f"concat_ws(',', {parts})"


def diffbind_bed(sim: Simulated, legacy: bool = False) -> str:
    """Return the main BED text of a diffbind result (2025 layout, or the 2024 one)."""
    cols = {"chrom": sim.chrom.astype(str), "start": sim.start, "stop": sim.stop,
            "logfc": sim.logfc, "p": sim.pvalue, "q": sim.qvalue}  # fmt: skip
    cols |= {f"a{i}": sim.counts_a[:, i] for i in range(sim.counts_a.shape[1])}
    cols |= {f"b{i}": sim.counts_b[:, i] for i in range(sim.counts_b.shape[1])}
    table = pa.table(cols)
    ca, cb = _counts_sql("a", sim.counts_a.shape[1]), _counts_sql("b", sim.counts_b.shape[1])
    if legacy:
        stats_sql = (
            "printf('%.2f', -logfc), printf('%.1f', log10(greatest(p, 1e-300))), "
            "printf('%.1f', log10(greatest(q, 1e-300)))"
        )
    else:
        stats_sql = "printf('%.15g', logfc), printf('%.8g', p), printf('%.8g', q)"
    sql = f"concat_ws(chr(9), chrom, start::varchar, stop::varchar, {ca}, {cb}, {stats_sql})"
    return _copy_tsv(table, sql)


def dmr_bed(rows: dict[str, np.ndarray]) -> str:
    """Return the 10-column metilene BED text of a dmr result.

    Printed as metilene prints it (metseg.c of metilene 0.2-7, its output loop): ``%.2g`` for
    q, the MWU p and the 2D KS p, ``%f`` for the difference, ``%.5g`` for the two means.
    """
    table = pa.table({k: (v.astype(str) if k == "chrom" else v) for k, v in rows.items()})
    sql = (
        "concat_ws(chr(9), chrom, start::varchar, stop::varchar, printf('%.2g', qvalue), "
        "printf('%f', meth_diff), n_cpgs::varchar, printf('%.2g', p_mwu), printf('%.2g', p_ks), "
        "printf('%.5g', mean_a), printf('%.5g', mean_b))"
    )
    return _copy_tsv(table, sql)


def igv_bed(main_bed: str, title: str, genome: str, ids_a, ids_b, desc_a, desc_b, dmr=False) -> str:
    """Return the IGV BED: a track line and BED9 rows with q < 0.1 (score = q).

    ``ids_a``/``ids_b`` are written as given: the server ``sort``s them first (DA:674-675).
    """
    lines = [f'track name="{title}" gffTags="on"']
    for row in main_bed.splitlines():
        # most rows fail q < 0.1: read q alone first (the 8th and last field of a diffbind row)
        if not dmr and row.count("\t") == 7 and not float(row.rsplit("\t", 1)[1]) < 0.1:
            continue
        f = row.split("\t")
        q, effect = (float(f[3]), float(f[4])) if dmr else (float(f[7]), float(f[5]))
        if not q < 0.1:
            continue
        name = (
            # the keys carry %20, the title and descriptions go in as given (awk -v, DA:689-692)
            f"Analysis%20title={title};Genome={genome};"
            f'SRXs%20("{desc_a}")={",".join(ids_a)};SRXs%20("{desc_b}")={",".join(ids_b)};'
        )
        if dmr:  # DA:694-703; Length = stop - start + 1 (DA:698)
            name += (
                f"Q-value={f[3]};Mean%20methylation%20difference={f[4]};"
                f"Length={int(f[2]) - int(f[1]) + 1};#CpGs={f[5]};P-value%20(MWU)={f[6]};"
                f"P-value%20(2D%20KS)={f[7]};"
                f'Mean%20methylation%20level%20("{desc_a}")={f[8]};'
                f'Mean%20methylation%20level%20("{desc_b}")={f[9]};'
            )
        else:
            name += (
                f'Normalized%20count%20("{desc_a}")={f[3]};Normalized%20count%20("{desc_b}")={f[4]};'
                f"LogFC={f[5]};P-value={f[6]};Q-value={f[7]};"
            )
        rgb = _ORANGE if effect > 0 else _BLUE
        lines.append("\t".join([f[0], f[1], f[2], name, str(q), ".", f[1], f[2], rgb]))
    return "\n".join(lines) + "\n"


def legacy_igv_bed(main_bed: str, title: str, genome: str, ids_a, ids_b, desc_a, desc_b) -> str:
    """Return the 2024 script's IGV BED (``make_igv``, its :575-595).

    The script is inutano/chip-atlas ``script/diff-analysis/diff_analysis_for_ChIP_ATAC_DNase.sh``.

    A track line, then the rows with log10 Q < -1 (``$8 < -1``): the SRX lists as the script
    holds them (submission order, GSMs mapped in place; ``SRXs%20(<label>)=`` without quotes,
    the awk string closing around the label), the counts, ``Log2(A/B)`` = minus the BED's
    log2(B/A), score = -log10 Q, orange when A is higher; a logFC of 0 has no colour and is not
    printed.
    """
    lines = [f'track name="{title}" gffTags="on"']
    for row in main_bed.splitlines():
        f = row.split("\t")
        if not float(f[7]) < -1:
            continue
        inverse = -float(f[5])
        if inverse == 0:
            continue
        name = (
            f"Analysis%20title={title};Genome={genome};SRXs%20({desc_a})={','.join(ids_a)};"
            f"SRXs%20({desc_b})={','.join(ids_b)};Normalized%20count%20({desc_a})={f[3]};"
            f"Normalized%20count%20({desc_b})={f[4]};Log2({desc_a}/{desc_b})={inverse:g};"
            f"Log%20P-val={f[6]};Log%20Q-val={f[7]}"
        )
        rgb = _ORANGE if inverse > 0 else _BLUE
        lines.append("\t".join([f[0], f[1], f[2], name, f"{-float(f[7]):g}", ".", f[1], f[2], rgb]))
    return "\n".join(lines) + "\n"


def session_xml(genome: str, ids_a, ids_b, title: str, dmr: bool = False) -> str:
    """Return an IGV session XML like ChIP-Atlas's (bigWig per experiment + the IGV BED)."""
    kind = "bs/methyl" if dmr else "bw"
    suffix = ".methyl.bw" if dmr else ".bw"
    res = "".join(
        f'    <Resource path="https://chip-atlas.dbcls.jp/data/{genome}/eachData/{kind}/{i}{suffix}"/>\n'
        for i in [*ids_a, *ids_b]
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {SIMULATED_NOTE} -->\n'
        f'<Session genome="{genome}" locus="All" version="8">\n  <Resources>\n{res}'
        f'    <Resource path="wabi_result.igv.bed" type="bed"/>\n  </Resources>\n</Session>\n'
    )


def _queried(text: str, group: int) -> list[str]:
    """Return the 2024 script's ``SRX_LST[group]`` at ``init_log``: the IDs as submitted.

    User-data lines are renamed ``url<group>_<k>`` by ``load_urls`` (:87-115); GSMs are not
    mapped yet.
    """
    out, k = [], 0
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("http"):
            k += 1
            out.append(f"url{group}_{k}")
        elif line:
            out.append(line)
    return out


def job_log(
    rid: str, params: dict, *, legacy=False, error: str | None = None, done=True,
    warnings: list[str] | None = None, samples: list[str] | None = None,
) -> str:  # fmt: skip
    """Return the job log (2025 tag format, or the legacy free text), marked simulated.

    2025 order (DA:759-777): Start, parameters, ``[WARNING]`` lines of the input steps, then
    either the ``[ERROR]`` that ends the job or edgeR's ``[INFO] <samples>`` lines (diffbind,
    edgeR.r:27-38) and, when ``done``, the End and Duration lines (DA:22-29).
    """
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if legacy:  # add_parameters_to_log, then init_log (2024 script :74-128)
        queried = "".join(
            f"  {params.get(desc, '')}: {','.join(_queried(params.get(ids, ''), i))}\n"
            for i, (desc, ids) in enumerate((("descriptionA", "bedAFile"),
                                             ("descriptionB", "bedBFile")))
        )  # fmt: skip
        text = (f"========= Parameters ========\n# {SIMULATED_NOTE}\n===== Diff Analysis =====\n"
                f"request ID = {rid}\n\nGenome = {params.get('genome')}\n\nQueried SRXs\n"
                f"{queried}\n")  # fmt: skip
        if error:
            return text + f"  ![ERROR] {error}\n!! Abnormal termination !!\n"
        return text + ("========= Finished! =========\n" if done else "Running edgeR ... \n")
    lines = [
        f"[INFO] <time> Start: {now}",
        f"[INFO] # {SIMULATED_NOTE}",
        '[INFO] <parameter> MODE="DA"',
        f'[INFO] <parameter> WABI_ID="{rid}"',
    ]
    # print_script_variables (DA:736-747): INPUT_A/INPUT_B are the ID-list files WABI passes
    # with -a/-b (DA:110-111; their real paths are WABI's, these are stand-ins)
    form = {"DESC_A": "descriptionA", "DESC_B": "descriptionB", "TITLE": "title",
            "GENOME": "genome", "METHOD": "antigenClass", "THRESHOLD": "threshold"}  # fmt: skip
    named = {"INPUT_A": f"{rid}.a.txt", "INPUT_B": f"{rid}.b.txt"}
    named |= {key: params.get(field, "") for key, field in form.items()}
    lines += [f'[INFO] <parameter> {key}="{value}"' for key, value in named.items()]
    lines += [f"[WARNING] {w}" for w in warnings or []]
    if error:
        lines.append(f"[ERROR] {error}")
    else:
        lines += samples or []
        if done:
            lines += [f"[INFO] <time> End: {now}", "[INFO] <time> Duration: 1 seconds"]
    return "\n".join(lines) + "\n"


README = (
    "# Description of the Downloaded Files\n\n" + SIMULATED_NOTE + "\n\n"
    "- wabi_result.bed: differential regions (standard BED)\n"
    "- wabi_result.igv.bed / wabi_result.xml: IGV track and session (keep them in one folder)\n"
    "- wabi_result.log: the run log (holds the WABI_ID)\n"
)


def result_zip(files: dict[str, str], *, slip=False, bomb=False, duplicate=False) -> bytes:
    """Pack ``files`` (name -> text) under ``wabi_result/``; optionally plant archive defects.

    Deflate level 1: the same format as the service's archive (a deflated ZIP), built ~3x faster
    than at the default level 6 (1M regions: ~1.6 s instead of 4.9 s, 20 % larger), which the
    simulated server otherwise spends while a client waits for the download.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in files.items():
            zf.writestr(f"wabi_result/{name}", text)
        if slip:
            zf.writestr("wabi_result/../../evil.bed", "chr1\t1\t2\n")
        if duplicate:
            zf.writestr("wabi_result/another.bed", "chr1\t1\t2\n")
        if bomb:
            zf.writestr("wabi_result/bomb.txt", "0" * (64 * 1024 * 1024))
    return buf.getvalue()
