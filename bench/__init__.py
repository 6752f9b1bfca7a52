"""Benchmarks. Every figure is reported beside a bare baseline measured on the same machine in the
same run, and the ratio is the result: absolute numbers vary with the machine, ratios much less."""
