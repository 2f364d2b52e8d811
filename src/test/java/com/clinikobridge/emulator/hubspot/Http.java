package com.clinikobridge.emulator.hubspot;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Minimal request/response holders used by the routing layer. */
final class Http {

    private Http() {
    }

    /** A parsed request. api/version/rest are derived from the path (both /crm/v3/{api}/... and /crm/{api}/{date}/...). */
    static final class Req {
        final String method;
        final String path;
        final Map<String, List<String>> query;
        final byte[] rawBody;
        final String api;
        final String version;
        final List<String> rest;
        private JsonNode body;

        Req(String method, String path, String rawQuery, byte[] rawBody) {
            this.method = method;
            this.path = path;
            this.query = parseQuery(rawQuery);
            this.rawBody = rawBody;
            List<String> segs = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                    .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
            String a = null;
            String v = null;
            List<String> r = List.of();
            if (segs.size() >= 3 && segs.get(0).equals("crm")) {
                if (segs.get(1).matches("v\\d+")) {
                    v = segs.get(1);
                    a = segs.get(2);
                    r = segs.subList(3, segs.size());
                } else if (segs.get(2).matches("\\d{4}-\\d{2}")) {
                    a = segs.get(1);
                    v = segs.get(2);
                    r = segs.subList(3, segs.size());
                }
            }
            this.api = a;
            this.version = v;
            this.rest = new ArrayList<>(r);
        }

        boolean legacyV3() {
            return "v3".equals(version);
        }

        String seg(int i) {
            return i < rest.size() ? rest.get(i) : null;
        }

        String param(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** All values of a possibly repeated, comma-separated parameter. */
        List<String> params(String name) {
            List<String> out = new ArrayList<>();
            for (String v : query.getOrDefault(name, List.of())) {
                for (String p : v.split(",")) {
                    if (!p.isBlank()) {
                        out.add(p.trim());
                    }
                }
            }
            return out;
        }

        int intParam(String name, int def) {
            String v = param(name);
            if (v == null || v.isBlank()) {
                return def;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw ApiException.validation("Invalid value for query parameter " + name + ": " + v);
            }
        }

        JsonNode body() {
            if (body == null) {
                if (rawBody.length == 0) {
                    throw ApiException.validation("Invalid input JSON: request body is empty");
                }
                try {
                    body = Json.MAPPER.readTree(rawBody);
                } catch (JacksonException e) {
                    throw ApiException.validation("Invalid input JSON on line 1: " + e.getOriginalMessage());
                }
            }
            return body;
        }

        private static Map<String, List<String>> parseQuery(String raw) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) {
                return m;
            }
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return m;
        }
    }

    /** A response: status, optional JSON body (or raw bytes with their content type), extra headers. */
    static final class Resp {
        final int status;
        final JsonNode body;
        final byte[] raw;
        final String contentType;
        final Map<String, String> headers = new LinkedHashMap<>();

        Resp(int status, JsonNode body) {
            this(status, body, null, null);
        }

        private Resp(int status, JsonNode body, byte[] raw, String contentType) {
            this.status = status;
            this.body = body;
            this.raw = raw;
            this.contentType = contentType;
        }

        static Resp json(int status, JsonNode body) {
            return new Resp(status, body);
        }

        /** A body sent as is (possibly empty or not JSON at all), for malformed-answer faults. */
        static Resp raw(int status, String contentType, byte[] bytes) {
            return new Resp(status, null, bytes, contentType);
        }

        static Resp noContent() {
            return new Resp(204, null);
        }
    }
}
