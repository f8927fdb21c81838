DROP INDEX "thread_watches_due_idx";--> statement-breakpoint
ALTER TABLE "thread_watches" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
UPDATE "thread_watches" SET "next_check_at" = least("unanswered_due_at", coalesce("staff_reply_due_at", "unanswered_due_at"));--> statement-breakpoint
ALTER TABLE "thread_watches" ALTER COLUMN "next_check_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "thread_watches_next_check_idx" ON "thread_watches" USING btree ("next_check_at") WHERE "thread_watches"."settled_at" is null;
