"""Array parameters sent to PostgreSQL as their text (jobmatch.db): typed, and read back exactly as given."""

from sqlalchemy import column, select, text

from jobmatch.db import IntArray, TextArray, equals_any, make_engine

AWKWARD = ["520101199001011234", "52010119900101123X", 'a"b', "c\\d", "NULL", "null", "", "x,y", "{z}", " 空格 ",
           "line\nbreak", "王某"]


def test_text_and_integer_arrays_arrive_typed_and_read_back_as_given(pg_url):
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            def read(value):
                return connection.execute(text("SELECT :v, pg_typeof(:v)::text"), {"v": value}).one()
            assert read(TextArray(AWKWARD)) == (AWKWARD, "text[]")
            assert read(TextArray(AWKWARD[:2])) == (AWKWARD[:2], "text[]")  # plain values: joined as they are
            assert read(TextArray()) == ([], "text[]")
            # typed, so PostgreSQL plans with the values (a text cast to integer[] hid them from the planner)
            assert read(IntArray([3, -1, 2**31 - 1, 0])) == ([3, -1, 2**31 - 1, 0], "integer[]")
            found = connection.execute(select(column("n")).select_from(text("generate_series(1, 10) AS n"))
                                       .where(equals_any(column("n"), [2, 7, 11]))).scalars().all()
            assert found == [2, 7]
    finally:
        engine.dispose()
