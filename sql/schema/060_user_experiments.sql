-- user_experiments: user-data lines of a comparison (bigWig URL, peak-BED URL, read length),
-- as ChIP-Atlas's DA names them (URL_A1, URL_B2, ...; DA:229-233). grain: (comparison_id,
-- experiment_id); each row also has a row in experiments under the same experiment_id.
-- source_line is the line exactly as written in the ID file (and sent to the service).
create table if not exists user_experiments (
    comparison_id varchar not null,
    experiment_id varchar not null,
    grp           varchar not null check (grp in ('A', 'B')),
    bigwig_url    varchar not null,
    peak_url      varchar,
    read_length   integer,
    source_line   varchar not null,
    primary key (comparison_id, experiment_id)
);
