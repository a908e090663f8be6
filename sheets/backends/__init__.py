"""The two places a workbook can live: a local SQLite file or a Google spreadsheet."""
