CREATE TABLE "queue_priorities" (
	"item_id" integer PRIMARY KEY NOT NULL,
	"priority_class" smallint NOT NULL,
	"score" real NOT NULL,
	"reason" text NOT NULL,
	"urgency" real NOT NULL,
	"breached" real NOT NULL,
	"affected_customers" real NOT NULL,
	"plan" real NOT NULL,
	"mrr" real NOT NULL,
	"votes" real NOT NULL,
	"views" real NOT NULL,
	"age" real NOT NULL
);
--> statement-breakpoint
DROP INDEX "queue_items_board_idx";--> statement-breakpoint
ALTER TABLE "queue_priorities" ADD CONSTRAINT "queue_priorities_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "queue_items_board_idx" ON "queue_items" USING btree ("team_slug") WHERE "queue_items"."state" not in ('resolved', 'wont_fix');--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "priority_class";--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "priority_score";--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "priority_factors";--> statement-breakpoint
-- Room on each page for new row versions, so priority recomputes are HOT updates (no index writes).
ALTER TABLE "queue_priorities" SET (fillfactor = 50);
