-- experiments: the IDs of each group, as submitted. grain: (comparison_id, experiment_id).
-- input_order is the user's order; count_order is the position of the experiment's value in the
-- comma-separated count columns of the result (the server sorts each group's IDs as strings).
create table if not exists experiments (
    comparison_id varchar not null,
    experiment_id varchar not null,
    grp           varchar not null check (grp in ('A', 'B')),
    input_order   integer not null,
    count_order   integer not null,
    primary key (comparison_id, experiment_id)
);
