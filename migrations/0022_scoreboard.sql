CREATE TABLE "scoreboard_item_facts" (
	"item_id" integer PRIMARY KEY NOT NULL,
	"team_slug" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"policy_id" integer,
	"policy_name" text NOT NULL,
	"duplicate" boolean DEFAULT false NOT NULL,
	"first_response_at" timestamp with time zone,
	"first_response_minutes" real,
	"first_response_target_minutes" integer NOT NULL,
	"first_response_met" boolean,
	"resolved_at" timestamp with time zone,
	"resolution_minutes" real,
	"resolution_target_minutes" integer NOT NULL,
	"resolution_met" boolean,
	"next_responses_met" integer DEFAULT 0 NOT NULL,
	"next_responses_missed" integer DEFAULT 0 NOT NULL,
	"reopenings" integer DEFAULT 0 NOT NULL,
	"paused_minutes" real DEFAULT 0 NOT NULL,
	"last_event_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoreboard_owners" (
	"item_id" integer PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"assigned_by_id" integer,
	"assigned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoreboard_rollups" (
	"name" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint NOT NULL,
	"ran_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scoreboard_item_facts" ADD CONSTRAINT "scoreboard_item_facts_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoreboard_owners" ADD CONSTRAINT "scoreboard_owners_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoreboard_owners" ADD CONSTRAINT "scoreboard_owners_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoreboard_owners" ADD CONSTRAINT "scoreboard_owners_assigned_by_id_users_id_fk" FOREIGN KEY ("assigned_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scoreboard_item_facts_created_idx" ON "scoreboard_item_facts" USING btree ("created_at","team_slug");