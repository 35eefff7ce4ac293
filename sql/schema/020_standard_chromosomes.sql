-- standard_chromosomes: the standard chromosome set of each genome (chipatlas_api.md §7.4).
-- grain: (genome, chrom). Regions on any other contig are non-standard (kept in `regions`, excluded
-- from the analysis views). A genome missing here uses the hg38 set (view comparison_chrom_set).
create table if not exists standard_chromosomes (
    genome varchar not null,
    chrom  varchar not null,
    primary key (genome, chrom)
);
insert or ignore into standard_chromosomes
select g.genome, 'chr' || c.name
from (values ('hg38', 22), ('hg19', 22), ('mm10', 19), ('mm9', 19), ('rn6', 20)) g(genome, n_auto),
     lateral (select unnest(list_concat(
         [cast(i as varchar) for i in range(1, g.n_auto + 1)], ['X', 'Y', 'M'])) as name) c;
insert or ignore into standard_chromosomes
select g.genome, 'chr' || c.name
from (values ('dm6'), ('dm3')) g(genome),
     (values ('2L'), ('2R'), ('3L'), ('3R'), ('4'), ('X'), ('Y'), ('M')) c(name);
insert or ignore into standard_chromosomes
select g.genome, 'chr' || c.name
from (values ('ce11'), ('ce10')) g(genome),
     (values ('I'), ('II'), ('III'), ('IV'), ('V'), ('X'), ('M')) c(name);
insert or ignore into standard_chromosomes
select 'sacCer3', 'chr' || c.name
from (values ('I'), ('II'), ('III'), ('IV'), ('V'), ('VI'), ('VII'), ('VIII'), ('IX'), ('X'),
             ('XI'), ('XII'), ('XIII'), ('XIV'), ('XV'), ('XVI'), ('M')) c(name);
