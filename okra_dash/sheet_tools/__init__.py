"""What okra-dash writes for the people who fill in the sheet: the template, add-week and write-back."""
