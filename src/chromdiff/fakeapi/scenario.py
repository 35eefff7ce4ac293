"""The knobs of the fake server: what to simulate and how to misbehave."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Scenario:
    """What the fake ChIP-Atlas server does.

    Attributes
    ----------
    result_format : {"diffbind_2025", "diffbind_2024", "dmr"}
        Layout of the main BED (``dmr`` is used automatically for dmr submissions).
    n_regions, seed : int
        Size and seed of the simulated result.
    polls_to_finish : int
        Probes (result-ready or status) answered "running" before the job finishes.
    fail_first_n, fail_status : int
        The first N requests (any endpoint) answer ``fail_status`` (500/503).
    rate_limit_first_n, retry_after : int
        The first N requests answer 429 with ``Retry-After``.
    reset_first_n : int
        The first N requests have their connection closed without an answer.
    stall_seconds, stall_on : float, str
        Sleep before answering requests of kind ``stall_on`` (submit/probe/status/log/zip/health).
    submit_lost_first_n, submit_lost_as : int, str
        The first N submissions are queued (the job exists and runs, as WABI queues it before
        answering) but the answer is lost: ``reset`` (connection closed), ``500`` (an error
        answer) or ``timeout`` (answered after ``stall_seconds``).
    zip_cut_first_n, zip_cut_as : int, str
        The first N ZIP downloads stop halfway: ``reset`` (TCP reset) or ``short`` (clean close
        before ``Content-Length`` bytes).
    zip_html_first_n : int
        The first N ZIP downloads answer 200 with an HTML error page (a proxy's), not the ZIP.
    probe_html_first_n : int
        The first N result-page probes answer 200 with the same proxy page instead of WABI's
        answer (an empty 200 once DA wrote the page, else 404; ChipatlasController.java:267-278,
        StreamToHtmlView.java:43-55); WABI never sees them, so the job does not advance.
    never_finish, job_error, health_down : bool
        Job stays running; job ends with an ``[ERROR]`` in its log and no ZIP; health check down.
    error_ids : tuple of str
        Jobs that include any of these experiment IDs fail like ``job_error`` (others succeed).
    corrupt_zip, truncated_zip, zip_slip, zip_bomb, duplicate_suffix, empty_result : bool
        Archive defects and an empty (header-less, zero-row) result.
    sex_confound, cluster, chrm_significant : bool
        Planted artefacts (chrY A-only signal, a dense cluster of significant regions on chr8,
        significant chrM regions).
    statistics : {"approx", "edger"}
        diffbind statistics: fast approximations for every region (default), or the numpy port
        of the server's edgeR steps (filterByExpr drops low-count regions; ~1 s per 3,000
        regions, for small results).
    wrong_organism_ids, wrong_assay_ids : tuple of str
        Experiments of another species / of the other assay: the job ends with DA's
        ``[ERROR] "<SRX>" does not correspond to an experiment for ...`` and, as DA's
        ``awk ... || exit 1`` skips ``handle_error``, never writes its result page (DA:338-359).
    never_runs : bool
        The job never runs: ``status: not-found`` for ever, no log (WabiJobInfo.java:187-200;
        inutano/chip-atlas issue #213).
    status_not_found_first_n : int
        The first N status answers for a job not yet finished read ``not-found`` although it
        runs: WABI's scheduler query failed (``qstatStatus`` swallows exceptions and unknown
        ``qstat`` output as "", WabiJobInfo.java:207-254, then :195-200 report not-found).
    no_result : bool
        The job finishes (status ``finished``) without a result page and without ``[ERROR]``.
    killed_as : str
        When set (a SLURM state: ``TIMEOUT``, ``OUT_OF_MEMORY``, ``FAILED``, ...), the job runs
        and is then killed by the scheduler: its script never reaches the wrapper's last line,
        which touches the finished marker (ChipatlasController.java:521), so the status reads
        ``not-found`` with the scheduler's account appended (WabiJobInfo.java:195-200; SLURM
        wording as check_wabi.sh:133-140 reads it), DA writes neither its End line (DA:777) nor
        ``[ERROR]``, and there is no result page and no ZIP.
    gsm_map : dict
        GSM -> SRX mapping of the server's experimentList; other GSMs are dropped with a
        ``[WARNING] "<GSM>" unmapped for <genome> ...`` line (DA:286-314).
    collation : {"C", "en_US"}
        Locale collation of the server's glob of ``<SRX>.count`` files, which sets the count
        column order (DA:537) and of ``sort`` (IGV lists, DA:674).
    label_counts : bool
        Region 1's normalised count of each experiment is ``(SRX number mod 100000) / 100``, so a
        test can tell which experiment a value belongs to without reading the log.
    redirect_to : str
        When set (an endpoint URL ending in ``/wabi/chipatlas/``), every request is answered
        ``301 Moved Permanently`` to the same path and query under it: an endpoint that moved,
        as chip-atlas.org's did (inutano/chip-atlas 4291e04 ``http`` -> ``https``, b81c1c2
        ``ddbj.nig.ac.jp`` -> ``dtn1.ddbj.nig.ac.jp``; now app.rb:66).
    rid_millis, rid_suffix : int or None
        Force the milliseconds and random suffix of request IDs (default: the time, not
        zero-padded, and a random 0..1000000, i.e. 6 or 7 digits; ChipatlasJobInfo.java:148-155).
    """

    result_format: str = "diffbind_2025"
    n_regions: int = 5000
    seed: int = 7
    polls_to_finish: int = 2
    fail_first_n: int = 0
    fail_status: int = 503
    rate_limit_first_n: int = 0
    retry_after: int = 1
    reset_first_n: int = 0
    stall_seconds: float = 0.0
    stall_on: str = ""
    submit_lost_first_n: int = 0
    submit_lost_as: str = "reset"
    zip_cut_first_n: int = 0
    zip_cut_as: str = "reset"
    zip_html_first_n: int = 0
    probe_html_first_n: int = 0
    never_finish: bool = False
    job_error: bool = False
    error_ids: tuple[str, ...] = ()
    health_down: bool = False
    corrupt_zip: bool = False
    truncated_zip: bool = False
    zip_slip: bool = False
    zip_bomb: bool = False
    duplicate_suffix: bool = False
    empty_result: bool = False
    sex_confound: bool = False
    cluster: bool = False
    chrm_significant: bool = False
    statistics: str = "approx"
    wrong_organism_ids: tuple[str, ...] = ()
    wrong_assay_ids: tuple[str, ...] = ()
    never_runs: bool = False
    status_not_found_first_n: int = 0
    no_result: bool = False
    killed_as: str = ""
    gsm_map: dict = field(default_factory=dict)
    collation: str = "C"
    label_counts: bool = False
    redirect_to: str = ""
    rid_millis: int | None = None
    rid_suffix: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        """Build a scenario from a dict, refusing unknown knobs."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown scenario knobs: {', '.join(unknown)}")
        data = dict(data)
        for name in ("error_ids", "wrong_organism_ids", "wrong_assay_ids"):
            if name in data:
                data[name] = tuple(data[name])
        return cls(**data)
