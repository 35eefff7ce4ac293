-- raw_files: the files of the result archive kept with the comparison (BED, IGV BED, IGV session
-- XML, log, README, the ZIP itself; a local run's count table). grain: (comparison_id, kind). path
-- (absolute) is the ZIP a member was read from (name: the member), or the file itself for the ZIP
-- and a local run's files; bytes and sha256 are the member's. Text files also keep their content,
-- so the database alone is enough for provenance.
create table if not exists raw_files (
    comparison_id varchar not null,
    kind          varchar not null,   -- bed | igv_bed | igv_xml | log | readme | zip | count_table
    name          varchar not null,
    path          varchar not null,
    bytes         bigint  not null,
    sha256        varchar not null,
    content       varchar,            -- small text files only (log, readme, igv_xml)
    primary key (comparison_id, kind)
);
