#!/usr/bin/env python3
"""Prints the [[year]] blocks of kz-calendar.toml for years whose holidays follow from the rules:
Kurban Ait's first day is 10 Dhu al-Hijjah of the Umm al-Qura calendar ([A-KURBAN-UQ]; the
Spiritual Administration of Muslims of Kazakhstan announces the real day each year, and the
Government its decree transfers: a year stays "provisional" until both are entered).

Run once to write the data (pip install hijridate); the suite never runs it.
    python3 shared/calendar/data/kurban-ait.py 2028 2035
"""
import sys

from hijridate import Hijri


def kurban_ait(year):
    for hijri_year in range(1400, 1600):
        day = Hijri(hijri_year, 12, 10).to_gregorian()
        if day.year == year:
            return day
    raise SystemExit(f"no 10 Dhu al-Hijjah in {year}")


first, last = int(sys.argv[1]), int(sys.argv[2])
for year in range(first, last + 1):
    print(f"""
[[year]]
year = {year}
status = "provisional"
source = "by the rules: the fixed holidays of the Labour Code and the Law on holidays, Kurban Ait from the Umm al-Qura table ({kurban_ait(year).isoformat()}, hijridate); no decree transfers entered [A-KURBAN-UQ]"
weekend_holidays_move = true
kurban_ait = "{kurban_ait(year).isoformat()}"
""".rstrip())
