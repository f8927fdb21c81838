-- Search documents carry the thread fields searches filter and order by (hand-edited: the
-- columns are filled from threads before they become NOT NULL, so an existing index keeps
-- working without a reindex), and keep their large values out of line.
DROP INDEX "search_documents_title_trgm_idx";--> statement-breakpoint
ALTER TABLE "search_documents" SET (toast_tuple_target = 128);--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "category_id" integer;--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "solved" boolean;--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "answered" boolean;--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "upvote_count" integer;--> statement-breakpoint
UPDATE "search_documents" d SET "category_id" = t."category_id", "solved" = t."accepted_reply_id" IS NOT NULL,
  "answered" = t."answered_at" IS NOT NULL, "created_at" = t."created_at", "upvote_count" = t."upvote_count"
  FROM "threads" t WHERE t."id" = d."thread_id";--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "category_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "solved" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "answered" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "created_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "search_documents" ALTER COLUMN "upvote_count" SET NOT NULL;
;--> statement-breakpoint
CREATE INDEX "search_documents_created_idx" ON "search_documents" USING btree ("created_at","thread_id");