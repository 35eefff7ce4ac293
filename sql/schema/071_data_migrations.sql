-- data_migrations: one-time corrections of stored rows already applied to this database (name, when,
-- rows changed). A correction of a rule that changed what loading stores runs once, on databases
-- written before it; a new database marks it applied at creation.
create table if not exists data_migrations (
    name       varchar   not null,
    applied_at timestamp not null,
    n_rows     bigint    not null
);
