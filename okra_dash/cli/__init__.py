"""The command line (`okra-dash`, `python -m okra_dash`): a thin layer over sync, store and figures."""
