"""Code every thidua service uses: settings, database, migrations, events, auth, errors, HTTP plumbing."""
