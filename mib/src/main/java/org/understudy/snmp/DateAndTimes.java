package org.understudy.snmp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.snmp4j.smi.OctetString;

/** SNMPv2-TC DateAndTime values in UTC, and the MIB's "never" value. Stateless. */
final class DateAndTimes {
    /** The 8-octet value UNDERSTUDY-MIB uses for "never": 0000-01-01 00:00:00.0. */
    static final byte[] NEVER = {0, 0, 1, 1, 0, 0, 0, 0};

    private DateAndTimes() {
    }

    /** The 11-octet UTC DateAndTime of {@code at} ({@code +0:0}); "never" for null. */
    static OctetString of(Instant at) {
        if (at == null) {
            return new OctetString(NEVER);
        }
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        int year = t.getYear();
        return new OctetString(new byte[] {(byte) (year >> 8), (byte) year, (byte) t.getMonthValue(),
                (byte) t.getDayOfMonth(), (byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(),
                (byte) (t.getNano() / 100_000_000), (byte) '+', 0, 0});
    }
}
