package com.clinikobridge.emulator.hubspot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Shared JSON mapper and helpers for building HubSpot-shaped bodies. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    static String correlationId() {
        return UUID.randomUUID().toString();
    }

    /** Standard error body: status, message, correlationId, category. */
    static ObjectNode error(String category, String message) {
        ObjectNode n = object();
        n.put("status", "error");
        n.put("message", message);
        n.put("correlationId", correlationId());
        n.put("category", category);
        return n;
    }

    /** Text of a scalar node (numbers and booleans are converted), null for missing/null. */
    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isContainer()) {
            return node.toString();
        }
        return node.asString();
    }

    static String text(JsonNode parent, String field) {
        return parent == null ? null : text(parent.get(field));
    }

    static List<JsonNode> list(JsonNode arrayNode) {
        List<JsonNode> out = new ArrayList<>();
        if (arrayNode != null && arrayNode.isArray()) {
            arrayNode.forEach(out::add);
        }
        return out;
    }

    static ArrayNode strings(String... values) {
        ArrayNode a = array();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }
}
