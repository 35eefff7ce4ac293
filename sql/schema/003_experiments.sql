-- experiments: the IDs of each group, as submitted. grain: (comparison_id, experiment_id).
-- input_order is the user's order. The server does not count what was submitted: it maps GSM
-- IDs to SRX and drops IDs it cannot map (inutano/chip-atlas script/update_2025/DA/DA:268-314),
-- and writes each group's count values in the glob order of its <SRX>.count files (DA:537). On
-- load, server_id is the SRX the server counted the ID under, count_order the 1-based position of
-- its value in the group's count list (from the log's "[INFO] <samples>" lines), and dropped the
-- server's reason when the ID was not used (count_order and server_id are then NULL), and
-- unattributed why an ID the server used has no count position (several GSMs of one group: the
-- log names the SRXs counted, not which GSM became which). Before a load count_order holds the
-- sorted-ID assumption.
create table if not exists experiments (
    comparison_id varchar not null,
    experiment_id varchar not null,
    grp           varchar not null check (grp in ('A', 'B')),
    input_order   integer not null,
    count_order   integer,
    server_id     varchar,
    dropped       varchar,
    unattributed  varchar,
    primary key (comparison_id, experiment_id)
);
