package com.clinikobridge.emulator.hubspot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.clinikobridge.emulator.hubspot.Http.Req;
import com.clinikobridge.emulator.hubspot.Http.Resp;
import com.clinikobridge.emulator.hubspot.PortalState.PlannedWrite;
import com.clinikobridge.emulator.hubspot.PortalState.StoredRecord;
import com.clinikobridge.emulator.hubspot.PortalState.Validated;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** /crm/v3/objects/{type}/... and /crm/objects/2026-03/{type}/... */
final class ObjectsApi {

    static final int BATCH_LIMIT = 100;

    private final PortalState state;
    private final AssociationsApi associations;

    ObjectsApi(PortalState state, AssociationsApi associations) {
        this.state = state;
        this.associations = associations;
    }

    /** Endpoint kind used for counters. */
    static String kind(Req req) {
        String s1 = req.seg(1);
        String s2 = req.seg(2);
        if (req.rest.size() >= 3 && "associations".equals(s2)) {
            return "associations";
        }
        if ("batch".equals(s1) && s2 != null) {
            return s2;
        }
        if ("search".equals(s1)) {
            return "search";
        }
        if (s1 == null) {
            return "GET".equals(req.method) ? "list" : "create";
        }
        return switch (req.method) {
            case "PATCH" -> "update";
            case "DELETE" -> "archive";
            default -> "read";
        };
    }

    Resp handle(Req req) {
        String type = ObjectTypes.require(req.seg(0)).name();
        List<String> r = req.rest;
        if (r.size() >= 3 && "associations".equals(r.get(2))) {
            return associations.handleRecordAssociations(req, type);
        }
        if (r.size() == 1) {
            if ("GET".equals(req.method)) {
                return list(req, type);
            }
            if ("POST".equals(req.method)) {
                return createOne(req, type);
            }
        } else if (r.size() == 3 && "batch".equals(r.get(1)) && "POST".equals(req.method)) {
            return switch (r.get(2)) {
                case "create" -> batchCreate(req, type);
                case "update" -> batchUpdate(req, type);
                case "upsert" -> batchUpsert(req, type);
                case "read" -> batchRead(req, type);
                case "archive" -> batchArchive(req, type);
                default -> throw ApiException.notFound("Unknown batch operation " + r.get(2));
            };
        } else if (r.size() == 2 && "search".equals(r.get(1)) && "POST".equals(req.method)) {
            return search(req, type);
        } else if (r.size() == 2) {
            switch (req.method) {
                case "GET" -> {
                    return getOne(req, type, r.get(1));
                }
                case "PATCH" -> {
                    return patchOne(req, type, r.get(1));
                }
                case "DELETE" -> {
                    findForId(type, r.get(1), req.param("idProperty"), true).ifPresent(rec -> archive(rec));
                    return Resp.noContent();
                }
                default -> {
                }
            }
        }
        throw ApiException.notFound("No route for " + req.method + " " + req.path);
    }

    // ------------------------------------------------------------------ JSON

    static ObjectNode recordJson(StoredRecord r, Collection<String> requested) {
        ObjectNode n = Json.object();
        n.put("id", r.id);
        ObjectNode p = n.putObject("properties");
        if (requested == null || requested.isEmpty()) {
            r.props.forEach(p::put);
        } else {
            Set<String> names = new LinkedHashSet<>();
            names.add("createdate");
            names.add("hs_lastmodifieddate");
            if ("contacts".equals(r.type)) {
                names.add("lastmodifieddate");
            }
            names.add("hs_object_id");
            names.addAll(requested);
            for (String name : names) {
                String v = r.props.get(name);
                if (v == null) {
                    p.putNull(name);
                } else {
                    p.put(name, v);
                }
            }
        }
        n.put("createdAt", Json.iso(r.createdAt));
        n.put("updatedAt", Json.iso(r.updatedAt));
        n.put("archived", r.archived);
        if (r.archived) {
            n.put("archivedAt", Json.iso(r.updatedAt));
        }
        return n;
    }

    static ObjectNode envelope(ArrayNode results, ArrayNode errors, Instant started) {
        ObjectNode n = Json.object();
        n.put("status", "COMPLETE");
        n.set("results", results);
        if (errors != null && !errors.isEmpty()) {
            n.put("numErrors", errors.size());
            n.set("errors", errors);
        }
        n.put("startedAt", Json.iso(started));
        n.put("completedAt", Json.iso(Instant.now()));
        return n;
    }

