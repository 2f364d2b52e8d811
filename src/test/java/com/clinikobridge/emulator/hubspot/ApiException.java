package com.clinikobridge.emulator.hubspot;

import tools.jackson.databind.node.ObjectNode;

/** Thrown by handlers to answer with a HubSpot-style error body. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient ObjectNode body;

    ApiException(int status, ObjectNode body) {
        super(body.path("message").asString(""));
        this.status = status;
        this.body = body;
    }

    static ApiException of(int status, String category, String message) {
        return new ApiException(status, Json.error(category, message));
    }

    static ApiException validation(String message) {
        return of(400, "VALIDATION_ERROR", message);
    }

    static ApiException notFound(String message) {
        return of(404, "OBJECT_NOT_FOUND", message);
    }

    static ApiException conflict(String message) {
        return of(409, "CONFLICT", message);
    }
}
