"""Step 4: the figures, from the named queries in `sql/`, as one review for a date; links and exports of them."""
