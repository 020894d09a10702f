"""Repository-wide pytest setup: hypothesis profiles and thread limits.

Profiles (choose with ``FA_BOOK_HYPOTHESIS``):

* ``fast`` (default, used by CI): derandomized, 30 examples a property;
* ``thorough``: 500 random examples a property, for local runs.
"""

import os

import torch
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast",
    derandomize=True,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("FA_BOOK_HYPOTHESIS", "fast"))

# Two cores are shared by pytest workers; one intra-op thread each keeps runs repeatable.
torch.set_num_threads(1)

# The longest test files first: `pytest -n 2 --dist loadfile` hands whole files to the two
# workers in collection order, so a long file collected last would run alone at the end.
LONGEST_FIRST = ("test_pdf.py", "test_site.py", "test_layout.py", "test_figures_cli.py",
                 "test_notebooks.py", "test_generated_tables.py", "test_exercises.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: keeps the rest
