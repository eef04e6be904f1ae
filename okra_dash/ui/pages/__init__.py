"""The dashboard's pages, each a script that st.navigation runs (a package so the import contracts see them)."""
