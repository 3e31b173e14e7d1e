-- Immich 3.2+ person-group layout for the immkit simulator, applied on top of
-- schema_3_1.sql: the v3.2.0 ClusterGroups migration as IMMICH_3.2_3.3_FACTS.md §B1
-- describes it (table and column names [seen]; defaults and index names follow the 3.1
-- conventions [inferred]). Only what ownership transfer touches. At the end, the v3.3.0
-- people-sharing table person_user (§B2); a 3.2.x database is this one without it.

CREATE TABLE "cluster_group" (
  "id" uuid DEFAULT uuid_generate_v4() NOT NULL,
  "name" character varying,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updateId" uuid DEFAULT immich_uuid_v7() NOT NULL,
  PRIMARY KEY ("id")
);

ALTER TABLE "user" ADD COLUMN "clusterGroupId" uuid;
-- the migration made one cluster group per existing user
INSERT INTO cluster_group (id) SELECT id FROM "user";
UPDATE "user" SET "clusterGroupId" = id;
ALTER TABLE "user" ALTER COLUMN "clusterGroupId" SET NOT NULL;
ALTER TABLE "user" ADD FOREIGN KEY ("clusterGroupId") REFERENCES cluster_group(id);
CREATE INDEX ON "user" USING btree ("clusterGroupId");
ALTER TABLE "user" ALTER COLUMN "password" DROP NOT NULL;
ALTER TABLE "user" ALTER COLUMN "password" SET DEFAULT NULL;

-- simulator only: a new user gets a cluster group of their own, as Immich's user
-- creation does [inferred], so the 3.1 seed helpers work on this layout unchanged
CREATE FUNCTION immkit_sim_user_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."clusterGroupId" IS NULL THEN
    INSERT INTO cluster_group DEFAULT VALUES RETURNING id INTO NEW."clusterGroupId";
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER immkit_sim_user_cluster BEFORE INSERT ON "user"
  FOR EACH ROW EXECUTE FUNCTION immkit_sim_user_cluster();

CREATE TABLE "cluster_group_request" (
  "id" uuid DEFAULT uuid_generate_v4() NOT NULL,
  "clusterGroupId" uuid NOT NULL REFERENCES cluster_group(id) ON DELETE CASCADE,
  "userId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("id"),
  UNIQUE ("clusterGroupId", "userId")
);

CREATE TABLE "person_group" (
  "id" uuid DEFAULT uuid_generate_v4() NOT NULL,
  "clusterGroupId" uuid NOT NULL REFERENCES cluster_group(id) ON DELETE CASCADE,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  "createId" uuid DEFAULT immich_uuid_v7() NOT NULL,
  "updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updateId" uuid DEFAULT immich_uuid_v7() NOT NULL,
  PRIMARY KEY ("id")
);
CREATE TABLE "person_group_audit" (
  "id" uuid DEFAULT immich_uuid_v7() NOT NULL,
  "personGroupId" uuid NOT NULL,
  "clusterGroupId" uuid NOT NULL,
  "deletedAt" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  PRIMARY KEY ("id")
);

-- person: keyed by (ownerId, personGroupId); the old id became the group's id
ALTER TABLE "person" ADD COLUMN "personGroupId" uuid;
INSERT INTO person_group (id, "clusterGroupId")
  SELECT p.id, u."clusterGroupId" FROM person p JOIN "user" u ON u.id = p."ownerId";
UPDATE person SET "personGroupId" = id;
ALTER TABLE "person" ALTER COLUMN "personGroupId" SET NOT NULL;
-- drops the primary key and asset_face's foreign key to person(id) with it
ALTER TABLE "person" DROP COLUMN "id" CASCADE;
ALTER TABLE "person" ADD PRIMARY KEY ("ownerId", "personGroupId");
ALTER TABLE "person" ADD FOREIGN KEY ("personGroupId") REFERENCES person_group(id) ON DELETE CASCADE;
DROP INDEX IF EXISTS "person_ownerId_idx";
ALTER TABLE "person_audit" RENAME COLUMN "personId" TO "personGroupId";

-- a face points at a person group, not a person row
ALTER TABLE "asset_face" RENAME COLUMN "personId" TO "personGroupId";
ALTER TABLE "asset_face" ADD FOREIGN KEY ("personGroupId") REFERENCES person_group(id) ON DELETE SET NULL;
ALTER INDEX IF EXISTS "asset_face_assetId_personId_idx" RENAME TO "asset_face_assetId_personGroupId_idx";
ALTER INDEX IF EXISTS "asset_face_personId_assetId_idx" RENAME TO "asset_face_personGroupId_assetId_idx";

ALTER TABLE "album" ALTER COLUMN "description" DROP NOT NULL;
ALTER TABLE "album" ALTER COLUMN "description" SET DEFAULT NULL;

-- v3.3.0 people sharing (IMMICH_3.2_3.3_FACTS.md §B2 [seen]; defaults [inferred]). The
-- foreign key to the sharer's person row cascades: deleting that row deletes its shares.
CREATE TYPE person_user_role_enum AS ENUM ('read', 'write', 'admin');
CREATE TABLE "person_user" (
  "personGroupId" uuid NOT NULL,
  "sharedById" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  "sharedWithId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  "role" person_user_role_enum DEFAULT 'read' NOT NULL,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updateId" uuid DEFAULT immich_uuid_v7() NOT NULL,
  PRIMARY KEY ("personGroupId", "sharedById", "sharedWithId"),
  FOREIGN KEY ("sharedById", "personGroupId") REFERENCES person("ownerId", "personGroupId")
    ON DELETE CASCADE,
  CHECK ("sharedById" <> "sharedWithId")
);
CREATE INDEX ON "person_user" ("sharedWithId");

-- a share materialises the recipient's person row (name and birth date of the sharer's)
CREATE FUNCTION person_user_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person ("ownerId", "personGroupId", name, "birthDate")
    SELECT NEW."sharedWithId", p."personGroupId", p.name, p."birthDate" FROM person p
    WHERE p."ownerId" = NEW."sharedById" AND p."personGroupId" = NEW."personGroupId"
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER person_user_after_insert AFTER INSERT ON "person_user"
  FOR EACH ROW EXECUTE FUNCTION person_user_after_insert();

-- deleting a person row also ends the shares of which its owner was the recipient
CREATE FUNCTION person_delete_shares() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_user WHERE "personGroupId" = OLD."personGroupId"
    AND "sharedWithId" = OLD."ownerId";
  RETURN OLD;
END $$;
CREATE TRIGGER person_delete_shares AFTER DELETE ON "person"
  FOR EACH ROW EXECUTE FUNCTION person_delete_shares();
