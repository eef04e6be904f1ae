"""okra-dash's benchmarks, run from a checkout (`python -m bench`): not part of the installed package."""
