-- One number that moves with every write to the PostgreSQL search engine's index, so a kept search
-- or similar-questions answer (src/search/postgres-index.ts) is used exactly while nothing it was
-- computed from changed. Bumped by a trigger, not by the indexer, so no writer can be missed
-- (a rebuild, a truncate, the tier job, a test writing rows directly).
CREATE TABLE "search_index_epoch" (
	"id" integer PRIMARY KEY NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL
);--> statement-breakpoint
INSERT INTO "search_index_epoch" ("id", "value") VALUES (1, 0);--> statement-breakpoint
-- BEFORE each statement, in the writer's transaction: the counter's row lock is the first lock an
-- indexing transaction takes, so indexers queue on it in one order (they already met on the
-- common words' rows of search_lexemes, in whatever order their documents listed them). A reader
-- reads the counter before it searches: what it then finds is at least as new as that value, and
-- the value moves again at the next write's commit.
CREATE FUNCTION "search_index_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "search_index_epoch" SET "value" = "value" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "search_documents_epoch" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "search_documents" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "search_vectors_epoch" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "search_vectors" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "search_lexemes_epoch" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "search_lexemes" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "search_terms_epoch" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "search_terms" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "search_tiers_epoch" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "search_tiers" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();
