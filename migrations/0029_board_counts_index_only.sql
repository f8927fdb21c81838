-- The board's breached and due-soon counts read only these indexes (index-only scans): with every
-- open item overdue (100k items, 40,000 open) the count fetched 40,000 heap rows, about 90 ms.
DROP INDEX IF EXISTS "queue_items_due_idx";--> statement-breakpoint
CREATE INDEX "queue_items_due_idx" ON "queue_items" USING btree ((least(case when "first_response_at" is null then "first_response_due_at" end, "next_response_due_at", "resolution_due_at"))) INCLUDE ("first_response_at", "first_response_due_at", "next_response_due_at", "resolution_due_at") WHERE "queue_items"."state" not in ('resolved', 'wont_fix');--> statement-breakpoint
DROP INDEX IF EXISTS "queue_items_breached_idx";--> statement-breakpoint
CREATE INDEX "queue_items_breached_idx" ON "queue_items" USING btree ("id") INCLUDE ("first_response_at", "first_response_due_at", "next_response_due_at", "resolution_due_at") WHERE cardinality("queue_items"."breached") > 0 and "queue_items"."state" not in ('resolved', 'wont_fix');
