"""Before the tests: is the PostgreSQL server they need there? Say how to get one if not."""

from __future__ import annotations

import os
import sys

url = os.environ.get("OSAAVA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
try:
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    with engine.connect() as conn:
        conn.execute(sa.text("select 1"))
    engine.dispose()
except Exception as e:  # any failure to connect means the same thing to the person running tests
    sys.stderr.write(
        f"\nThe tests need a PostgreSQL server at {url} and none answered ({type(e).__name__}).\n"
        "Start one, e.g. on Debian:\n"
        "  apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect "
        "$(ls /etc/postgresql) main start\n"
        "  (trust auth for 127.0.0.1 and a database 'test'), or point OSAAVA_TEST_PG_URL at "
        "another server.\n\n"
    )
    sys.exit(1)
print(f"PostgreSQL answers at {url.split('@')[-1]}")
