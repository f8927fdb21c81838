CREATE TABLE "account_sanctions" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"created_by_id" integer,
	"lifted_at" timestamp with time zone,
	"lifted_by_id" integer,
	CONSTRAINT "account_sanctions_kind_known" CHECK ("account_sanctions"."kind" in ('suspend', 'silence'))
);
--> statement-breakpoint
CREATE TABLE "post_flags" (
	"id" serial PRIMARY KEY NOT NULL,
	"thread_id" integer NOT NULL,
	"reply_id" integer,
	"flagger_id" integer NOT NULL,
	"reason" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"flagger_trust" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" integer,
	"outcome" text,
	CONSTRAINT "post_flags_reason_known" CHECK ("post_flags"."reason" in ('spam', 'off_topic', 'abusive', 'other')),
	CONSTRAINT "post_flags_outcome_known" CHECK ("post_flags"."outcome" is null or "post_flags"."outcome" in ('agreed', 'disagreed'))
);
--> statement-breakpoint
CREATE TABLE "removed_accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"threads_removed" integer NOT NULL,
	"replies_removed" integer NOT NULL,
	"reason" text NOT NULL,
	"removed_at" timestamp with time zone NOT NULL,
	"removed_by_id" integer
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"thread_id" integer NOT NULL,
	"reply_id" integer,
	"author_id" integer NOT NULL,
	"reason" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" integer,
	CONSTRAINT "review_items_reason_known" CHECK ("review_items"."reason" in ('flagged', 'first_post', 'link_domains', 'watched_word')),
	CONSTRAINT "review_items_status_known" CHECK ("review_items"."status" in ('pending', 'approved', 'rejected', 'hidden'))
);
--> statement-breakpoint
CREATE TABLE "safety_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"approve_new_account_posts" boolean DEFAULT false NOT NULL,
	"approve_new_account_post_count" integer DEFAULT 1 NOT NULL,
	"block_disposable_email" boolean DEFAULT false NOT NULL,
	"flags_to_hide" integer DEFAULT 3 NOT NULL,
	"new_account_max_link_domains" integer DEFAULT 2 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by_id" integer,
	CONSTRAINT "safety_settings_single_row" CHECK ("safety_settings"."id" = 1),
	CONSTRAINT "safety_settings_counts_sane" CHECK ("safety_settings"."flags_to_hide" >= 1 and "safety_settings"."new_account_max_link_domains" >= 0 and "safety_settings"."approve_new_account_post_count" >= 1)
);
--> statement-breakpoint
CREATE TABLE "thread_reads" (
	"user_id" integer NOT NULL,
	"thread_id" integer NOT NULL,
	"first_read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "thread_reads_user_id_thread_id_pk" PRIMARY KEY("user_id","thread_id")
);
--> statement-breakpoint
CREATE TABLE "watched_words" (
	"id" serial PRIMARY KEY NOT NULL,
	"word" text NOT NULL,
	"action" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by_id" integer,
	CONSTRAINT "watched_words_word_unique" UNIQUE("word"),
	CONSTRAINT "watched_words_action_known" CHECK ("watched_words"."action" in ('block', 'require_approval', 'flag'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "trust_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Accounts that existed before trust levels keep posting as they did: they start as members.
UPDATE "users" SET "trust_level" = 2;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "trust_level_locked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "replies" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "account_sanctions" ADD CONSTRAINT "account_sanctions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_sanctions" ADD CONSTRAINT "account_sanctions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_sanctions" ADD CONSTRAINT "account_sanctions_lifted_by_id_users_id_fk" FOREIGN KEY ("lifted_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_flags" ADD CONSTRAINT "post_flags_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_flags" ADD CONSTRAINT "post_flags_reply_id_replies_id_fk" FOREIGN KEY ("reply_id") REFERENCES "public"."replies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_flags" ADD CONSTRAINT "post_flags_flagger_id_users_id_fk" FOREIGN KEY ("flagger_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_flags" ADD CONSTRAINT "post_flags_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removed_accounts" ADD CONSTRAINT "removed_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removed_accounts" ADD CONSTRAINT "removed_accounts_removed_by_id_users_id_fk" FOREIGN KEY ("removed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_reply_id_replies_id_fk" FOREIGN KEY ("reply_id") REFERENCES "public"."replies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_settings" ADD CONSTRAINT "safety_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watched_words" ADD CONSTRAINT "watched_words_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_sanctions_user_idx" ON "account_sanctions" USING btree ("user_id","kind") WHERE "account_sanctions"."lifted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "post_flags_open_once_idx" ON "post_flags" USING btree ("flagger_id","thread_id",coalesce("reply_id", 0)) WHERE "post_flags"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "post_flags_post_idx" ON "post_flags" USING btree ("thread_id","reply_id") WHERE "post_flags"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "post_flags_flagger_idx" ON "post_flags" USING btree ("flagger_id","created_at");--> statement-breakpoint
CREATE INDEX "removed_accounts_email_idx" ON "removed_accounts" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "review_items_pending_once_idx" ON "review_items" USING btree ("thread_id",coalesce("reply_id", 0)) WHERE "review_items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "review_items_pending_idx" ON "review_items" USING btree ("created_at","id") WHERE "review_items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "rate_limits_window_idx" ON "rate_limits" USING btree ("window_started_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_trust_level_known" CHECK ("users"."trust_level" between 0 and 3);