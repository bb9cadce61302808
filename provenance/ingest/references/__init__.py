"""Reference strings into fields: segments, parts, patterns, dates, languages, COinS. Pure."""
