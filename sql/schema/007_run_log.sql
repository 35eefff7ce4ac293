-- run_log: append-only event log of everything done to a comparison (submit, poll, load, errors).
create sequence if not exists run_log_seq;
create table if not exists run_log (
    log_id        bigint primary key default nextval('run_log_seq'),
    comparison_id varchar,
    ts            timestamp not null default current_timestamp,
    level         varchar not null,   -- info | warning | error
    event         varchar not null,
    message       varchar
);
