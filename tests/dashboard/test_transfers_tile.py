"""The hospital administrator's transfers tile (issue 17, item 4): moves into and out of the hospital in the
12 months up to today, department moves inside it counted apart (never as "out … to" the same hospital), and a
move dated later not counted yet."""

import csv
import io
import re
from datetime import timedelta

from blueprints.core.clock import today
from blueprints.people.services.transfers import log_transfer
from tests.factories import department, login, make_hospital, make_mentee, make_user

HX = {"HX-Request": "true"}


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).strip()


def test_the_tile_counts_moves_in_out_and_between_departments_of_the_last_12_months_only(client):
    day = today()
    ruli, nemba = make_hospital("Ruli"), make_hospital("Nemba")
    admin = make_user("hospital_admin", hospital=ruli)
    maternity, paediatrics = department("maternity"), department("paediatrics")
    log_transfer(make_mentee(ruli, name="Old Mover"), kind="hospital", effective_date=day - timedelta(days=366),
                 to_hospital=nemba, to_department=maternity, today=day - timedelta(days=30))
    log_transfer(make_mentee(ruli, name="Ward Mover"), kind="department", effective_date=day - timedelta(days=10),
                 to_department=paediatrics)
    log_transfer(make_mentee(ruli, name="Out Mover"), kind="hospital", effective_date=day - timedelta(days=20),
                 to_hospital=nemba, to_department=maternity)
    log_transfer(make_mentee(nemba, name="In Mover"), kind="hospital", effective_date=day - timedelta(days=5),
                 to_hospital=ruli, to_department=maternity)
    log_transfer(make_mentee(ruli, name="Next Month Mover"), kind="hospital", effective_date=day + timedelta(days=30),
                 to_hospital=nemba, to_department=maternity)
    login(client, admin)

    rows = list(csv.reader(io.StringIO(client.get("/dashboard/tiles/transfers.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["Date", "Mentee", "Direction", "Kind", "From", "To"],
        [(day - timedelta(days=5)).isoformat(), "In Mover", "in", "To another programme hospital", "Nemba (Maternity)", "Ruli (Maternity)"],
        [(day - timedelta(days=10)).isoformat(), "Ward Mover", "within the hospital", "To another department of this hospital",
         "Ruli (Maternity)", "Ruli (Paediatrics)"],
        [(day - timedelta(days=20)).isoformat(), "Out Mover", "out", "To another programme hospital", "Ruli (Maternity)", "Nemba (Maternity)"],
    ]
    tile = words(client.get("/dashboard/tiles/transfers", headers=HX))
    assert "1 moved in · 1 moved out · 1 department move" in tile, tile
    assert "Ward Mover within the hospital · To another department of this hospital: Paediatrics" in tile, tile
    assert "to Ruli" not in tile and "Next Month Mover" not in tile and "Old Mover" not in tile, tile


def test_the_counts_are_plural_from_two_and_not_cut_at_the_rows_shown(client):
    day = today()
    ruli, nemba = make_hospital("Ruli"), make_hospital("Nemba")
    admin = make_user("hospital_admin", hospital=ruli)
    for n in range(25):
        log_transfer(make_mentee(ruli, name=f"Leaver {n:02d}"), kind="hospital", effective_date=day - timedelta(days=n),
                     to_hospital=nemba, to_department=department("maternity"))
    login(client, admin)
    tile = words(client.get("/dashboard/tiles/transfers", headers=HX))
    assert "0 moved in · 25 moved out · 0 department moves" in tile, tile
