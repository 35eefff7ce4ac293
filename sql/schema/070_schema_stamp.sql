-- schema_stamp: the chromdiff schema this database holds, as a hash of every file under sql/ and
-- of the migration and comment code, and a hash of the catalog it left. A writer that finds its
-- own hash here and the same catalog does not apply the schema again (each apply re-creates ~100
-- views and their comments).
create table if not exists schema_stamp (
    fingerprint varchar   not null,
    catalog     varchar   not null,   -- md5 of the (object, column, type) list of the schema
    applied_at  timestamp not null
);
