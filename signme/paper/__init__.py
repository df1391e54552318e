"""Paper work: printing numbered sheets, logging returns, typing rows up,
filing scans. Sheets themselves are core objects (petitions.models.Sheet)."""
