"""A test-only app with the shapes of the apps that follow the case engine: a petition's
(信访) clocks that follow one another, and a key task's (重点工作) lag against its planned
progress. Installed only under the test runner; it proves the machinery fits them (recipe:
docs/new-app.md)."""
