-- The workspace's queue reads complaints not yet resolved by their first-response deadline.
CREATE INDEX complaints_due ON complaints (response_due_at);
