"""Reading a failover timeline from `understudy status --json` (shared by failover.sh and failback.sh)."""
from datetime import datetime, timezone


def seconds(iso_duration):
    """An ISO-8601 duration as Java prints it (PT0.123S, PT2S, PT1M2.5S) in seconds."""
    s = iso_duration[2:]
    total = 0.0
    if "M" in s:
        m, s = s.split("M", 1)
        total += 60 * float(m)
    return total + (float(s[:-1]) if s.endswith("S") else 0.0)


def instant(stamp):
    """An instant as Java prints it (2026-11-22T01:59:09.842686836Z) in epoch seconds, sub-second digits kept."""
    head, _, frac = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(head).replace(tzinfo=timezone.utc).timestamp() + float("0." + (frac or "0"))
