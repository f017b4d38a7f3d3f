"""A worker process for the fault tests: imports a roster CSV through the same services as the upload's
Save button (`check_roster`, `save_roster`, one commit), and stops half-way through the transaction, long
enough for the test to kill it with SIGKILL.

    python -m tests.security.fault_worker DATABASE_URL HOSPITAL_ID CSV_FILE PAUSE_AFTER_ROWS
"""

import sys
import time

from sqlalchemy import event


def main(url: str, hospital_id: int, csv_path: str, pause_after: int) -> None:
    from app import create_app
    from blueprints.core.extensions import db
    from blueprints.people import roster
    from blueprints.people.models import Hospital, Mentee

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "fault-worker-" + "x" * 40})
    inserted = 0

    @event.listens_for(Mentee, "after_insert")
    def count(_mapper, _connection, _target):
        nonlocal inserted
        inserted += 1
        if inserted == pause_after:
            print(f"inserted {inserted}", flush=True)  # the test kills us here, mid-transaction
            time.sleep(60)

    with app.app_context():
        hospital = db.session.get(Hospital, hospital_id)
        with open(csv_path, encoding="utf-8") as fh:
            check = roster.check_roster(fh.read(), hospital)
        assert check.ok, [row.errors for row in check.rows if row.errors][:3]
        roster.save_roster(check)
        db.session.commit()
    print(f"committed {inserted}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
