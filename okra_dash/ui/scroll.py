"""Taking the reader to what a click opened or recorded: the browser keeps its scroll position across a rerun,
so a view that opens at the top of the page, or a step recorded at the bottom of a phone's screen after a tall
form closed, would be out of sight."""


def scroll_here(box, why: str, below: str = "4rem") -> None:
    """A 1-px frame at this point of `box` that scrolls itself into view, `below` the window's top (Streamlit's
    fixed header; a toast too). `why` makes each a new frame, whose script runs again (a frame unchanged since
    the last run is not reloaded)."""
    box.iframe(f"<script>/* {why} */ const me = window.frameElement;"
               f"me.style.scrollMarginTop = '{below}'; me.scrollIntoView({{block: 'start'}});</script>", height=1)
