package com.clinikobridge.emulator.hubspot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.clinikobridge.emulator.hubspot.Http.Req;
import com.clinikobridge.emulator.hubspot.Http.Resp;
import com.clinikobridge.emulator.hubspot.PortalState.Owner;
import com.clinikobridge.emulator.hubspot.PortalState.Pipeline;
import com.clinikobridge.emulator.hubspot.PortalState.Stage;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Owners (/crm/v3/owners, /crm/owners/2026-03) and deal pipelines (/crm/v3/pipelines/deals, /crm/pipelines/2026-03/deals). */
final class MetaApi {

    private final PortalState state;

    MetaApi(PortalState state) {
        this.state = state;
    }

    // ------------------------------------------------------------------ owners

    Owner addOwner(String email, String first, String last) {
        Owner o = new Owner();
        o.id = String.valueOf(state.nextOwnerId++);
        o.email = email;
        o.firstName = first;
        o.lastName = last;
        o.userId = 5_000_000L + (state.nextOwnerId % 1_000_000L);
        o.createdAt = Instant.now();
        state.owners.put(o.id, o);
        return o;
    }

    Resp owners(Req req) {
        if (!"GET".equals(req.method)) {
            throw ApiException.notFound("No route for " + req.method + " " + req.path);
        }
        if (req.rest.size() == 1) {
            String key = req.seg(0);
            boolean byUser = "userId".equals(req.param("idProperty"));
            Owner o = state.owners.values().stream()
                    .filter(x -> byUser ? String.valueOf(x.userId).equals(key) : x.id.equals(key)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("Owner " + key + " not found"));
            return Resp.json(200, ownerJson(o));
        }
        if (!req.rest.isEmpty()) {
            throw ApiException.notFound("No route for " + req.method + " " + req.path);
        }
        int limit = Math.max(1, Math.min(500, req.intParam("limit", 100)));
        String email = req.param("email");
        int start = 0;
        String after = req.param("after");
        if (after != null && !after.isBlank()) {
            try {
                start = Integer.parseInt(after.trim());
            } catch (NumberFormatException e) {
                throw ApiException.validation("Invalid paging cursor: " + after);
            }
        }
        List<Owner> all = state.owners.values().stream()
                .filter(o -> email == null || o.email.equalsIgnoreCase(email.trim())).toList();
        ArrayNode results = Json.array();
        for (int i = start; i < all.size() && i < start + limit; i++) {
            results.add(ownerJson(all.get(i)));
        }
        ObjectNode body = Json.object();
        body.set("results", results);
        if (start + limit < all.size()) {
            ObjectNode next = body.putObject("paging").putObject("next");
            next.put("after", String.valueOf(start + limit));
            next.put("link", req.path + "?after=" + (start + limit));
        }
        return Resp.json(200, body);
    }

    static ObjectNode ownerJson(Owner o) {
        ObjectNode n = Json.object();
        n.put("id", o.id);
        n.put("email", o.email);
        n.put("type", "PERSON");
        n.put("firstName", o.firstName);
        n.put("lastName", o.lastName);
        n.put("userId", o.userId);
        n.put("userIdIncludingInactive", o.userId);
        n.put("createdAt", Json.iso(o.createdAt));
        n.put("updatedAt", Json.iso(o.createdAt));
        n.put("archived", false);
        n.putArray("teams");
        return n;
    }

    // ------------------------------------------------------------------ pipelines

    Resp pipelines(Req req) {
        String objectType = req.seg(0);
        if (objectType == null || !"deals".equals(ObjectTypes.find(objectType).map(ObjectTypes.Type::name).orElse(null))) {
            throw ApiException.validation("The emulator only supports deal pipelines, not " + objectType);
        }
        List<String> r = req.rest;
        if (r.size() == 1) {
            if ("GET".equals(req.method)) {
                ArrayNode results = Json.array();
                state.pipelines.values().forEach(p -> results.add(pipelineJson(p)));
                return Resp.json(200, Json.object().set("results", results));
            }
            if ("POST".equals(req.method)) {
                return Resp.json(201, pipelineJson(createPipeline(req.body())));
            }
        }
        if (r.size() >= 2) {
            Pipeline p = state.pipelines.get(r.get(1));
            if (p == null) {
                throw ApiException.notFound("Unable to find pipeline " + r.get(1));
            }
            if (r.size() == 2 && "GET".equals(req.method)) {
                return Resp.json(200, pipelineJson(p));
            }
            if (r.size() == 2 && "DELETE".equals(req.method)) {
                boolean used = state.recordsOf("deals").values().stream()
                        .anyMatch(d -> !d.archived && p.id.equals(d.props.get("pipeline")));
                if (used) {
                    throw ApiException.validation("Pipeline " + p.id + " has deals and cannot be deleted");
                }
                state.pipelines.remove(p.id);
                return Resp.noContent();
            }
            if (r.size() == 3 && "stages".equals(r.get(2)) && "GET".equals(req.method)) {
                ArrayNode results = Json.array();
                p.stages.forEach(s -> results.add(stageJson(s)));
                return Resp.json(200, Json.object().set("results", results));
            }
        }
        throw ApiException.notFound("No route for " + req.method + " " + req.path);
    }

