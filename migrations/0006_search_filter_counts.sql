-- The search engine counts documents per filter value next to its word counts (search_lexemes
-- rows whose key starts with a space, which no lexeme does), to judge how much of the forum a
-- filtered search may match. Counted here once for an existing index; indexing keeps them.
INSERT INTO "search_lexemes" ("lexeme", "doc_count")
SELECT f."key", count(*)::int FROM "search_documents" d,
  LATERAL (VALUES (' category ' || d."category_id"), (CASE WHEN d."solved" THEN ' solved' END),
                  (CASE WHEN NOT d."answered" THEN ' unanswered' END)) f("key")
WHERE f."key" IS NOT NULL
GROUP BY f."key"
ON CONFLICT ("lexeme") DO UPDATE SET "doc_count" = excluded."doc_count";
