CREATE TABLE "idempotency_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_owner_key" UNIQUE("owner","key")
);
--> statement-breakpoint
CREATE INDEX "threads_created_idx" ON "threads" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "threads"."hidden_at" is null;