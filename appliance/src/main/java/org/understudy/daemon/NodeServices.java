package org.understudy.daemon;

import java.time.Clock;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.EventBus;

/** What every node has besides its role's engines: its alarms and its event channel. */
record NodeServices(AlarmRegistry alarms, EventBus events) {
    static NodeServices create(String nodeName) {
        return new NodeServices(new AlarmRegistry(nodeName, Clock.systemUTC()), new EventBus());
    }
}
