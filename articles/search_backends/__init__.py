"""One module per database: PostgreSQL full-text search and SQLite FTS5.

`articles.search.backend()` picks one; each offers the same functions: `reindex(ids)`,
`candidates(text, parsed, language, within, limit)` (matches newest first, each a
`articles.search.Candidate`: its id, a rank order key and its country, area and tag ids),
`snippets(ids, text, parsed, language)` and `corrections(words, language)`.
"""
