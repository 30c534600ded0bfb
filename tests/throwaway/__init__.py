"""A throw-away kind of version for tests: proves a new kind needs only its declaration.

Installed by the test settings only. Its table is created with the test database (the
app has no migrations, so Django creates it from the model).
"""
