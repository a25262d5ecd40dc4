"""One module per database: PostgreSQL full-text search and SQLite FTS5.

`articles.search.backend()` picks one; each offers the same functions: `reindex(ids)`,
`candidate_ids(articles, text, parsed, limit)` (matches, newest first),
`ranked_ids(ids, text, parsed, limit)` (the best of those candidates, in rank order),
`id_list(ids)` (a one-parameter subquery of ids),
`snippets(ids, text, parsed)` and `corrections(words)`.
"""
