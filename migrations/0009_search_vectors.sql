-- Each search document's tsvector once more, in line, in a table of its own (hand-edited: the
-- column is stored MAIN, and an existing index is copied so that it keeps working without a
-- reindex). Reading an out-of-line value costs a TOAST index lookup each time; reading this row
-- by its key is several times cheaper (see the schema, src/db/schema/search.ts).
CREATE TABLE "search_vectors" (
	"thread_id" integer PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_vectors" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
ALTER TABLE "search_vectors" ADD CONSTRAINT "search_vectors_thread_id_search_documents_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."search_documents"("thread_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "search_vectors" ("thread_id", "document") SELECT "thread_id", "document" FROM "search_documents";
