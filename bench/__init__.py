"""City-scale synthetic data and the benchmark harness (not a Django app).

``bench.generate`` writes a deterministic synthetic city; ``bench.run`` drives ``make bench``.
"""
