CREATE TABLE "search_tiers" (
	"name" text PRIMARY KEY NOT NULL,
	"edge" timestamp with time zone NOT NULL,
	"documents" integer NOT NULL,
	"forum_documents" integer NOT NULL,
	"built_at" timestamp with time zone NOT NULL
);
