"""Arrays sent to PostgreSQL as their text (jobmatch.db): read back exactly as given, whatever the values."""

from sqlalchemy import column, select, text

from jobmatch.db import equals_any, int_array_text, make_engine, text_array_text

AWKWARD = ["520101199001011234", "52010119900101123X", 'a"b', "c\\d", "NULL", "null", "", "x,y", "{z}", " 空格 ",
           "line\nbreak", "王某"]


def test_text_and_integer_arrays_read_back_as_given(pg_url):
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            def read(values):
                return connection.execute(text("SELECT CAST(:v AS text[])"), {"v": text_array_text(values)}).scalar()
            assert read(AWKWARD) == AWKWARD
            assert read(AWKWARD[:2]) == AWKWARD[:2]  # plain values: joined as they are
            assert read([]) == []
            ids = [3, -1, 2**31 - 1, 0]
            assert connection.execute(text("SELECT CAST(:v AS integer[])"), {"v": int_array_text(ids)}).scalar() == ids
            found = connection.execute(select(column("n")).select_from(text("generate_series(1, 10) AS n"))
                                       .where(equals_any(column("n"), [2, 7, 11]))).scalars().all()
            assert found == [2, 7]
    finally:
        engine.dispose()
