"""The Streamlit dashboard: the only layer that imports streamlit."""

from pathlib import Path

# The browser tab's icon, a target. A file, not the 🎯 emoji: Streamlit checks an emoji icon against its emoji
# catalogue, which it loads and compiles on first use (0.1 s of the first page after start), and a Material icon
# is fetched from Google's font server.
ICON = Path(__file__).parent / "favicon.svg"
TOUCH_CSS = Path(__file__).parent / "touch.css"  # room for the tables' toolbars on a touch screen
PHONE_NAV = Path(__file__).parent / "phone_nav.html"  # closes the sidebar after choosing a page on a phone
