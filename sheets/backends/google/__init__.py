"""The workbook on Google Sheets: gspread with retries, one read and one write per action."""
