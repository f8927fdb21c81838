CREATE TABLE "scoreboard_person_days" (
	"day" date NOT NULL,
	"user_id" integer NOT NULL,
	"what" text NOT NULL,
	"item_id" integer NOT NULL,
	"team_slug" text NOT NULL,
	CONSTRAINT "scoreboard_person_days_day_user_id_what_item_id_pk" PRIMARY KEY("day","user_id","what","item_id")
);
--> statement-breakpoint
ALTER TABLE "scoreboard_person_days" ADD CONSTRAINT "scoreboard_person_days_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scoreboard_person_days_item_idx" ON "scoreboard_person_days" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "threads_duplicate_of_idx" ON "threads" USING btree ("duplicate_of_id") WHERE "threads"."duplicate_of_id" is not null;