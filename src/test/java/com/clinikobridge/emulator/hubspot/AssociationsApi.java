package com.clinikobridge.emulator.hubspot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.clinikobridge.emulator.hubspot.Http.Req;
import com.clinikobridge.emulator.hubspot.Http.Resp;
import com.clinikobridge.emulator.hubspot.ObjectTypes.AssocType;
import com.clinikobridge.emulator.hubspot.PortalState.Assoc;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Associations v4 (/crm/v4/associations, /crm/associations/2026-03) and per-record association routes. */
final class AssociationsApi {

    static final int CREATE_LIMIT = 100;
    static final int READ_LIMIT = 1000;

    /** A validated association target for inline associations. */
    record Link(String toType, String toId, int typeId) {
    }

    private final PortalState state;

    AssociationsApi(PortalState state) {
        this.state = state;
    }

    /** /crm/v4/associations/{from}/{to}/... */
    Resp handle(Req req) {
        if (req.rest.size() < 3) {
            throw ApiException.notFound("No route for " + req.method + " " + req.path);
        }
        String from = ObjectTypes.require(req.seg(0)).name();
        String to = ObjectTypes.require(req.seg(1)).name();
        String op = String.join("/", req.rest.subList(2, req.rest.size()));
        if ("labels".equals(op) && "GET".equals(req.method)) {
            return labels(from, to);
        }
        if (!"POST".equals(req.method)) {
            throw ApiException.notFound("No route for " + req.method + " " + req.path);
        }
        return switch (op) {
            case "batch/create" -> batchCreate(req, from, to);
            case "batch/associate/default" -> batchDefault(req, from, to);
            case "batch/read" -> batchRead(req, from, to);
            case "batch/archive" -> batchArchive(req, from, to);
            case "batch/labels/archive" -> batchLabelsArchive(req, from, to);
            default -> throw ApiException.notFound("No route for " + req.method + " " + req.path);
        };
    }

    private Resp labels(String from, String to) {
        ArrayNode results = Json.array();
        for (AssocType t : ObjectTypes.typesBetween(from, to)) {
            ObjectNode n = results.addObject();
            n.put("category", "HUBSPOT_DEFINED");
            n.put("typeId", t.typeId());
            if (t.label() == null) {
                n.putNull("label");
            } else {
                n.put("label", t.label());
            }
        }
        ObjectNode body = Json.object();
        body.set("results", results);
        return Resp.json(200, body);
    }

    private static ObjectNode invalid(String message, Map<String, String> context) {
        ObjectNode body = Json.error("VALIDATION_ERROR", message);
        ObjectNode ctx = body.putObject("context");
        context.forEach((k, v) -> ctx.set(k, Json.strings(v)));
        return body;
    }

    /** Validates one from→to association request; returns the error body or null. */
    private ObjectNode check(String from, String fromId, String to, String toId, List<JsonNode> types) {
        if (fromId == null || toId == null) {
            return Json.error("VALIDATION_ERROR", "Invalid input JSON: from.id and to.id are required");
        }
        if (types.isEmpty()) {
            return invalid("One or more associations are invalid: at least one association type is required",
                    Map.of("types", "[]"));
        }
        for (JsonNode t : types) {
            String category = Json.text(t, "associationCategory");
            int typeId = t.path("associationTypeId").asInt(-1);
            if (!"HUBSPOT_DEFINED".equals(category) || ObjectTypes.assocType(from, to, typeId).isEmpty()) {
                Map<String, String> ctx = new LinkedHashMap<>();
                ctx.put("associationTypeId", String.valueOf(typeId));
                ctx.put("associationCategory", String.valueOf(category));
                ctx.put("INVALID_ASSOCIATION_TYPE", category + " " + typeId + " is not valid from "
                        + ObjectTypes.require(from).upperName() + " to " + ObjectTypes.require(to).upperName());
                return invalid("One or more associations are invalid", ctx);
            }
        }
        for (String[] side : new String[][] {{from, fromId}, {to, toId}}) {
            if (state.active(side[0], side[1]).isEmpty()) {
                String upper = ObjectTypes.require(side[0]).upperName();
                Map<String, String> ctx = new LinkedHashMap<>();
                ctx.put("INVALID_OBJECT_IDS", upper + "=" + side[1] + " is not valid");
                ctx.put("objectId", side[1]);
                ctx.put("objectType", upper);
                return invalid("One or more associations are invalid", ctx);
            }
        }
        return null;
    }

