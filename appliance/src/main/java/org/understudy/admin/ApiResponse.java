package org.understudy.admin;

/**
 * What an {@link ApiHandler} returns when the answer needs another HTTP status than 200 (e.g. a refused command's
 * 409), or is not JSON: the status and the body, which for JSON is the same as it would be with a 200. Immutable.
 *
 * @param contentType null for a JSON body; else the type of {@code body}, which is then text sent as it is
 */
public record ApiResponse(int status, Object body, String contentType) {
    public ApiResponse(int status, Object body) {
        this(status, body, null);
    }
}
