-- Searches read two things outside the index's own tables: whether a matched thread is still
-- visible (threads.hidden_at, so a thread hidden before the outbox reindexes it is skipped at once)
-- and a tag filter's thread_tags. A kept search answer must move with both, so a thread's hiding or
-- showing and a tag added to or taken off a thread move the search index epoch (migration 0033)
-- too. Votes and replies (which only move a thread's activity and revision, copied into thread_tags
-- by migration 0034) move nothing here: the reindex that follows them does.
CREATE TRIGGER "threads_search_epoch" AFTER UPDATE OF "hidden_at" ON "threads" FOR EACH ROW
  WHEN ((OLD."hidden_at" IS NULL) IS DISTINCT FROM (NEW."hidden_at" IS NULL))
  EXECUTE FUNCTION "search_index_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "thread_tags_search_epoch" AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "tag_id", "thread_id" ON "thread_tags" FOR EACH STATEMENT
  EXECUTE FUNCTION "search_index_epoch_bump"();
