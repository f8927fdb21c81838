CREATE TABLE "bug_bash_cluster_threads" (
	"cluster_id" integer NOT NULL,
	"thread_id" integer NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bug_bash_cluster_threads_cluster_id_thread_id_pk" PRIMARY KEY("cluster_id","thread_id")
);
--> statement-breakpoint
CREATE TABLE "bug_bash_clusters" (
	"id" serial PRIMARY KEY NOT NULL,
	"anchor_thread_id" integer NOT NULL,
	"title" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"bug_bash_day" date,
	"picked_at" timestamp with time zone,
	"picked_by_id" integer,
	"fixed_at" timestamp with time zone,
	"fixed_by_id" integer,
	"fix_note" text,
	"release" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bug_bash_clusters_picked_has_day" CHECK ("bug_bash_clusters"."state" <> 'picked' or "bug_bash_clusters"."bug_bash_day" is not null),
	CONSTRAINT "bug_bash_clusters_fixed_has_time" CHECK ("bug_bash_clusters"."state" <> 'fixed' or "bug_bash_clusters"."fixed_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "bug_bash_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cluster_id" integer NOT NULL,
	"kind" text NOT NULL,
	"actor_id" integer,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "csat_ratings" (
	"id" serial PRIMARY KEY NOT NULL,
	"request_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"user_id" integer,
	"rating" smallint NOT NULL,
	"comment" text,
	"team_slug" text NOT NULL,
	"item_kind" text NOT NULL,
	"engineer_id" integer,
	"rated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "csat_ratings_request_id_unique" UNIQUE("request_id"),
	CONSTRAINT "csat_ratings_item_id_unique" UNIQUE("item_id"),
	CONSTRAINT "csat_ratings_rating_range" CHECK ("csat_ratings"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "csat_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"thread_id" integer,
	"team_slug" text NOT NULL,
	"item_kind" text NOT NULL,
	"engineer_id" integer,
	"resolved_at" timestamp with time zone NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"dismissed_at" timestamp with time zone,
	CONSTRAINT "csat_requests_item_id_unique" UNIQUE("item_id")
);
--> statement-breakpoint
ALTER TABLE "bug_bash_cluster_threads" ADD CONSTRAINT "bug_bash_cluster_threads_cluster_id_bug_bash_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."bug_bash_clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_cluster_threads" ADD CONSTRAINT "bug_bash_cluster_threads_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_clusters" ADD CONSTRAINT "bug_bash_clusters_anchor_thread_id_threads_id_fk" FOREIGN KEY ("anchor_thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_clusters" ADD CONSTRAINT "bug_bash_clusters_picked_by_id_users_id_fk" FOREIGN KEY ("picked_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_clusters" ADD CONSTRAINT "bug_bash_clusters_fixed_by_id_users_id_fk" FOREIGN KEY ("fixed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_events" ADD CONSTRAINT "bug_bash_events_cluster_id_bug_bash_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."bug_bash_clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bug_bash_events" ADD CONSTRAINT "bug_bash_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_ratings" ADD CONSTRAINT "csat_ratings_request_id_csat_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."csat_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_ratings" ADD CONSTRAINT "csat_ratings_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_ratings" ADD CONSTRAINT "csat_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_ratings" ADD CONSTRAINT "csat_ratings_engineer_id_users_id_fk" FOREIGN KEY ("engineer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_requests" ADD CONSTRAINT "csat_requests_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_requests" ADD CONSTRAINT "csat_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_requests" ADD CONSTRAINT "csat_requests_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_requests" ADD CONSTRAINT "csat_requests_engineer_id_users_id_fk" FOREIGN KEY ("engineer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bug_bash_cluster_threads_thread_idx" ON "bug_bash_cluster_threads" USING btree ("thread_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bug_bash_clusters_live_anchor_idx" ON "bug_bash_clusters" USING btree ("anchor_thread_id") WHERE "bug_bash_clusters"."state" <> 'fixed';--> statement-breakpoint
CREATE INDEX "bug_bash_clusters_state_idx" ON "bug_bash_clusters" USING btree ("state","bug_bash_day");--> statement-breakpoint
CREATE INDEX "bug_bash_events_cluster_idx" ON "bug_bash_events" USING btree ("cluster_id","created_at");--> statement-breakpoint
CREATE INDEX "csat_ratings_team_idx" ON "csat_ratings" USING btree ("team_slug","rated_at");--> statement-breakpoint
CREATE INDEX "csat_ratings_engineer_idx" ON "csat_ratings" USING btree ("engineer_id","rated_at") WHERE "csat_ratings"."engineer_id" is not null;--> statement-breakpoint
CREATE INDEX "csat_ratings_rated_idx" ON "csat_ratings" USING btree ("rated_at");--> statement-breakpoint
CREATE INDEX "csat_requests_user_idx" ON "csat_requests" USING btree ("user_id","asked_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "csat_requests_asked_idx" ON "csat_requests" USING btree ("asked_at");