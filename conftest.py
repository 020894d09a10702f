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