    private Pipeline createPipeline(JsonNode b) {
        String label = Json.text(b, "label");
        if (label == null || label.isBlank()) {
            throw ApiException.validation("Pipeline label is required");
        }
        for (Pipeline existing : state.pipelines.values()) {
            if (existing.label.equalsIgnoreCase(label.trim())) {
                ObjectNode body = Json.error("CONFLICT", "A pipeline with label '" + label + "' already exists.");
                body.put("subCategory", "PipelineError.PIPELINE_LABEL_ALREADY_EXISTS");
                throw new ApiException(409, body);
            }
        }
        if (state.pipelines.size() >= state.maxPipelines) {
            ObjectNode body = Json.error("VALIDATION_ERROR", "The maximum number of deal pipelines ("
                    + state.maxPipelines + ") for this portal has been reached.");
            body.put("subCategory", "PipelineError.PIPELINE_LIMIT_EXCEEDED");
            throw new ApiException(400, body);
        }
        List<JsonNode> stageInputs = Json.list(b.get("stages"));
        if (stageInputs.isEmpty()) {
            throw ApiException.validation("A pipeline requires at least one stage");
        }
        if (stageInputs.size() > 100) {
            throw ApiException.validation("A deal pipeline can hold at most 100 stages");
        }
        String requestedId = Json.text(b, "pipelineId");
        if (requestedId != null && state.pipelines.containsKey(requestedId)) {
            throw ApiException.conflict("A pipeline with id '" + requestedId + "' already exists.");
        }
        Instant now = Instant.now();
        Pipeline p = new Pipeline();
        p.id = requestedId != null && !requestedId.isBlank() ? requestedId : String.valueOf(state.nextPipelineId++);
        p.label = label.trim();
        p.displayOrder = b.path("displayOrder").asInt(state.pipelines.size());
        p.createdAt = now;
        p.updatedAt = now;
        Set<String> labels = new HashSet<>();
        Set<String> ids = new HashSet<>();
        List<Stage> stages = new ArrayList<>();
        int order = 0;
        for (JsonNode s : stageInputs) {
            String sl = Json.text(s, "label");
            if (sl == null || sl.isBlank()) {
                throw ApiException.validation("Every stage requires a label");
            }
            if (!labels.add(sl.trim().toLowerCase(Locale.ROOT))) {
                throw ApiException.validation("Stage labels must be unique within a pipeline: '" + sl + "'");
            }
            String prob = Json.text(s.path("metadata"), "probability");
            double pv;
            try {
                pv = prob == null ? Double.NaN : Double.parseDouble(prob);
            } catch (NumberFormatException e) {
                pv = Double.NaN;
            }
            if (Double.isNaN(pv) || pv < 0.0 || pv > 1.0) {
                throw ApiException.validation("Stage '" + sl + "' requires metadata.probability between 0.0 and 1.0, got "
                        + prob);
            }
            Stage st = new Stage();
            String sid = Json.text(s, "stageId");
            st.id = sid != null && !sid.isBlank() ? sid : String.valueOf(state.nextPipelineId++);
            if (!ids.add(st.id)) {
                throw ApiException.validation("Duplicate stage id '" + st.id + "'");
            }
            st.label = sl.trim();
            st.displayOrder = s.path("displayOrder").asInt(order);
            order++;
            st.createdAt = now;
            JsonNode md = s.path("metadata");
            for (String key : md.propertyNames()) {
                st.metadata.put(key, Json.text(md, key));
            }
            st.metadata.put("probability", String.valueOf(pv));
            st.metadata.putIfAbsent("isClosed", String.valueOf(pv == 0.0 || pv == 1.0));
            stages.add(st);
        }
        p.stages = stages;
        state.pipelines.put(p.id, p);
        return p;
    }

    static ObjectNode stageJson(Stage s) {
        ObjectNode n = Json.object();
        n.put("id", s.id);
        n.put("label", s.label);
        n.put("displayOrder", s.displayOrder);
        ObjectNode md = n.putObject("metadata");
        s.metadata.forEach(md::put);
        n.put("createdAt", Json.iso(s.createdAt));
        n.put("updatedAt", Json.iso(s.createdAt));
        n.put("archived", false);
        n.put("writePermissions", "CRM_PERMISSIONS_ENFORCEMENT");
        return n;
    }

    static ObjectNode pipelineJson(Pipeline p) {
        ObjectNode n = Json.object();
        n.put("id", p.id);
        n.put("label", p.label);
        n.put("displayOrder", p.displayOrder);
        ArrayNode stages = n.putArray("stages");
        p.stages.forEach(s -> stages.add(stageJson(s)));
        n.put("createdAt", Json.iso(p.createdAt));
        n.put("updatedAt", Json.iso(p.updatedAt));
        n.put("archived", false);
        return n;
    }
}
