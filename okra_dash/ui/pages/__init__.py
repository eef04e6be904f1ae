"""The dashboard's pages, each a script that st.navigation runs (a package, so the import contracts see them)."""

from pathlib import Path

# Found through the package, so an installed okra-dash runs app.py from anywhere.
FOLDER = Path(__file__).parent
