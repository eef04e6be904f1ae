-- kr_actions: the actions below one key result, in sheet order. Parameters: $kr_id.
SELECT action, status, owner, due FROM actions WHERE kr_id = $kr_id ORDER BY "row";