    /** Converts a top-level error body into a per-input batch error with context. */
    static ObjectNode inputError(ObjectNode errorBody, String traceId, String id) {
        ObjectNode e = Json.object();
        e.put("status", "error");
        e.put("category", errorBody.path("category").asString("VALIDATION_ERROR"));
        e.put("message", errorBody.path("message").asString());
        ObjectNode ctx = e.putObject("context");
        if (errorBody.get("context") instanceof ObjectNode c) {
            ctx.setAll(c);
        }
        if (traceId != null) {
            ctx.set("objectWriteTraceId", Json.strings(traceId));
        }
        if (id != null) {
            ctx.set("ids", Json.strings(id));
        }
        if (errorBody.get("errors") != null) {
            e.set("errors", errorBody.get("errors"));
        }
        return e;
    }

    static List<JsonNode> inputs(Req req, int max) {
        JsonNode inputs = req.body().get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw ApiException.validation("Invalid input JSON: inputs is required and must be an array");
        }
        if (inputs.size() > max) {
            ObjectNode body = Json.error("VALIDATION_ERROR",
                    "Batch input size " + inputs.size() + " exceeds the limit of " + max + " inputs");
            body.putObject("context").set("limit", Json.strings(String.valueOf(max)));
            throw new ApiException(400, body);
        }
        return Json.list(inputs);
    }

    static Map<String, String> propertiesOf(JsonNode input) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode p = input.get("properties");
        if (p == null || p.isNull()) {
            return m;
        }
        if (!p.isObject()) {
            throw ApiException.validation("Invalid input JSON: properties must be an object");
        }
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            String v = Json.text(e.getValue());
            m.put(e.getKey(), v == null ? "" : v);
        }
        return m;
    }

    private static String traceOf(JsonNode input) {
        String t = Json.text(input, "objectWriteTraceId");
        return t == null || t.isBlank() ? null : t;
    }

    private static String typeId(String type) {
        return ObjectTypes.require(type).typeId();
    }

    private ApiException nonUnique(String type, String prop) {
        return ApiException.validation("Unable to perform update/upsert by non-unique " + typeId(type) + " property "
                + prop + " in portal ID " + PortalState.PORTAL_ID);
    }

    private static ApiException notFound(String type, String id) {
        ObjectNode body = Json.error("OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.");
        body.putObject("context").set("id", Json.strings(id));
        return new ApiException(404, body);
    }

    Optional<StoredRecord> findForId(String type, String id, String idProperty, boolean allowEmail) {
        if (idProperty == null || idProperty.isBlank() || "hs_object_id".equals(idProperty)) {
            return state.active(type, id);
        }
        if (!state.isUniqueIdProperty(type, idProperty, allowEmail)) {
            throw nonUnique(type, idProperty);
        }
        return Optional.ofNullable(state.byValue(type, idProperty, PortalState.normalizeKey(type, idProperty, id)));
    }

    // ------------------------------------------------------------------ single-record endpoints

    private Resp createOne(Req req, String type) {
        JsonNode body = req.body();
        Map<String, String> props = propertiesOf(body);
        Validated v = state.validate(type, props, null, true);
        if (!v.ok()) {
            throw new ApiException(400, PortalState.propertyErrorBody(v.problems()));
        }
        List<AssociationsApi.Link> links = associations.inlineLinks(type, body.get("associations"));
        state.uniqueConflict(type, List.of(new PlannedWrite(null, PortalState.merged(null, v.values()))))
                .ifPresent(e -> {
                    throw e;
                });
        StoredRecord rec = state.create(type, v.values(), Instant.now());
        links.forEach(l -> state.associate(type, rec.id, l.toType(), l.toId(), l.typeId()));
        return Resp.json(201, recordJson(rec, null));
    }

    private Resp getOne(Req req, String type, String id) {
        StoredRecord rec = findForId(type, id, req.param("idProperty"), true).orElseThrow(() -> notFound(type, id));
        List<String> requested = new ArrayList<>(req.params("properties"));
        String idProp = req.param("idProperty");
        if (idProp != null && !requested.isEmpty()) {
            requested.add(idProp);
        }
        ObjectNode json = recordJson(rec, requested);
        List<String> assocTypes = req.params("associations");
        if (!assocTypes.isEmpty()) {
            json.set("associations", associations.inlineAssociationsJson(type, rec.id, assocTypes));
        }
        return Resp.json(200, json);
    }

    private Resp patchOne(Req req, String type, String id) {
        String idProp = req.param("idProperty");
        StoredRecord rec = findForId(type, id, idProp, false).orElseThrow(() -> notFound(type, id));
        Map<String, String> props = propertiesOf(req.body());
        Validated v = state.validate(type, props, rec, false);
        if (!v.ok()) {
            throw new ApiException(400, PortalState.propertyErrorBody(v.problems()));
        }
        state.uniqueConflict(type, List.of(new PlannedWrite(rec.id, PortalState.merged(rec, v.values()))))
                .ifPresent(e -> {
                    throw e;
                });
        state.update(rec, v.values(), Instant.now());
        return Resp.json(200, recordJson(rec, null));
    }

    private Resp list(Req req, String type) {
        int limit = Math.max(1, Math.min(100, req.intParam("limit", 10)));
        String after = req.param("after");
        long afterId = 0;
        if (after != null && !after.isBlank()) {
            try {
                afterId = Long.parseLong(after.trim());
            } catch (NumberFormatException e) {
                throw ApiException.validation("Invalid paging cursor: " + after);
            }
        }
        boolean archived = "true".equalsIgnoreCase(req.param("archived"));
        List<String> requested = req.params("properties");
        List<String> assocTypes = req.params("associations");
        ArrayNode results = Json.array();
        StoredRecord last = null;
        boolean more = false;
        for (StoredRecord r : state.recordsOf(type).values()) {
            if (r.archived != archived || Long.parseLong(r.id) <= afterId) {
                continue;
            }
            if (results.size() == limit) {
                more = true;
                break;
            }
            ObjectNode json = recordJson(r, requested);
            if (!assocTypes.isEmpty()) {
                json.set("associations", associations.inlineAssociationsJson(type, r.id, assocTypes));
            }
            results.add(json);
            last = r;
        }
        ObjectNode body = Json.object();
        body.set("results", results);
        if (more && last != null) {
            ObjectNode next = body.putObject("paging").putObject("next");
            next.put("after", last.id);
            next.put("link", req.path + "?after=" + last.id);
        }
        return Resp.json(200, body);
    }

    private void archive(StoredRecord rec) {
        state.archive(rec, Instant.now());
    }

    // ------------------------------------------------------------------ batch endpoints

    private Resp batchCreate(Req req, String type) {
        Instant started = Instant.now();
        List<JsonNode> inputs = inputs(req, BATCH_LIMIT);
        Set<String> traces = new HashSet<>();
        boolean traced = !inputs.isEmpty();
        for (JsonNode in : inputs) {
            String t = traceOf(in);
            if (t == null || !traces.add(t)) {
                traced = false;
            }
        }
        ArrayNode errors = Json.array();
        List<Validated> ok = new ArrayList<>();
        List<List<AssociationsApi.Link>> okLinks = new ArrayList<>();
        for (JsonNode in : inputs) {
            ObjectNode err = null;
            Validated v = state.validate(type, propertiesOf(in), null, true);
            List<AssociationsApi.Link> links = List.of();
            if (!v.ok()) {
                err = PortalState.propertyErrorBody(v.problems());
            } else {
                try {
                    links = associations.inlineLinks(type, in.get("associations"));
                } catch (ApiException e) {
                    err = e.body;
                }
            }
            if (err != null) {
                if (!traced) {
                    throw new ApiException(400, err);
                }
                errors.add(inputError(err, traceOf(in), null));
                continue;
            }
            ok.add(v);
            okLinks.add(links);
        }
        List<PlannedWrite> planned = ok.stream().map(v -> new PlannedWrite(null, PortalState.merged(null, v.values()))).toList();
        state.uniqueConflict(type, planned).ifPresent(e -> {
            throw e;
        });
        Instant now = Instant.now();
        ArrayNode results = Json.array();
        for (int i = 0; i < ok.size(); i++) {
            StoredRecord rec = state.create(type, ok.get(i).values(), now);
            for (AssociationsApi.Link l : okLinks.get(i)) {
                state.associate(type, rec.id, l.toType(), l.toId(), l.typeId());
            }
            results.add(recordJson(rec, null));
        }
        return Resp.json(errors.isEmpty() ? 201 : 207, envelope(results, errors, started));
    }

    private Resp batchUpsert(Req req, String type) {
        Instant started = Instant.now();
        List<JsonNode> inputs = inputs(req, BATCH_LIMIT);
        Set<String> seenIds = new HashSet<>();
        List<String> dupes = new ArrayList<>();
        for (JsonNode in : inputs) {
            String id = Json.text(in, "id");
            String idProp = Json.text(in, "idProperty");
            if (id == null || id.isBlank()) {
                throw ApiException.validation("Invalid input JSON: id is required for every upsert input");
            }
            if (idProp == null || idProp.isBlank()) {
                throw ApiException.validation("Invalid input JSON: idProperty is required for every upsert input");
            }
            if (!state.isUniqueIdProperty(type, idProp, true)) {
                throw nonUnique(type, idProp);
            }
            if (!seenIds.add(idProp + "\u0000" + PortalState.normalizeKey(type, idProp, id))) {
                dupes.add(id);
            }
        }
        if (!dupes.isEmpty()) {
            throw ApiException.validation("Duplicate IDs found in batch input: " + dupes + ". IDs must be unique");
        }
        ArrayNode errors = Json.array();
        List<StoredRecord> targets = new ArrayList<>();
        List<Validated> ok = new ArrayList<>();
        for (JsonNode in : inputs) {
            String id = Json.text(in, "id");
            String idProp = Json.text(in, "idProperty");
            StoredRecord existing = state.byValue(type, idProp, PortalState.normalizeKey(type, idProp, id));
            Map<String, String> props = propertiesOf(in);
            if (existing == null) {
                props.put(idProp, id);
            }
            Validated v = state.validate(type, props, existing, existing == null);
            if (!v.ok()) {
                errors.add(inputError(PortalState.propertyErrorBody(v.problems()), traceOf(in), id));
                continue;
            }
            targets.add(existing);
            ok.add(v);
        }
        List<PlannedWrite> planned = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            StoredRecord t = targets.get(i);
            planned.add(new PlannedWrite(t == null ? null : t.id, PortalState.merged(t, ok.get(i).values())));
        }
        state.uniqueConflict(type, planned).ifPresent(e -> {
            throw e;
        });
        Instant now = Instant.now();
        ArrayNode results = Json.array();
        for (int i = 0; i < ok.size(); i++) {
            StoredRecord t = targets.get(i);
            boolean isNew = t == null;
            if (isNew) {
                t = state.create(type, ok.get(i).values(), now);
            } else {
                state.update(t, ok.get(i).values(), now);
            }
            ObjectNode json = recordJson(t, null);
            json.put("new", isNew);
            results.add(json);
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, envelope(results, errors, started));
    }

    private Resp batchUpdate(Req req, String type) {
        Instant started = Instant.now();
        List<JsonNode> inputs = inputs(req, BATCH_LIMIT);
        ArrayNode errors = Json.array();
        List<StoredRecord> targets = new ArrayList<>();
        List<Validated> ok = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> dupes = new ArrayList<>();
        for (JsonNode in : inputs) {
            String idProp = Json.text(in, "idProperty");
            if (idProp != null && !idProp.isBlank() && !"hs_object_id".equals(idProp)
                    && !state.isUniqueIdProperty(type, idProp, false)) {
                throw nonUnique(type, idProp);
            }
        }
        for (JsonNode in : inputs) {
            String id = Json.text(in, "id");
            if (id == null || id.isBlank()) {
                throw ApiException.validation("Invalid input JSON: id is required for every update input");
            }
            Optional<StoredRecord> rec = findForId(type, id, Json.text(in, "idProperty"), false);
            if (rec.isEmpty()) {
                ObjectNode body = Json.error("OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.");
                errors.add(inputError(body, traceOf(in), id));
                continue;
            }
            if (!seen.add(rec.get().id)) {
                dupes.add(id);
                continue;
            }
            Validated v = state.validate(type, propertiesOf(in), rec.get(), false);
            if (!v.ok()) {
                errors.add(inputError(PortalState.propertyErrorBody(v.problems()), traceOf(in), id));
                continue;
            }
            targets.add(rec.get());
            ok.add(v);
        }
        if (!dupes.isEmpty()) {
            throw ApiException.validation("Duplicate IDs found in batch input: " + dupes + ". IDs must be unique");
        }
        List<PlannedWrite> planned = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            planned.add(new PlannedWrite(targets.get(i).id, PortalState.merged(targets.get(i), ok.get(i).values())));
        }
        state.uniqueConflict(type, planned).ifPresent(e -> {
            throw e;
        });
        Instant now = Instant.now();
        ArrayNode results = Json.array();
        for (int i = 0; i < ok.size(); i++) {
            state.update(targets.get(i), ok.get(i).values(), now);
            results.add(recordJson(targets.get(i), null));
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, envelope(results, errors, started));
    }

    private Resp batchRead(Req req, String type) {
        Instant started = Instant.now();
        List<JsonNode> inputs = inputs(req, BATCH_LIMIT);
        JsonNode body = req.body();
        String idProp = Json.text(body, "idProperty");
        List<String> requested = new ArrayList<>();
        Json.list(body.get("properties")).forEach(n -> requested.add(n.asString()));
        if (idProp != null && !idProp.isBlank() && !requested.isEmpty()) {
            requested.add(idProp);
        }
        ArrayNode results = Json.array();
        List<String> missing = new ArrayList<>();
        Set<String> returned = new HashSet<>();
        for (JsonNode in : inputs) {
            String id = Json.text(in, "id");
            if (id == null) {
                throw ApiException.validation("Invalid input JSON: id is required for every read input");
            }
            Optional<StoredRecord> rec = findForId(type, id, idProp, true);
            if (rec.isEmpty()) {
                missing.add(id);
            } else if (returned.add(rec.get().id)) {
                results.add(recordJson(rec.get(), requested));
            }
        }
        ArrayNode errors = Json.array();
        if (!missing.isEmpty()) {
            ObjectNode e = errors.addObject();
            e.put("status", "error");
            e.put("category", "OBJECT_NOT_FOUND");
            e.put("message", "Could not get some " + ObjectTypes.require(type).upperName()
                    + " objects, they may be deleted or not exist. Check that ids are valid.");
            ArrayNode ids = e.putObject("context").putArray("ids");
            missing.forEach(ids::add);
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, envelope(results, errors, started));
    }

    private Resp batchArchive(Req req, String type) {
        for (JsonNode in : inputs(req, BATCH_LIMIT)) {
            String id = Json.text(in, "id");
            if (id != null) {
                state.active(type, id).ifPresent(this::archive);
            }
        }
        return Resp.noContent();
    }

    // ------------------------------------------------------------------ search (minimal)

    private Resp search(Req req, String type) {
        JsonNode body = req.body();
        int limit = Math.max(1, Math.min(200, body.path("limit").asInt(10)));
        long after = 0;
        String a = Json.text(body, "after");
        if (a != null && !a.isBlank()) {
            after = Long.parseLong(a.trim());
        }
        List<String> requested = new ArrayList<>();
        Json.list(body.get("properties")).forEach(n -> requested.add(n.asString()));
        List<JsonNode> groups = Json.list(body.get("filterGroups"));
        List<StoredRecord> matches = new ArrayList<>();
        Instant now = Instant.now();
        for (StoredRecord stored : state.recordsOf(type).values()) {
            StoredRecord r = state.searchView(stored, now); // search is eventually consistent: see searchLag
            if (r == null) {
                continue;
            }
            boolean match = groups.isEmpty();
            for (JsonNode g : groups) {
                boolean all = true;
                for (JsonNode f : Json.list(g.get("filters"))) {
                    all &= matches(r, f);
                }
                match |= all;
            }
            if (match) {
                matches.add(r);
            }
        }
        ArrayNode results = Json.array();
        StoredRecord last = null;
        int skipped = 0;
        for (StoredRecord r : matches) {
            if (skipped < after) {
                skipped++;
                continue;
            }
            if (results.size() == limit) {
                break;
            }
            results.add(recordJson(r, requested));
            last = r;
        }
        ObjectNode out = Json.object();
        out.put("total", matches.size());
        out.set("results", results);
        if (last != null && after + results.size() < matches.size()) {
            out.putObject("paging").putObject("next").put("after", String.valueOf(after + results.size()));
        }
        return Resp.json(200, out);
    }

    private static boolean matches(StoredRecord r, JsonNode f) {
        String prop = Json.text(f, "propertyName");
        String op = Json.text(f, "operator");
        String actual = "hs_object_id".equals(prop) ? r.id : r.props.get(prop);
        String value = Json.text(f, "value");
        List<String> values = new ArrayList<>();
        Json.list(f.get("values")).forEach(v -> values.add(v.asString()));
        if (op == null) {
            return false;
        }
        return switch (op) {
            case "EQ" -> actual != null && actual.equalsIgnoreCase(value);
            case "NEQ" -> actual == null || !actual.equalsIgnoreCase(value);
            case "IN" -> actual != null && values.stream().anyMatch(actual::equalsIgnoreCase);
            case "NOT_IN" -> actual == null || values.stream().noneMatch(actual::equalsIgnoreCase);
            case "HAS_PROPERTY" -> actual != null && !actual.isEmpty();
            case "NOT_HAS_PROPERTY" -> actual == null || actual.isEmpty();
            case "CONTAINS_TOKEN" -> actual != null && value != null
                    && actual.toLowerCase().contains(value.replace("*", "").toLowerCase());
            default -> throw ApiException.validation("Unsupported filter operator in emulator: " + op);
        };
    }
}
