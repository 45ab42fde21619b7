"""Settings an ELP admin changes in the browser, stored in the database; each falls back to
the configuration (or, for the synonym table, to the seed file) until an admin sets it."""
