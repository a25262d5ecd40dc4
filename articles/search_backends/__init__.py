"""One module per database: PostgreSQL full-text search and SQLite FTS5.

`articles.search.backend()` picks one; each offers the same functions: `reindex(ids)`,
`ranked_ids(articles, text, parsed)`, `id_list(ids)` (a one-parameter subquery of ids),
`snippets(ids, text, parsed)` and `corrections(words)`.
"""
