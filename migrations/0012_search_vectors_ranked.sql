-- search_vectors gets what ranking weighs besides the words (solved, upvotes), so that a walk ranks
-- its matches without reading each one's search_documents row (src/search/postgres-index.ts).
-- Hand-edited, as 0011: the table is rebuilt rather than altered, its rows written in date order
-- (the order walks read them in) and in one pass, where adding NOT NULL columns and filling them
-- would write every row twice and leave the new versions out of date order.
CREATE TABLE "search_vectors_ranked" (
	"thread_id" integer PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"solved" boolean NOT NULL,
	"upvote_count" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_vectors_ranked" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
INSERT INTO "search_vectors_ranked" ("thread_id", "document", "created_at", "solved", "upvote_count")
SELECT v."thread_id", v."document", v."created_at", d."solved", d."upvote_count" FROM "search_vectors" v JOIN "search_documents" d ON d."thread_id" = v."thread_id"
ORDER BY v."created_at", v."thread_id";--> statement-breakpoint
DROP TABLE "search_vectors";--> statement-breakpoint
ALTER TABLE "search_vectors_ranked" RENAME TO "search_vectors";--> statement-breakpoint
ALTER INDEX "search_vectors_ranked_pkey" RENAME TO "search_vectors_pkey";--> statement-breakpoint
ALTER TABLE "search_vectors" ADD CONSTRAINT "search_vectors_thread_id_search_documents_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."search_documents"("thread_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_vectors_created_idx" ON "search_vectors" USING btree ("created_at","thread_id");
