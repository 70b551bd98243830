-- The workspace's queue reads complaints not yet resolved by their first-response deadline.
CREATE INDEX complaints_due ON complaints (response_due_at);

-- Which unit works the complaints of each category (issue 12's routing table, which an admin
-- will edit): an agent sees the complaints of their unit; supervisors and admins see all.
CREATE TABLE unit_routes (
    category TEXT PRIMARY KEY,
    unit     TEXT NOT NULL
);
INSERT INTO unit_routes (category, unit) VALUES
    ('login', 'it'),
    ('kpj_mismatch', 'back_office'),
    ('balance', 'back_office'),
    ('jht_claim', 'back_office'),
    ('other', 'digital');
