-- Newsletter sign-ups: a table without a model, listed as untracked until an admin tracks it.
CREATE TABLE newsletter_signups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR(254) NOT NULL UNIQUE,
    source VARCHAR(40) NOT NULL,
    subscribed_at TIMESTAMP NOT NULL
);
