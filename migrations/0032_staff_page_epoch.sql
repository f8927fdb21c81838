CREATE TABLE "staff_page_epoch" (
	"id" integer PRIMARY KEY NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_page_epoch_pending" (
	"xid" bigint PRIMARY KEY NOT NULL
);--> statement-breakpoint
INSERT INTO "staff_page_epoch" ("id", "value") VALUES (1, 0);--> statement-breakpoint
-- Any statement that writes a table a staff page reads (below) marks its transaction, once: the
-- mark is a row in staff_page_epoch_pending, whose deferred trigger moves the counter at commit.
-- Statement-level, so a set-wise write of 40,000 priorities costs one call, not 40,000. A
-- statement that matched no row marks it too (an extra render, never a stale page).
CREATE FUNCTION "staff_page_epoch_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  xact bigint := pg_current_xact_id()::text::bigint;
BEGIN
  -- A setting local to the transaction (undone with a rolled-back savepoint, as the row is).
  IF current_setting('wire.staff_page_epoch_xact', true) IS DISTINCT FROM xact::text THEN
    PERFORM set_config('wire.staff_page_epoch_xact', xact::text, true);
    INSERT INTO "staff_page_epoch_pending" ("xid") VALUES (xact) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Runs at commit, after the transaction's other work: the counter's row lock is the last lock it
-- takes and is held for the commit alone. The staff page reads the counter before its data, and
-- both become visible in the same commit, so a page kept under a counter value is never older
-- than that value's data. (Read committed, as every transaction here runs; a repeatable-read
-- writer racing another would get a serialization failure on this row.)
CREATE FUNCTION "staff_page_epoch_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "staff_page_epoch" SET "value" = "value" + 1 WHERE "id" = 1;
  DELETE FROM "staff_page_epoch_pending" WHERE "xid" = NEW."xid";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "staff_page_epoch_move" AFTER INSERT ON "staff_page_epoch_pending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "staff_page_epoch_move"();--> statement-breakpoint
CREATE TRIGGER "teams_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "teams" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "team_members_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "team_members" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "staff_profiles_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "staff_profiles" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "business_calendars_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "business_calendars" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "sla_policies_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sla_policies" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "queue_items_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "queue_items" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "queue_priorities_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "queue_priorities" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "queue_item_events_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "queue_item_events" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "queue_item_customers_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "queue_item_customers" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "internal_notes_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "internal_notes" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "macros_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "macros" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "rotations_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rotations" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "rotation_members_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rotation_members" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "rotation_shifts_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rotation_shifts" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "rotation_overrides_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rotation_overrides" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "rotation_skips_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rotation_skips" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "unavailability_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "unavailability" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "shift_swaps_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "shift_swaps" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "person_feeds_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "person_feeds" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "escalations_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "escalations" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "loop_replies_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "loop_replies" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "handoffs_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "handoffs" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "sync_marks_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sync_marks" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "csat_requests_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "csat_requests" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "csat_ratings_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "csat_ratings" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "organisations_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organisations" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "categories_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "categories" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "tags_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "tags" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "account_sanctions_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "account_sanctions" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "post_flags_staff_page_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "post_flags" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
-- People: every name, address, role, organisation or deletion shows on staff pages, but sessions
-- and sign-ins do not write users, so a changed row (not any statement) marks the transaction.
CREATE TRIGGER "users_staff_page_epoch_rows" AFTER UPDATE ON "users" FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
  EXECUTE FUNCTION "staff_page_epoch_mark"();--> statement-breakpoint
CREATE TRIGGER "users_staff_page_epoch" AFTER INSERT OR DELETE OR TRUNCATE ON "users" FOR EACH STATEMENT
  EXECUTE FUNCTION "staff_page_epoch_mark"();
