CREATE TABLE "scoreboard_person_work" (
	"at" timestamp with time zone NOT NULL,
	"user_id" integer NOT NULL,
	"what" text NOT NULL,
	"item_id" integer NOT NULL,
	"prev_at" timestamp with time zone,
	"team_slug" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scoreboard_person_work" ADD CONSTRAINT "scoreboard_person_work_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scoreboard_person_work_at_idx" ON "scoreboard_person_work" USING btree ("at","user_id","what","item_id","prev_at");--> statement-breakpoint
CREATE INDEX "scoreboard_person_work_team_idx" ON "scoreboard_person_work" USING btree ("team_slug","at","user_id","what","item_id","prev_at");--> statement-breakpoint
CREATE INDEX "scoreboard_person_work_item_idx" ON "scoreboard_person_work" USING btree ("item_id");