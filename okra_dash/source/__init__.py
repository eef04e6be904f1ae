"""Step 1 of the flow: read a workbook from the demo, a CSV folder, an .xlsx file or a Google Sheet.

Each reader turns what the spreadsheet stores into typed cells (a `Workbook`); nothing here judges them.
"""
