-- Newsletter sign-ups: a table without a model, listed as untracked until an admin tracks it.
CREATE TABLE newsletter_signups (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(254) NOT NULL UNIQUE,
    source VARCHAR(40) NOT NULL,
    subscribed_at DATETIME NOT NULL
);
