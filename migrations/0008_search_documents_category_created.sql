-- A search filtered to one category walks that category's newest documents only, rather than the
-- newest of the whole forum, most of them in other categories (see planMatching's walkShare).
CREATE INDEX "search_documents_category_created_idx" ON "search_documents" USING btree ("category_id","created_at","thread_id");
