-- champion_addresses: each champion named in the Teams tab and the address their nudge goes to (the Teams
-- tab's optional Champion e-mail; the first given, in sheet order, when their teams give several; null: none).
-- Parameters: none.
SELECT champion, first(champion_email ORDER BY "row") FILTER (WHERE champion_email IS NOT NULL) AS email
FROM teams
WHERE champion IS NOT NULL
GROUP BY champion
ORDER BY champion;
