"""The bench's yardstick (issue 15): the headline figures of one year written by hand in DuckDB
SQL, straight from the export's CSV files — htv (distinct unpaid days deducted), training days,
direct cost, and hourly pay per employment. Only for `make bench`; nothing else imports it."""

from __future__ import annotations

from pathlib import Path

COLS = {
    "henkilosto": ["person", "emp_no", "start", "end", "cc", "title", "kind", "form", "pct", "sup",
                   "sup_since", "gender", "born"],
    "palkkarivit": ["person", "emp_no", "pay_date", "earn_start", "earn_end", "wage_type", "wage_name",
                    "cc", "hours", "amount"],
    "poissaolot": ["person", "emp_no", "code", "start", "end", "cal_days", "hours", "paid"],
    "koulutukset": ["pid", "tid", "person", "emp_no", "name", "organiser", "type", "area", "level", "start",
                    "end", "hours", "form", "paid_pct", "fee", "travel", "lodging", "per_diem", "subsidy",
                    "applied", "approved", "approver", "commitment", "status"],
}


def _csv(export: str, stem: str) -> str:
    names = ", ".join(f"'{c}'" for c in COLS[stem])
    path = str(Path(export) / f"{stem}.csv").replace("'", "''")
    # cp1252 and Latin-1 agree on every letter of the codes and numbers used here
    return (f"read_csv('{path}', delim=';', header=true, all_varchar=true, encoding='latin-1', "
            f"names=[{names}])")


NUM = "cast(nullif(replace(replace(replace({c}, ' ', ''), chr(160), ''), ',', '.'), '') as double)"
DATE = "strptime(nullif({c}, ''), '%d.%m.%Y')::date"


def headline(duckdb, export: str, year: int) -> dict:
    con = duckdb.connect()
    y0, y1 = f"DATE '{year}-01-01'", f"DATE '{year}-12-31'"
    days = 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
    def n(c): return NUM.format(c=c)

    def d(c): return DATE.format(c=c)
    con.execute(f"""
        create temp table p as
        select person, emp_no, greatest({d('start')}, {y0}) cs,
               least(coalesce({d('"end"')}, DATE '2262-01-01'), {y1}) ce, {n('pct')} pct,
               row_number() over () pidx
        from {_csv(export, 'henkilosto')}
        where {d('start')} <= {y1} and coalesce({d('"end"')}, DATE '2262-01-01') >= {y0}""")
    con.execute(f"""
        create temp table ud as
        select distinct person, emp_no, unnest(generate_series(s, e, interval 1 day))::date d from (
            select person, emp_no, greatest({d('start')}, {y0}) s, least({d('"end"')}, {y1}) e
            from {_csv(export, 'poissaolot')} where paid = 'palkaton') where s <= e""")
    htv = con.execute(f"""
        select sum(((p.ce - p.cs + 1) - coalesce(u.n, 0)) / {days} * p.pct / 100)
        from p left join (select p.pidx, count(*) n from p join ud using (person, emp_no)
                          where ud.d between p.cs and p.ce group by p.pidx) u using (pidx)""").fetchone()[0]
    days_, direct = con.execute(f"""
        with t as (select * from {_csv(export, 'koulutukset')}
                   where {d('start')} between {y0} and {y1}
                     and person in (select distinct person from p))
        select sum({n('hours')}) filter (where status <> 'peruttu') / 6.0,
               sum(coalesce({n('fee')}, 0) + coalesce({n('travel')}, 0) + coalesce({n('lodging')}, 0)
                   + coalesce({n('per_diem')}, 0) - coalesce({n('subsidy')}, 0))
        from t""").fetchone()
    rates = con.execute(f"""
        select count(*), median(rate) from (
            select sum({n('amount')}) / sum(coalesce({n('hours')}, 0)) rate
            from {_csv(export, 'palkkarivit')}
            where cast(wage_type as integer) between 1000 and 1099
              and {d('pay_date')} between {y0} and {y1}
            group by person, emp_no having sum(coalesce({n('hours')}, 0)) > 0)""").fetchone()
    con.close()
    return {"htv": float(htv), "training_days": float(days_), "direct_cost_eur": float(direct),
            "hourly_pay_employments": int(rates[0]), "hourly_pay_median": float(rates[1])}
