"""Releases and revisions: the public view shows only released data (invariant 1);
corrections add revisions and never overwrite (invariant 3)."""

from __future__ import annotations

from datetime import date

import pytest

from pricewatch import publish
from pricewatch.accounts import User
from pricewatch.errors import InputError, NotFound, PermissionDenied
from pricewatch.store import Store, queries
from tests.helpers import load_rows

REVIEWER = User("li", "reviewer")
WEEK1 = [("大米", "城关农贸市场", "2024-04-29", 6.0), ("大米", "惠民超市", "2024-04-29", 6.6)]
WEEK2 = [("大米", "城关农贸市场", "2024-05-06", 6.2), ("大米", "惠民超市", "2024-05-06", 6.8)]


def public_prices(store: Store) -> dict[tuple[str, str], float]:
    with store.read() as s:
        df = queries.observations.observations(s, "public")
    return {(r.market, r.date.date().isoformat()): r.price for r in df.itertuples()}


def test_a_pending_upload_never_reaches_the_public_view(store: Store) -> None:
    res = load_rows(store, WEEK1)
    assert res.status == "loaded" and res.rows_new == 2
    assert public_prices(store) == {}
    with store.read() as s:
        assert len(queries.observations.observations(s, "staff")) == 2
        assert queries.observations.latest_date(s, "public") is None


def test_release_through_a_date_releases_only_uploads_wholly_before_it(store: Store) -> None:
    u1 = load_rows(store, WEEK1, file_name="w1.xlsx").upload_id
    load_rows(store, WEEK2, file_name="w2.xlsx")
    res = publish.release(store, REVIEWER, through=date(2024, 5, 5))
    assert res.upload_ids == [u1]
    assert public_prices(store) == {("城关农贸市场", "2024-04-29"): 6.0, ("惠民超市", "2024-04-29"): 6.6}
    with store.read() as s:
        log = queries.audit.audit_log(s, action_prefix="release")
    assert log.iloc[0]["actor"] == "li"


def test_a_pending_correction_leaves_the_public_value_until_it_is_released(store: Store) -> None:
    load_rows(store, WEEK1, file_name="w1.xlsx")
    publish.release(store, REVIEWER, through=date(2024, 5, 5))
    fix = load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.1),
                            ("大米", "惠民超市", "2024-04-29", 6.6)], file_name="w1-fix.xlsx")
    assert (fix.rows_new, fix.rows_revised, fix.rows_same) == (0, 1, 1)
    assert fix.changes[["old_price", "new_price"]].values.tolist() == [[6.0, 6.1]]
    # staff see the correction at once, the public still the released value
    with store.read() as s:
        staff = queries.observations.observations(s, "staff")
    assert staff.loc[staff["market"] == "城关农贸市场", "price"].tolist() == [6.1]
    assert public_prices(store)[("城关农贸市场", "2024-04-29")] == 6.0
    publish.release(store, REVIEWER, upload_id=fix.upload_id)
    assert public_prices(store)[("城关农贸市场", "2024-04-29")] == 6.1
    # nothing was overwritten: both revisions are in the history
    with store.read() as s:
        hist = queries.observations.history(s, "大米", "城关农贸市场", date(2024, 4, 29))
    assert hist[["revision", "price"]].values.tolist() == [[1, 6.0], [2, 6.1]]


def test_a_wholly_replaced_upload_is_marked_superseded(store: Store) -> None:
    first = load_rows(store, WEEK1, file_name="w1.xlsx").upload_id
    load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.1),
                      ("大米", "惠民超市", "2024-04-29", 6.5)], file_name="w1-v2.xlsx")
    with store.read() as s:
        status = dict(s.all("SELECT id, status FROM uploads"))
    assert status[first] == "superseded"


def test_the_same_rows_again_are_unchanged_and_record_no_upload(store: Store) -> None:
    load_rows(store, WEEK1)
    again = load_rows(store, WEEK1)
    assert again.status == "unchanged" and again.upload_id is None
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM uploads") == 1


def test_release_needs_the_right_role_and_exactly_one_selector(store: Store) -> None:
    load_rows(store, WEEK1)
    with pytest.raises(PermissionDenied):
        publish.release(store, User("zhang", "editor"), through=date(2024, 5, 5))
    with pytest.raises(InputError):
        publish.release(store, REVIEWER)
    with pytest.raises(NotFound):
        publish.release(store, REVIEWER, upload_id=999)
