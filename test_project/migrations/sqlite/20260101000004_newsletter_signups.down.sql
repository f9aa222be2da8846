DROP TABLE newsletter_signups;
