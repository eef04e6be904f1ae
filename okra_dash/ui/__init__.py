"""The Streamlit dashboard: the only layer that imports streamlit."""
