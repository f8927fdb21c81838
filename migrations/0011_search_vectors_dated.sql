-- search_vectors gets its document's date and an index in date order, so that a search without
-- filters walks the newest vectors themselves, testing each where it lies, instead of walking
-- search_documents and looking each row's vector up by its key (src/search/postgres-index.ts).
-- Hand-edited: the table is rebuilt rather than altered, its rows written in date order (which is
-- the order walks read them in) and in one pass, where adding a NOT NULL column and filling it
-- would write every row twice.
CREATE TABLE "search_vectors_dated" (
	"thread_id" integer PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_vectors_dated" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
INSERT INTO "search_vectors_dated" ("thread_id", "document", "created_at")
SELECT v."thread_id", v."document", d."created_at" FROM "search_vectors" v JOIN "search_documents" d ON d."thread_id" = v."thread_id"
ORDER BY d."created_at", d."thread_id";--> statement-breakpoint
DROP TABLE "search_vectors";--> statement-breakpoint
ALTER TABLE "search_vectors_dated" RENAME TO "search_vectors";--> statement-breakpoint
ALTER INDEX "search_vectors_dated_pkey" RENAME TO "search_vectors_pkey";--> statement-breakpoint
ALTER TABLE "search_vectors" ADD CONSTRAINT "search_vectors_thread_id_search_documents_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."search_documents"("thread_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_vectors_created_idx" ON "search_vectors" USING btree ("created_at","thread_id");
