"""City-scale synthetic data and the benchmark harness, a Django app without models.

``bench.generate`` writes a deterministic synthetic city (``manage.py generate_city``);
``bench.run`` drives ``make bench``.
"""
