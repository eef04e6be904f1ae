-- measured_once: on the cursor that runs it, kr_measures at $as_of and seven days earlier for $cycles and
-- $review, computed once into a TEMP table (Review.rows_many then reads it through a TEMP macro kr_measures).
CREATE OR REPLACE TEMP TABLE measured AS
SELECT CAST($as_of AS DATE) AS measured_on, * FROM main.kr_measures($as_of, $cycles, $review)
UNION ALL BY NAME
SELECT week_before($as_of) AS measured_on, * FROM main.kr_measures(week_before($as_of), $cycles, $review);
