"""Benchmark of the local pipeline against a plain pyBigWig + pandas + R edgeR script."""
