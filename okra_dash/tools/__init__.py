"""Sheet tooling around the flow: the template, write-back of issues, add-week, generated workbooks, the benchmark."""
