# The cache tests' fixtures (the app in each cache mode) serve the operations endpoints too.
from tests.cache.conftest import cache_mode, key_prefix, make_app

__all__ = ["cache_mode", "key_prefix", "make_app"]
