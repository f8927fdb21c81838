-- Phrase search: each document's word pairs, as hashed keys in a GIN index of their own, so that a
-- quoted phrase's candidates are the documents holding its words next to each other rather than
-- every document holding its words, found without reading a document (see search_phrase_pairs and
-- PostgresSearchIndex). Their own index rather than a second column of the words' index: searches
-- and similar questions read the words' index about 10 % faster alone (bench/search/latency-findings.md).
--
-- A pair is a lexeme, the next lexeme in the document and how many positions apart they are (stop
-- words hold positions but no lexeme): "reset my password" gives (reset, password, 2). Pairs are
-- hashed into 262,144 keys; a key shared with other pairs only adds candidates that the phrase
-- check then rejects. hashtext has been the same since PostgreSQL 8.4; were it ever to change,
-- `npm run reindex` rebuilds the keys.
CREATE FUNCTION "search_phrase_pairs"(document tsvector) RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT k), '{}') FROM (
    SELECT hashtext(p.lexeme || ' ' || lead(p.lexeme) OVER w || ' ' || (lead(p.pos) OVER w - p.pos)) & 262143 AS k
    FROM (SELECT u.lexeme, unnest(u.positions) AS pos FROM unnest(document) u) p
    WINDOW w AS (ORDER BY p.pos)) pairs
  WHERE k IS NOT NULL
$$;--> statement-breakpoint
-- The words' index is rebuilt after the backfill rather than given an entry for every row version.
DROP INDEX "search_documents_document_idx";--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "phrase_pairs" integer[];--> statement-breakpoint
UPDATE "search_documents" SET "phrase_pairs" = "search_phrase_pairs"("document");--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "phrase_pairs" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "search_documents_document_idx" ON "search_documents" USING gin ("document");--> statement-breakpoint
CREATE INDEX "search_documents_phrase_pairs_idx" ON "search_documents" USING gin ("phrase_pairs");
