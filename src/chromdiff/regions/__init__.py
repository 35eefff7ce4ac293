"""One reader for every region file (BED3..BED6+, narrowPeak, DiffBind reports, MACS tables).

:func:`chromdiff.regions.reader.read_regions` is what ``chromdiff annotate --regions`` uses;
``chromdiff integrate`` scans its peak table with the same layout detection and types its
coordinates with the same checks (:mod:`chromdiff.regions.coords`).
"""
