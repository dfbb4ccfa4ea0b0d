"""English dates in tables and lists: ISO 8601 (2025-07-01), which no reader can take for 7 January; Japanese
keeps Django's 2025/07/01. Long dates (``jdate``) keep Django's English format."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
