"""The roster spreadsheet (台账) in and out of the database: import, export, upload."""
