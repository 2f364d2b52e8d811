package com.clinikobridge.emulator.hubspot;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.clinikobridge.emulator.hubspot.Http.Req;
import com.clinikobridge.emulator.hubspot.Http.Resp;
import com.clinikobridge.emulator.hubspot.PortalState.Group;
import com.clinikobridge.emulator.hubspot.PortalState.Option;
import com.clinikobridge.emulator.hubspot.PortalState.PropDef;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** /crm/v3/properties/{type}/... and /crm/properties/2026-03/{type}/... */
final class PropertiesApi {

    private static final Map<String, Set<String>> FIELD_TYPES = Map.of(
            "string", Set.of("text", "textarea", "html", "phonenumber", "file"),
            "number", Set.of("number"),
            "date", Set.of("date"),
            "datetime", Set.of("date"),
            "enumeration", Set.of("select", "radio", "checkbox", "booleancheckbox"),
            "bool", Set.of("booleancheckbox"));

    private final PortalState state;

    PropertiesApi(PortalState state) {
        this.state = state;
    }

    Resp handle(Req req) {
        String type = ObjectTypes.require(req.seg(0)).name();
        List<String> r = req.rest;
        if (r.size() == 1) {
            if ("GET".equals(req.method)) {
                ArrayNode results = Json.array();
                boolean archived = "true".equalsIgnoreCase(req.param("archived"));
                state.props.get(type).values().stream().filter(d -> d.archived == archived)
                        .forEach(d -> results.add(json(d)));
                return Resp.json(200, Json.object().set("results", results));
            }
            if ("POST".equals(req.method)) {
                PropDef d = build(type, req.body());
                if (state.props.get(type).containsKey(d.name) && !state.props.get(type).get(d.name).archived) {
                    throw duplicate(d.name);
                }
                checkUniqueBudget(type, d, 0);
                state.props.get(type).put(d.name, d);
                return Resp.json(201, json(d));
            }
        }
        if (r.size() >= 2 && "groups".equals(r.get(1))) {
            return groups(req, type);
        }
        if (r.size() == 3 && "batch".equals(r.get(1)) && "POST".equals(req.method)) {
            return switch (r.get(2)) {
                case "create" -> batchCreate(req, type);
                case "read" -> batchRead(req, type);
                case "archive" -> {
                    for (JsonNode in : ObjectsApi.inputs(req, 100)) {
                        archive(type, Json.text(in, "name"));
                    }
                    yield Resp.noContent();
                }
                default -> throw ApiException.notFound("No route for " + req.method + " " + req.path);
            };
        }
        if (r.size() == 2) {
            String name = r.get(1);
            switch (req.method) {
                case "GET" -> {
                    return Resp.json(200, json(find(type, name)));
                }
                case "PATCH" -> {
                    return Resp.json(200, json(patch(type, find(type, name), req.body())));
                }
                case "DELETE" -> {
                    archive(type, name);
                    return Resp.noContent();
                }
                default -> {
                }
            }
        }
        throw ApiException.notFound("No route for " + req.method + " " + req.path);
    }

    private PropDef find(String type, String name) {
        PropDef d = state.props.get(type).get(name);
        if (d == null || d.archived) {
            throw ApiException.notFound("Unable to find property with name " + name + " on object type "
                    + ObjectTypes.require(type).typeId());
        }
        return d;
    }

    private static ApiException duplicate(String name) {
        ObjectNode body = Json.error("CONFLICT", "Property named '" + name + "' already exists.");
        body.put("subCategory", "PropertyExistsError.PROPERTY_EXISTS");
        return new ApiException(409, body);
    }

    private void archive(String type, String name) {
        PropDef d = find(type, name);
        if (d.hubspotDefined) {
            throw ApiException.validation("Cannot archive HubSpot defined property " + name);
        }
        d.archived = true;
        d.updatedAt = Instant.now();
    }

    private void checkUniqueBudget(String type, PropDef d, int pendingInBatch) {
        if (!d.hasUniqueValue) {
            return;
        }
        if (state.refuseUnique.contains(type)) {
            ObjectNode body = Json.error("VALIDATION_ERROR", "Unique value properties are not available for "
                    + ObjectTypes.require(type).typeId() + " in this portal");
            body.put("subCategory", "PropertyValidationError.UNIQUE_VALUE_NOT_ALLOWED");
            throw new ApiException(400, body);
        }
        long unique = state.props.get(type).values().stream().filter(p -> p.hasUniqueValue && !p.archived).count();
        if (unique + pendingInBatch >= PortalState.MAX_UNIQUE_PER_TYPE) {
            throw ApiException.validation("Object type " + ObjectTypes.require(type).typeId() + " already has the maximum of "
                    + PortalState.MAX_UNIQUE_PER_TYPE + " unique value properties");
        }
    }

