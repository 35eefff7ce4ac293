-- comparison_chrom_set: the standard chromosomes that apply to each comparison
-- (its genome's set from standard_chromosomes; the hg38 set for a genome not listed there).
create or replace view comparison_chrom_set as
select c.comparison_id, s.chrom
from comparisons c
join standard_chromosomes s
  on s.genome = case
      when exists (select 1 from standard_chromosomes k where k.genome = c.genome) then c.genome
      else 'hg38' end;
