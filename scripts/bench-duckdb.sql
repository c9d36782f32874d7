-- Issue 6 reference implementation: SPEC §4 (unit_score weighted_mean, coverage inspected, no
-- --previous so the repeat multiplier is 1) in DuckDB SQL, over the same CSV civscore reads.
-- Run by scripts/bench-duckdb.mjs, which substitutes {{THREADS}}, {{RECORDS}}, {{DIMS}}, {{FULL}},
-- {{PERIOD_START}}, {{PERIOD_END}} and {{ID_COLUMN}} and splits on ";" at end of line.
--
-- Exact arithmetic: points/caps are DECIMAL(18,2), weights DECIMAL(18,4); site scores are turned
-- into integer hundredths, and a unit's field score is the exact fraction num/den (HUGEINT, common
-- denominator = lcm of the per-category site counts) rounded half up at 2 decimals with integer
-- division — no DOUBLE anywhere (DuckDB's DECIMAL / DECIMAL would give a DOUBLE). An INT128
-- overflow is an error in DuckDB, never a silent wrap.

SET threads = {{THREADS}};
SET preserve_insertion_order = false;

-- ── rule tables (a few hundred rows; written from rules/ by scripts/bench-gen.mjs) ──
CREATE TEMP TABLE sites AS SELECT * FROM read_csv('{{DIMS}}/sites.csv', header = true, auto_detect = false,
  columns = {'site_id': 'VARCHAR', 'category': 'VARCHAR', 'unit': 'VARCHAR', 'lead': 'VARCHAR'});
CREATE TEMP TABLE items AS SELECT * FROM read_csv('{{DIMS}}/items.csv', header = true, auto_detect = false,
  columns = {'code': 'VARCHAR', 'category': 'VARCHAR', 'points': 'DECIMAL(18,2)', 'cap': 'DECIMAL(18,2)', 'veto': 'BOOLEAN'});
CREATE TEMP TABLE categories AS SELECT * FROM read_csv('{{DIMS}}/categories.csv', header = true, auto_detect = false,
  columns = {'id': 'VARCHAR', 'weight': 'DECIMAL(18,4)'});
-- (ancestor, descendant) for every unit and each unit at or below it via `parent`
CREATE TEMP TABLE closure AS SELECT * FROM read_csv('{{DIMS}}/closure.csv', header = true, auto_detect = false,
  columns = {'ancestor': 'VARCHAR', 'descendant': 'VARCHAR'});

-- ── the one pass over the records: n(s,i) per (site, item); item NULL = visits with no finding ──
-- Every column is parsed with its type (date as DATE, count as INTEGER) and checked below, as civscore
-- checks every record. Empty fields are NULL.
CREATE TEMP TABLE pairs AS
SELECT site_id, item_code,
       sum(coalesce("count", 1))::BIGINT AS n,
       count(*)::BIGINT AS nrows,
       count("count")::BIGINT AS ncounts,
       min("count") AS cmin,
       min("date") AS dmin,
       max("date") AS dmax
FROM read_csv('{{RECORDS}}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
              columns = { {{ID_COLUMN}}'date': 'DATE', 'site_id': 'VARCHAR', 'item_code': 'VARCHAR', 'count': 'INTEGER',
                         'inspector': 'VARCHAR', 'note': 'VARCHAR'})
GROUP BY site_id, item_code;

-- ── validation (SPEC §6): the run fails if any of these is non-zero ──
CREATE TEMP TABLE problems AS
SELECT
  (SELECT coalesce(sum(nrows), 0) FROM pairs) AS records,
  (SELECT count(*) FROM pairs p ANTI JOIN sites s USING (site_id)) AS unknown_sites,
  (SELECT count(*) FROM pairs p JOIN sites s USING (site_id)
     WHERE p.item_code IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM items i WHERE i.code = p.item_code AND i.category = s.category)) AS bad_items,
  (SELECT count(*) FROM pairs WHERE (item_code IS NULL AND ncounts > 0) OR cmin < 1) AS bad_counts,
  (SELECT count(*) FROM pairs WHERE dmin < DATE '{{PERIOD_START}}' OR dmax > DATE '{{PERIOD_END}}') AS bad_dates;

-- ── §4.1 sites ──
CREATE TEMP TABLE site_score AS
WITH f AS (
  SELECT p.site_id, i.veto,
         CASE WHEN i.cap IS NULL THEN i.points * p.n ELSE least(i.points * p.n, i.cap) END AS applied
  FROM pairs p JOIN items i ON i.code = p.item_code
),
inspected AS (SELECT DISTINCT site_id FROM pairs)
SELECT s.site_id, s.category,
       CASE WHEN coalesce(bool_or(f.veto), false) THEN 0::HUGEINT
            ELSE (greatest(0, {{FULL}}::DECIMAL(18,2) - coalesce(sum(f.applied), 0)) * 100)::HUGEINT END AS cents
FROM inspected x JOIN sites s USING (site_id) LEFT JOIN f USING (site_id)
GROUP BY s.site_id, s.category;

-- ── §4.3 units: a unit's sites = unit or lead (site.lead, else category.lead) at or below it ──
CREATE TEMP TABLE unit_field AS
WITH site_unit AS (
  SELECT DISTINCT s.site_id, c.ancestor AS unit_id
  FROM sites s JOIN closure c ON c.descendant = s.unit OR c.descendant = s.lead
),
uc AS (  -- per unit and category: Σ score (hundredths) and number of inspected sites
  SELECT su.unit_id, ss.category, sum(ss.cents)::HUGEINT AS s, count(*)::HUGEINT AS n
  FROM site_score ss JOIN site_unit su USING (site_id)
  GROUP BY su.unit_id, ss.category
),
ucw AS (
  SELECT uc.*, (c.weight * 10000)::HUGEINT AS w FROM uc JOIN categories c ON c.id = uc.category
),
l AS (
  SELECT unit_id, list_reduce(list(n), lambda a, b: lcm(a, b))::HUGEINT AS lcm_n FROM ucw GROUP BY unit_id
),
frac AS (  -- field(u) × 100 = num / den exactly
  SELECT ucw.unit_id, sum(ucw.w * ucw.s * (l.lcm_n // ucw.n))::HUGEINT AS num,
         (sum(ucw.w) * any_value(l.lcm_n))::HUGEINT AS den, sum(ucw.n)::BIGINT AS sites
  FROM ucw JOIN l USING (unit_id)
  GROUP BY ucw.unit_id
)
SELECT unit_id, num, den, ((2 * num + den) // (2 * den))::BIGINT AS field_cents, sites
FROM frac;