    /** Parses and validates a property create body. */
    private PropDef build(String type, JsonNode b) {
        String name = Json.text(b, "name");
        String label = Json.text(b, "label");
        String group = Json.text(b, "groupName");
        String ptype = Json.text(b, "type");
        String fieldType = Json.text(b, "fieldType");
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw ApiException.validation("Invalid property name '" + name
                    + "': must start with a lowercase letter and contain only lowercase letters, digits and underscores");
        }
        if (label == null || label.isBlank()) {
            throw ApiException.validation("Property label is required");
        }
        if (group == null || !state.groups.get(type).containsKey(group) || state.groups.get(type).get(group).archived) {
            throw ApiException.validation("Property group '" + group + "' does not exist for object type "
                    + ObjectTypes.require(type).typeId());
        }
        if (ptype == null || !FIELD_TYPES.containsKey(ptype)) {
            throw ApiException.validation("Invalid property type '" + ptype + "'; expected one of " + FIELD_TYPES.keySet());
        }
        if (fieldType == null || !FIELD_TYPES.get(ptype).contains(fieldType)) {
            throw ApiException.validation("Invalid fieldType '" + fieldType + "' for property type '" + ptype
                    + "'; expected one of " + FIELD_TYPES.get(ptype));
        }
        PropDef d = new PropDef();
        d.name = name;
        d.label = label;
        d.groupName = group;
        d.type = ptype;
        d.fieldType = fieldType;
        d.description = b.path("description").asString("");
        d.hasUniqueValue = b.path("hasUniqueValue").asBoolean(false);
        d.hidden = b.path("hidden").asBoolean(false);
        d.formField = b.path("formField").asBoolean(false);
        d.displayOrder = b.path("displayOrder").asInt(-1);
        d.createdAt = Instant.now();
        d.updatedAt = d.createdAt;
        d.options = parseOptions(b.get("options"));
        if ("enumeration".equals(ptype) && d.options.isEmpty()) {
            throw ApiException.validation("Enumeration property '" + name + "' requires at least one option");
        }
        if (d.hasUniqueValue && !"string".equals(ptype)) {
            throw ApiException.validation("hasUniqueValue is only supported for properties of type string, not " + ptype);
        }
        return d;
    }

    private static List<Option> parseOptions(JsonNode options) {
        List<Option> out = new java.util.ArrayList<>();
        Set<String> values = new HashSet<>();
        int i = 0;
        for (JsonNode o : Json.list(options)) {
            String label = Json.text(o, "label");
            String value = Json.text(o, "value");
            if (label == null || value == null || label.isBlank() || value.isBlank()) {
                throw ApiException.validation("Every option requires a label and a value");
            }
            if (!values.add(value)) {
                throw ApiException.validation("Duplicate option value '" + value + "'");
            }
            out.add(new Option(label, value, o.path("displayOrder").asInt(i), o.path("hidden").asBoolean(false)));
            i++;
        }
        return out;
    }

    private PropDef patch(String type, PropDef d, JsonNode b) {
        if (b.has("hasUniqueValue") && b.path("hasUniqueValue").asBoolean() != d.hasUniqueValue) {
            throw ApiException.validation("hasUniqueValue cannot be changed after a property is created");
        }
        if (d.hubspotDefined && (b.has("type") || b.has("fieldType"))) {
            throw ApiException.validation("Cannot change the type of HubSpot defined property " + d.name);
        }
        if (b.has("label")) {
            d.label = Json.text(b, "label");
        }
        if (b.has("description")) {
            d.description = Json.text(b, "description");
        }
        if (b.has("groupName")) {
            String g = Json.text(b, "groupName");
            if (!state.groups.get(type).containsKey(g)) {
                throw ApiException.validation("Property group '" + g + "' does not exist");
            }
            d.groupName = g;
        }
        if (b.has("options")) {
            d.options = parseOptions(b.get("options"));
        }
        if (b.has("hidden")) {
            d.hidden = b.path("hidden").asBoolean();
        }
        d.updatedAt = Instant.now();
        return d;
    }

    private Resp batchCreate(Req req, String type) {
        Instant started = Instant.now();
        List<JsonNode> inputs = ObjectsApi.inputs(req, 100);
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode in : inputs) {
            try {
                PropDef d = build(type, in);
                PropDef existing = state.props.get(type).get(d.name);
                if (existing != null && !existing.archived) {
                    throw duplicate(d.name);
                }
                checkUniqueBudget(type, d, 0);
                state.props.get(type).put(d.name, d);
                results.add(json(d));
            } catch (ApiException e) {
                ObjectNode err = ObjectsApi.inputError(e.body, null, null);
                err.set("context", Json.object().set("name", Json.strings(String.valueOf(Json.text(in, "name")))));
                errors.add(err);
            }
        }
        return Resp.json(errors.isEmpty() ? 201 : 207, ObjectsApi.envelope(results, errors, started));
    }

    private Resp batchRead(Req req, String type) {
        Instant started = Instant.now();
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode in : ObjectsApi.inputs(req, 100)) {
            String name = Json.text(in, "name");
            PropDef d = state.props.get(type).get(name);
            if (d == null || d.archived) {
                ObjectNode e = errors.addObject();
                e.put("status", "error");
                e.put("category", "OBJECT_NOT_FOUND");
                e.put("message", "Unable to find property with name " + name);
                e.putObject("context").set("name", Json.strings(String.valueOf(name)));
            } else {
                results.add(json(d));
            }
        }
        return Resp.json(errors.isEmpty() ? 200 : 207, ObjectsApi.envelope(results, errors, started));
    }

    private Resp groups(Req req, String type) {
        Map<String, Group> groups = state.groups.get(type);
        if (req.rest.size() == 2) {
            if ("GET".equals(req.method)) {
                ArrayNode results = Json.array();
                groups.values().stream().filter(g -> !g.archived).forEach(g -> results.add(groupJson(g)));
                return Resp.json(200, Json.object().set("results", results));
            }
            if ("POST".equals(req.method)) {
                JsonNode b = req.body();
                String name = Json.text(b, "name");
                String label = Json.text(b, "label");
                if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                    throw ApiException.validation("Invalid property group name '" + name + "'");
                }
                if (label == null || label.isBlank()) {
                    throw ApiException.validation("Property group label is required");
                }
                if (groups.containsKey(name) && !groups.get(name).archived) {
                    throw ApiException.conflict("Property group named '" + name + "' already exists.");
                }
                Group g = new Group();
                g.name = name;
                g.label = label;
                g.displayOrder = b.path("displayOrder").asInt(-1);
                groups.put(name, g);
                return Resp.json(201, groupJson(g));
            }
        }
        if (req.rest.size() == 3) {
            Group g = groups.get(req.seg(2));
            if (g == null || g.archived) {
                throw ApiException.notFound("Unable to find property group " + req.seg(2));
            }
            switch (req.method) {
                case "GET" -> {
                    return Resp.json(200, groupJson(g));
                }
                case "PATCH" -> {
                    JsonNode b = req.body();
                    if (b.has("label")) {
                        g.label = Json.text(b, "label");
                    }
                    if (b.has("displayOrder")) {
                        g.displayOrder = b.path("displayOrder").asInt();
                    }
                    return Resp.json(200, groupJson(g));
                }
                case "DELETE" -> {
                    g.archived = true;
                    return Resp.noContent();
                }
                default -> {
                }
            }
        }
        throw ApiException.notFound("No route for " + req.method + " " + req.path);
    }

    static ObjectNode groupJson(Group g) {
        ObjectNode n = Json.object();
        n.put("name", g.name);
        n.put("label", g.label);
        n.put("displayOrder", g.displayOrder);
        n.put("archived", g.archived);
        return n;
    }

    static ObjectNode json(PropDef d) {
        ObjectNode n = Json.object();
        n.put("name", d.name);
        n.put("label", d.label);
        n.put("type", d.type);
        n.put("fieldType", d.fieldType);
        n.put("description", d.description);
        n.put("groupName", d.groupName);
        ArrayNode opts = n.putArray("options");
        for (Option o : d.options) {
            opts.addObject().put("label", o.label()).put("value", o.value()).put("displayOrder", o.displayOrder())
                    .put("hidden", o.hidden());
        }
        n.put("displayOrder", d.displayOrder);
        n.put("calculated", false);
        n.put("externalOptions", d.externalOptions);
        n.put("hasUniqueValue", d.hasUniqueValue);
        n.put("hidden", d.hidden);
        n.put("hubspotDefined", d.hubspotDefined);
        ObjectNode mod = n.putObject("modificationMetadata");
        mod.put("archivable", !d.hubspotDefined);
        mod.put("readOnlyDefinition", d.hubspotDefined);
        mod.put("readOnlyValue", d.readOnlyValue);
        n.put("formField", d.formField);
        n.put("createdAt", Json.iso(d.createdAt));
        n.put("updatedAt", Json.iso(d.updatedAt));
        n.put("archived", d.archived);
        return n;
    }
}
