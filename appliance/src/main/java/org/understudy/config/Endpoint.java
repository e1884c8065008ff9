package org.understudy.config;

/** A host (name or literal address) and TCP/UDP port. */
public record Endpoint(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
