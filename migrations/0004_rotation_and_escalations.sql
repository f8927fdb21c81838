CREATE TABLE "escalations" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"rotation_id" integer,
	"engineer_id" integer,
	"escalated_by_id" integer NOT NULL,
	"customer_did" text NOT NULL,
	"what_happened" text NOT NULL,
	"expected" text NOT NULL,
	"logs" text NOT NULL,
	"account" text NOT NULL,
	"frequency" text NOT NULL,
	"customers_affected" text NOT NULL,
	"response_due_at" timestamp with time zone NOT NULL,
	"breach_notified_at" timestamp with time zone,
	"backup_id" integer,
	"out_of_hours" boolean DEFAULT false NOT NULL,
	"outcome" text,
	"answer" text,
	"tracker_url" text,
	"release" text,
	"duplicate_of_item_id" integer,
	"answered_at" timestamp with time zone,
	"answered_by_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handoffs" (
	"id" serial PRIMARY KEY NOT NULL,
	"rotation_id" integer NOT NULL,
	"shift_id" integer,
	"engineer_id" integer,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"summary" jsonb NOT NULL,
	"priorities" text DEFAULT '' NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loop_replies" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"escalation_id" integer,
	"thread_id" integer NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"sent_at" timestamp with time zone,
	"sent_by_id" integer,
	"reply_id" integer,
	"confirmation" text,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_feeds" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "person_feeds_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "rotation_members" (
	"rotation_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "rotation_members_rotation_id_user_id_pk" PRIMARY KEY("rotation_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rotation_overrides" (
	"id" serial PRIMARY KEY NOT NULL,
	"rotation_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_by_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rotation_overrides_order" CHECK ("rotation_overrides"."ends_at" > "rotation_overrides"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "rotation_shifts" (
	"id" serial PRIMARY KEY NOT NULL,
	"rotation_id" integer NOT NULL,
	"user_id" integer,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"passed_over" integer[] DEFAULT '{}'::int[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rotation_skips" (
	"rotation_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"slot_starts_at" timestamp with time zone NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rotation_skips_rotation_id_user_id_slot_starts_at_pk" PRIMARY KEY("rotation_id","user_id","slot_starts_at")
);
--> statement-breakpoint
CREATE TABLE "rotations" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_slug" text NOT NULL,
	"name" text NOT NULL,
	"shift_days" integer NOT NULL,
	"handoff_minutes" integer NOT NULL,
	"timezone" text NOT NULL,
	"working_days_only" boolean DEFAULT false NOT NULL,
	"anchor_at" timestamp with time zone NOT NULL,
	"response_targets" jsonb NOT NULL,
	"confirm_wait_days" integer DEFAULT 7 NOT NULL,
	"feed_token_hash" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rotations_team_slug_unique" UNIQUE("team_slug"),
	CONSTRAINT "rotations_shift_days_positive" CHECK ("rotations"."shift_days" between 1 and 28),
	CONSTRAINT "rotations_handoff_in_day" CHECK ("rotations"."handoff_minutes" between 0 and 1439),
	CONSTRAINT "rotations_confirm_wait_positive" CHECK ("rotations"."confirm_wait_days" between 1 and 90)
);
--> statement-breakpoint
CREATE TABLE "shift_swaps" (
	"id" serial PRIMARY KEY NOT NULL,
	"shift_id" integer NOT NULL,
	"other_shift_id" integer NOT NULL,
	"requested_by_id" integer NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_marks" (
	"team_slug" text PRIMARY KEY NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"synced_by_id" integer
);
--> statement-breakpoint
CREATE TABLE "unavailability" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "unavailability_order" CHECK ("unavailability"."ends_on" >= "unavailability"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "thread_id" integer;--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "merged_into_item_id" integer;--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "backlog_url" text;--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "backlog_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "fixed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_engineer_id_users_id_fk" FOREIGN KEY ("engineer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_escalated_by_id_users_id_fk" FOREIGN KEY ("escalated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_backup_id_users_id_fk" FOREIGN KEY ("backup_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_duplicate_of_item_id_queue_items_id_fk" FOREIGN KEY ("duplicate_of_item_id") REFERENCES "public"."queue_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_answered_by_id_users_id_fk" FOREIGN KEY ("answered_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_shift_id_rotation_shifts_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."rotation_shifts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_engineer_id_users_id_fk" FOREIGN KEY ("engineer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loop_replies" ADD CONSTRAINT "loop_replies_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loop_replies" ADD CONSTRAINT "loop_replies_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loop_replies" ADD CONSTRAINT "loop_replies_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loop_replies" ADD CONSTRAINT "loop_replies_sent_by_id_users_id_fk" FOREIGN KEY ("sent_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_feeds" ADD CONSTRAINT "person_feeds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_members" ADD CONSTRAINT "rotation_members_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_members" ADD CONSTRAINT "rotation_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_overrides" ADD CONSTRAINT "rotation_overrides_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_overrides" ADD CONSTRAINT "rotation_overrides_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_overrides" ADD CONSTRAINT "rotation_overrides_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_shifts" ADD CONSTRAINT "rotation_shifts_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_shifts" ADD CONSTRAINT "rotation_shifts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_skips" ADD CONSTRAINT "rotation_skips_rotation_id_rotations_id_fk" FOREIGN KEY ("rotation_id") REFERENCES "public"."rotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_skips" ADD CONSTRAINT "rotation_skips_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_swaps" ADD CONSTRAINT "shift_swaps_shift_id_rotation_shifts_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."rotation_shifts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_swaps" ADD CONSTRAINT "shift_swaps_other_shift_id_rotation_shifts_id_fk" FOREIGN KEY ("other_shift_id") REFERENCES "public"."rotation_shifts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_swaps" ADD CONSTRAINT "shift_swaps_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_marks" ADD CONSTRAINT "sync_marks_synced_by_id_users_id_fk" FOREIGN KEY ("synced_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unavailability" ADD CONSTRAINT "unavailability_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalations_engineer_idx" ON "escalations" USING btree ("engineer_id","created_at") WHERE "escalations"."answered_at" is null;--> statement-breakpoint
CREATE INDEX "escalations_item_idx" ON "escalations" USING btree ("item_id","created_at");--> statement-breakpoint
CREATE INDEX "escalations_created_idx" ON "escalations" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_shift_idx" ON "handoffs" USING btree ("shift_id");--> statement-breakpoint
CREATE INDEX "handoffs_rotation_idx" ON "handoffs" USING btree ("rotation_id","period_end");--> statement-breakpoint
CREATE INDEX "loop_replies_item_idx" ON "loop_replies" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loop_replies_escalation_thread_idx" ON "loop_replies" USING btree ("escalation_id","thread_id");--> statement-breakpoint
CREATE INDEX "loop_replies_thread_idx" ON "loop_replies" USING btree ("thread_id") WHERE "loop_replies"."sent_at" is not null and "loop_replies"."confirmed_at" is null;--> statement-breakpoint
CREATE INDEX "rotation_overrides_rotation_idx" ON "rotation_overrides" USING btree ("rotation_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rotation_shifts_rotation_start_idx" ON "rotation_shifts" USING btree ("rotation_id","starts_at");--> statement-breakpoint
CREATE INDEX "rotation_shifts_user_idx" ON "rotation_shifts" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE INDEX "unavailability_user_idx" ON "unavailability" USING btree ("user_id","starts_on");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "queue_items_merged_into_idx" ON "queue_items" USING btree ("merged_into_item_id") WHERE "queue_items"."merged_into_item_id" is not null;--> statement-breakpoint
CREATE INDEX "queue_items_fixed_idx" ON "queue_items" USING btree ("fixed_at") WHERE "queue_items"."state" = 'fixed_pending_confirmation';