package org.understudy.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI description of the admin API ({@code openapi.yaml} beside this class), served at
 * {@code GET /api/openapi.yaml} and shipped in the distribution as {@code api/openapi.yaml}. A test checks it against
 * the routes a node registers. Stateless.
 */
public final class OpenApi {
    private OpenApi() {
    }

    public static String text() {
        try (InputStream in = OpenApi.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
