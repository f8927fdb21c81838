-- A list page's stamp (getListStamp) reads its threads' ids and revisions from the list's own index
-- (index-only: revision is INCLUDEd) and one counter for everything else every list shows: authors'
-- names and roles and the categories. Before: 31 heap fetches for the revisions, 31 author lookups
-- and a digest of every category per request.
CREATE TABLE "forum_list_epoch" (
	"id" integer PRIMARY KEY NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL
);--> statement-breakpoint
INSERT INTO "forum_list_epoch" ("id", "value") VALUES (1, 0);--> statement-breakpoint
-- Triggers rather than calls in each writer: a name or role is written by several domains
-- (accounts, moderation, SSO, imports) and a missed writer would leave every list stale.
CREATE FUNCTION "forum_list_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "forum_list_epoch" SET "value" = "value" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_forum_list_epoch" AFTER UPDATE OF "display_name", "role" ON "users" FOR EACH ROW
  WHEN (OLD."display_name" IS DISTINCT FROM NEW."display_name" OR OLD."role" IS DISTINCT FROM NEW."role")
  EXECUTE FUNCTION "forum_list_epoch_bump"();--> statement-breakpoint
CREATE TRIGGER "categories_forum_list_epoch" AFTER INSERT OR UPDATE OR DELETE ON "categories" FOR EACH STATEMENT
  EXECUTE FUNCTION "forum_list_epoch_bump"();--> statement-breakpoint
DROP INDEX IF EXISTS "threads_latest_idx";--> statement-breakpoint
CREATE INDEX "threads_latest_idx" ON "threads" USING btree ("last_activity_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("revision") WHERE "threads"."hidden_at" is null;--> statement-breakpoint
DROP INDEX IF EXISTS "threads_created_idx";--> statement-breakpoint
CREATE INDEX "threads_created_idx" ON "threads" USING btree ("created_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("revision") WHERE "threads"."hidden_at" is null;--> statement-breakpoint
DROP INDEX IF EXISTS "threads_category_latest_idx";--> statement-breakpoint
CREATE INDEX "threads_category_latest_idx" ON "threads" USING btree ("category_id", "last_activity_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("revision") WHERE "threads"."hidden_at" is null;--> statement-breakpoint
DROP INDEX IF EXISTS "threads_unanswered_idx";--> statement-breakpoint
CREATE INDEX "threads_unanswered_idx" ON "threads" USING btree ("last_activity_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("revision") WHERE "threads"."hidden_at" is null and "threads"."answered_at" is null;--> statement-breakpoint
DROP INDEX IF EXISTS "threads_solved_idx";--> statement-breakpoint
CREATE INDEX "threads_solved_idx" ON "threads" USING btree ("last_activity_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("revision") WHERE "threads"."hidden_at" is null and "threads"."accepted_reply_id" is not null;
