package org.understudy.admin;

/**
 * Answers one API route. Called on a server thread, possibly concurrently with other calls: implementations must be
 * thread-safe. The result is written as JSON with status 200; throw {@link ApiException} for another status.
 */
@FunctionalInterface
public interface ApiHandler {
    Object handle(ApiRequest request) throws Exception;
}
