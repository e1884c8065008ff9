package org.understudy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One authenticated API call as a handler sees it.
 *
 * @param pathParams values of the route's {@code {name}} segments
 * @param body       the parsed JSON body; a missing node when the request had none
 * @param caller     who called: the token's name and role, or the calling node
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, JsonNode body,
                         AdminAccess.Caller caller) {
    public ApiRequest {
        pathParams = Map.copyOf(pathParams);
        caller = caller == null ? AdminAccess.Caller.ANONYMOUS : caller;
    }

    /** A request without a known caller (tests). */
    public ApiRequest(String method, String path, Map<String, String> pathParams, JsonNode body) {
        this(method, path, pathParams, body, null);
    }

    /** The body converted to {@code type}; 400 if it does not fit. */
    public <T> T bodyAs(Class<T> type) {
        try {
            return Json.mapper().treeToValue(body, type);
        } catch (Exception e) {
            throw new ApiException(400, "request body is not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