    private static ObjectNode pairJson(String from, String fromId, String to, String toId, List<String> labels) {
        ObjectNode n = Json.object();
        n.put("fromObjectTypeId", ObjectTypes.require(from).typeId());
        n.put("fromObjectId", Long.parseLong(fromId));
        n.put("toObjectTypeId", ObjectTypes.require(to).typeId());
        n.put("toObjectId", Long.parseLong(toId));
        ArrayNode l = n.putArray("labels");
        labels.forEach(l::add);
        return n;
    }

    private Resp batchCreate(Req req, String from, String to) {
        Instant started = Instant.now();
        List<JsonNode> inputs = ObjectsApi.inputs(req, CREATE_LIMIT);
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode in : inputs) {
            String fromId = Json.text(in.path("from"), "id");
            String toId = Json.text(in.path("to"), "id");
            List<JsonNode> types = Json.list(in.get("types"));
            ObjectNode err = check(from, fromId, to, toId, types);
            if (err != null) {
                errors.add(ObjectsApi.inputError(err, null, null));
                continue;
            }
            List<String> labels = new ArrayList<>();
            for (JsonNode t : types) {
                int typeId = t.path("associationTypeId").asInt();
                state.associate(from, fromId, to, toId, typeId);
                ObjectTypes.assocType(from, to, typeId).map(AssocType::label).ifPresent(labels::add);
            }
            results.add(pairJson(from, fromId, to, toId, labels));
        }
        return Resp.json(errors.isEmpty() ? 201 : 207, ObjectsApi.envelope(results, errors, started));
    }

    private Resp batchDefault(Req req, String from, String to) {
        Instant started = Instant.now();
        List<JsonNode> inputs = ObjectsApi.inputs(req, CREATE_LIMIT);
        AssocType def = ObjectTypes.defaultType(from, to)
                .orElseThrow(() -> ApiException.validation("No default association between " + from + " and " + to));
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode in : inputs) {
            String fromId = Json.text(in.path("from"), "id");
            String toId = Json.text(in.path("to"), "id");
            ObjectNode typeNode = Json.object();
            typeNode.put("associationCategory", "HUBSPOT_DEFINED");
            typeNode.put("associationTypeId", def.typeId());
            ObjectNode err = check(from, fromId, to, toId, List.of(typeNode));
            if (err != null) {
                errors.add(ObjectsApi.inputError(err, null, null));
                continue;
            }
            state.associate(from, fromId, to, toId, def.typeId());
            ObjectNode r = results.addObject();
            r.putObject("from").put("id", fromId);
            r.putObject("to").put("id", toId);
            r.putObject("associationSpec").put("associationCategory", "HUBSPOT_DEFINED")
                    .put("associationTypeId", def.typeId());
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, ObjectsApi.envelope(results, errors, started));
    }

    private ArrayNode targetsJson(String from, String fromId, String to) {
        Map<String, List<Integer>> byTarget = new LinkedHashMap<>();
        for (Assoc a : state.assocs.from(from, fromId)) {
            if (a.toType().equals(to)) {
                byTarget.computeIfAbsent(a.toId(), k -> new ArrayList<>()).add(a.typeId());
            }
        }
        ArrayNode arr = Json.array();
        byTarget.forEach((toId, typeIds) -> {
            ObjectNode t = arr.addObject();
            t.put("toObjectId", Long.parseLong(toId));
            ArrayNode types = t.putArray("associationTypes");
            for (int typeId : typeIds) {
                ObjectNode tn = types.addObject();
                tn.put("category", "HUBSPOT_DEFINED");
                tn.put("typeId", typeId);
                Optional<String> label = ObjectTypes.assocType(from, to, typeId).map(AssocType::label);
                if (label.isPresent()) {
                    tn.put("label", label.get());
                } else {
                    tn.putNull("label");
                }
            }
        });
        return arr;
    }

    private Resp batchRead(Req req, String from, String to) {
        Instant started = Instant.now();
        List<JsonNode> inputs = ObjectsApi.inputs(req, READ_LIMIT);
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode in : inputs) {
            String id = Json.text(in, "id");
            ArrayNode targets = id == null ? Json.array() : targetsJson(from, id, to);
            if (targets.isEmpty()) {
                ObjectNode e = errors.addObject();
                e.put("status", "error");
                e.put("category", "OBJECT_NOT_FOUND");
                e.put("message", "No " + to + " is associated with " + ObjectTypes.require(from).upperName() + " " + id + ".");
                e.putObject("context").set("fromObjectId", Json.strings(String.valueOf(id)));
                continue;
            }
            ObjectNode r = results.addObject();
            r.putObject("from").put("id", id);
            r.set("to", targets);
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, ObjectsApi.envelope(results, errors, started));
    }

    private Resp batchArchive(Req req, String from, String to) {
        for (JsonNode in : ObjectsApi.inputs(req, READ_LIMIT)) {
            String fromId = Json.text(in.path("from"), "id");
            for (JsonNode t : Json.list(in.get("to"))) {
                state.removeAssociations(from, fromId, to, Json.text(t, "id"));
            }
        }
        return Resp.noContent();
    }

    /** Removes only the given association types (and their inverses) between each pair. */
    private Resp batchLabelsArchive(Req req, String from, String to) {
        for (JsonNode in : ObjectsApi.inputs(req, READ_LIMIT)) {
            String fromId = Json.text(in.path("from"), "id");
            String toId = Json.text(in.path("to"), "id");
            for (JsonNode t : Json.list(in.get("types"))) {
                int typeId = t.path("associationTypeId").asInt(-1);
                Optional<AssocType> inverse = ObjectTypes.inverseOf(from, to, typeId);
                state.assocs.removePair(from, fromId, to, toId, a -> a.fromType().equals(from) ? a.typeId() == typeId
                        : inverse.isPresent() && a.typeId() == inverse.get().typeId());
            }
        }
        return Resp.noContent();
    }

    // ------------------------------------------------------------------ per-record routes

    /** /crm/v{3,4}/objects/{type}/{id}/associations/... (and the 2026-03 equivalents). */
    Resp handleRecordAssociations(Req req, String type) {
        String id = req.seg(1);
        List<String> r = req.rest;
        if (r.size() == 4 && "GET".equals(req.method)) {
            String to = ObjectTypes.require(r.get(3)).name();
            if (state.active(type, id).isEmpty()) {
                throw ApiException.notFound("Object not found: " + type + " " + id);
            }
            ArrayNode targets = targetsJson(type, id, to);
            ObjectNode body = Json.object();
            if (req.legacyV3()) {
                ArrayNode res = body.putArray("results");
                for (JsonNode t : targets) {
                    for (JsonNode ty : t.get("associationTypes")) {
                        ObjectNode n = res.addObject();
                        n.put("id", t.get("toObjectId").asString());
                        n.put("type", ObjectTypes.require(type).singular() + "_to_" + ObjectTypes.require(to).singular());
                        n.put("associationTypeId", ty.get("typeId").asInt());
                    }
                }
            } else {
                body.set("results", targets);
            }
            return Resp.json(200, body);
        }
        if (r.size() == 6 && "default".equals(r.get(3)) && "PUT".equals(req.method)) {
            String to = ObjectTypes.require(r.get(4)).name();
            String toId = r.get(5);
            AssocType def = ObjectTypes.defaultType(type, to)
                    .orElseThrow(() -> ApiException.validation("No default association between " + type + " and " + to));
            ObjectNode t = Json.object();
            t.put("associationCategory", "HUBSPOT_DEFINED");
            t.put("associationTypeId", def.typeId());
            ObjectNode err = check(type, id, to, toId, List.of(t));
            if (err != null) {
                throw new ApiException(400, err);
            }
            state.associate(type, id, to, toId, def.typeId());
            ObjectNode body = Json.object();
            body.put("status", "COMPLETE");
            body.putArray("results").add(pairJson(type, id, to, toId, List.of()));
            return Resp.json(200, body);
        }
        if (r.size() == 5) {
            String to = ObjectTypes.require(r.get(3)).name();
            String toId = r.get(4);
            if ("DELETE".equals(req.method)) {
                state.removeAssociations(type, id, to, toId);
                return Resp.noContent();
            }
            if ("PUT".equals(req.method)) {
                List<JsonNode> types = Json.list(req.body());
                ObjectNode err = check(type, id, to, toId, types);
                if (err != null) {
                    throw new ApiException(400, err);
                }
                List<String> labels = new ArrayList<>();
                for (JsonNode t : types) {
                    int typeId = t.path("associationTypeId").asInt();
                    state.associate(type, id, to, toId, typeId);
                    ObjectTypes.assocType(type, to, typeId).map(AssocType::label).ifPresent(labels::add);
                }
                return Resp.json(201, pairJson(type, id, to, toId, labels));
            }
        }
        throw ApiException.notFound("No route for " + req.method + " " + req.path);
    }

    // ------------------------------------------------------------------ inline associations on create

    /** Validates inline associations of a create input; throws ApiException (400 body) when invalid. */
    List<Link> inlineLinks(String fromType, JsonNode associations) {
        List<Link> links = new ArrayList<>();
        for (JsonNode a : Json.list(associations)) {
            String toId = Json.text(a.path("to"), "id");
            List<JsonNode> types = Json.list(a.get("types"));
            if (types.isEmpty()) {
                throw new ApiException(400, invalid("One or more associations are invalid: at least one association type is required",
                        Map.of("types", "[]")));
            }
            for (JsonNode t : types) {
                int typeId = t.path("associationTypeId").asInt(-1);
                String category = Json.text(t, "associationCategory");
                Optional<AssocType> at = "HUBSPOT_DEFINED".equals(category)
                        ? ObjectTypes.ALL.stream().map(x -> ObjectTypes.assocType(fromType, x.name(), typeId))
                                .flatMap(Optional::stream).findFirst()
                        : Optional.empty();
                if (at.isEmpty()) {
                    Map<String, String> ctx = new LinkedHashMap<>();
                    ctx.put("associationTypeId", String.valueOf(typeId));
                    ctx.put("INVALID_ASSOCIATION_TYPE", category + " " + typeId + " is not valid from "
                            + ObjectTypes.require(fromType).upperName());
                    throw new ApiException(400, invalid("One or more associations are invalid", ctx));
                }
                String toType = at.get().to();
                if (toId == null || state.active(toType, toId).isEmpty()) {
                    String upper = ObjectTypes.require(toType).upperName();
                    Map<String, String> ctx = new LinkedHashMap<>();
                    ctx.put("INVALID_OBJECT_IDS", upper + "=" + toId + " is not valid");
                    ctx.put("objectId", String.valueOf(toId));
                    ctx.put("objectType", upper);
                    throw new ApiException(400, invalid("One or more associations are invalid", ctx));
                }
                links.add(new Link(toType, toId, typeId));
            }
        }
        return links;
    }

    /** The v3-style "associations" block on a GET record with ?associations=. */
    ObjectNode inlineAssociationsJson(String type, String id, List<String> toTypes) {
        ObjectNode out = Json.object();
        for (String alias : toTypes) {
            Optional<ObjectTypes.Type> to = ObjectTypes.find(alias);
            if (to.isEmpty()) {
                continue;
            }
            ArrayNode res = Json.array();
            for (Assoc a : state.assocs.from(type, id)) {
                if (a.toType().equals(to.get().name())) {
                    ObjectNode n = res.addObject();
                    n.put("id", a.toId());
                    n.put("type", ObjectTypes.require(type).singular() + "_to_" + to.get().singular());
                }
            }
            if (!res.isEmpty()) {
                out.putObject(to.get().name()).set("results", res);
            }
        }
        return out;
    }
}
