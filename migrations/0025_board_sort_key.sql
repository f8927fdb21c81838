ALTER TABLE "queue_priorities" ADD COLUMN "open" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "queue_priorities" ADD COLUMN "assignee_id" integer;--> statement-breakpoint
ALTER TABLE "queue_priorities" ADD CONSTRAINT "queue_priorities_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The copies start from the items as they are; from here on the priority recompute keeps them.
UPDATE "queue_priorities" p SET "open" = i."state" NOT IN ('resolved', 'wont_fix'), "assignee_id" = i."assignee_id" FROM "queue_items" i WHERE i."id" = p."item_id";--> statement-breakpoint
CREATE INDEX "queue_items_due_idx" ON "queue_items" USING btree ((least(case when "first_response_at" is null then "first_response_due_at" end, "next_response_due_at", "resolution_due_at"))) WHERE "queue_items"."state" not in ('resolved', 'wont_fix');--> statement-breakpoint
CREATE INDEX "queue_items_breached_idx" ON "queue_items" USING btree ("id") WHERE cardinality("queue_items"."breached") > 0 and "queue_items"."state" not in ('resolved', 'wont_fix');--> statement-breakpoint
-- include (assignee_id): the board's counts (per class, unassigned, mine) are an index-only scan.
CREATE INDEX "queue_priorities_board_idx" ON "queue_priorities" USING btree ("priority_class",("assignee_id" is not null),"score" DESC NULLS LAST,"item_id") INCLUDE ("assignee_id") WHERE "queue_priorities"."open";--> statement-breakpoint
-- Rate-limit counters are written on every API request and sign-in attempt; losing them in a
-- crash only resets the windows, so they need no WAL (issue 18's benchmark: one hot row per request).
ALTER TABLE "rate_limits" SET UNLOGGED;
