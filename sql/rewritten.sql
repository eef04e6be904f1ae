-- rewritten: check-in values of key results of $cycles that a sync saw change after their week ended
-- (after its Sunday), newest first: before is null when the value appeared, after is null when it was
-- cleared; change names which, with $review['value_changes'] (filled in after the week, changed, cleared).
-- The team is who changed it (teams are measured, never individuals).
-- Parameters: $cycles, $review.
SELECT v.kr_id, v.week, v.before, v.after, v.seen_at, k.team, k.key_result, o.value_stream, o.cycle,
       CASE WHEN v.before IS NULL THEN $review['value_changes'][1]
            WHEN v.after IS NULL THEN $review['value_changes'][3]
            ELSE $review['value_changes'][2] END AS change
FROM value_changes() AS v
JOIN key_results AS k USING (kr_id)
JOIN objectives AS o USING (objective_id)
WHERE v.seen_at >= v.week + INTERVAL 7 DAY
  AND list_contains($cycles, o.cycle)
ORDER BY v.seen_at DESC, v.kr_id, v.week;
