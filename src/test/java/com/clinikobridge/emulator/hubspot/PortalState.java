package com.clinikobridge.emulator.hubspot;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The whole mutable portal: records, properties, groups, associations, owners, pipelines. Guarded by its own monitor. */
final class PortalState {

    static final class StoredRecord {
        final String id;
        final String type;
        final Map<String, String> props = new LinkedHashMap<>();
        Instant createdAt;
        Instant updatedAt;
        boolean archived;
        /**
         * Earlier states, oldest first, for a lagging search (see {@link PortalState#searchView}); null while no
         * search lag is set. Each is dropped once the lag no longer reaches back to it.
         */
        ArrayDeque<Version> history;

        StoredRecord(String id, String type, Instant now) {
            this.id = id;
            this.type = type;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    /** A record's state before a change made at {@code until} (wall clock). */
    record Version(Map<String, String> props, Instant updatedAt, boolean archived, Instant until) {
    }

    record Option(String label, String value, int displayOrder, boolean hidden) {
    }

    static final class PropDef {
        String name;
        String label;
        String type;
        String fieldType;
        String groupName;
        String description = "";
        List<Option> options = new ArrayList<>();
        boolean hasUniqueValue;
        boolean hidden;
        boolean hubspotDefined;
        boolean externalOptions;
        boolean readOnlyValue;
        boolean formField;
        int displayOrder = -1;
        Instant createdAt;
        Instant updatedAt;
        boolean archived;
    }

    static final class Group {
        String name;
        String label;
        int displayOrder = -1;
        boolean archived;
    }

    record Assoc(String fromType, String fromId, String toType, String toId, int typeId) {
    }

    static final class Owner {
        String id;
        String email;
        String firstName;
        String lastName;
        long userId;
        Instant createdAt;
    }

    static final class Stage {
        String id;
        String label;
        int displayOrder;
        Map<String, String> metadata = new LinkedHashMap<>();
        Instant createdAt;
    }

    static final class Pipeline {
        String id;
        String label;
        int displayOrder;
        List<Stage> stages = new ArrayList<>();
        Instant createdAt;
        Instant updatedAt;
    }

    /** Result of validating a property map for one input. */
    record Validated(Map<String, String> values, List<ObjectNode> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    static final long PORTAL_ID = 99_000_001L;
    static final int MAX_UNIQUE_PER_TYPE = 10;

    long nextObjectId;
    long nextOwnerId;
    long nextPipelineId;
    final Map<String, LinkedHashMap<String, StoredRecord>> records = new HashMap<>();
    final Map<String, LinkedHashMap<String, PropDef>> props = new HashMap<>();
    final Map<String, LinkedHashMap<String, Group>> groups = new HashMap<>();
    final AssocStore assocs = new AssocStore();
    final LinkedHashMap<String, Owner> owners = new LinkedHashMap<>();
    final LinkedHashMap<String, Pipeline> pipelines = new LinkedHashMap<>();
    final Set<String> refuseUnique = new HashSet<>();
    int maxPipelines = Integer.MAX_VALUE;
    /** How far back in time search sees the records (see HubSpotEmulator.searchLag); ZERO = the current state. */
    Duration searchLag = Duration.ZERO;

    PortalState() {
        reset();
    }

    void reset() {
        nextObjectId = 1001;
        nextOwnerId = 70_000_001L;
        nextPipelineId = 1_000_001L;
        records.clear();
        valueIndex.clear();
        uniqueIndex.clear();
        props.clear();
        groups.clear();
        assocs.clear();
        owners.clear();
        pipelines.clear();
        refuseUnique.clear();
        maxPipelines = Integer.MAX_VALUE;
        searchLag = Duration.ZERO;
        for (ObjectTypes.Type t : ObjectTypes.ALL) {
            records.put(t.name(), new LinkedHashMap<>());
            props.put(t.name(), new LinkedHashMap<>());
            groups.put(t.name(), new LinkedHashMap<>());
        }
        seedDefaults();
    }

    // ------------------------------------------------------------------ defaults

    private void seedDefaults() {
        Instant now = Instant.now();
        String[][] groupSeeds = {
                {"contacts", "contactinformation", "Contact information"},
                {"companies", "companyinformation", "Company information"},
                {"deals", "dealinformation", "Deal information"},
                {"products", "productinformation", "Product information"},
                {"line_items", "lineiteminformation", "Line item information"},
                {"notes", "noteinformation", "Note information"},
                {"meetings", "meetinginformation", "Meeting information"},
        };
        for (String[] g : groupSeeds) {
            Group group = new Group();
            group.name = g[1];
            group.label = g[2];
            group.displayOrder = 0;
            groups.get(g[0]).put(group.name, group);
        }
        for (ObjectTypes.Type t : ObjectTypes.ALL) {
            String grp = groups.get(t.name()).keySet().iterator().next();
            sys(t.name(), grp, "hs_object_id", "number", "number", true);
            sys(t.name(), grp, "createdate", "datetime", "date", false);
            sys(t.name(), grp, "hs_lastmodifieddate", "datetime", "date", true);
            def(t.name(), grp, "hubspot_owner_id", "enumeration", "select").externalOptions = true;
        }
        text("contacts", "contactinformation", "email", "firstname", "lastname", "phone", "mobilephone", "address",
                "city", "state", "zip", "country", "jobtitle", "hs_additional_emails", "company", "website",
                "date_of_birth", "fax");
        sys("contacts", "contactinformation", "lastmodifieddate", "datetime", "date", true);
        enumeration("contacts", "contactinformation", "lifecyclestage", "select", "subscriber", "lead",
                "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other");
        text("companies", "companyinformation", "name", "domain", "phone", "address", "city", "state", "zip",
                "country", "website", "description", "hs_additional_domains", "industry");
        text("deals", "dealinformation", "dealname", "description");
        def("deals", "dealinformation", "amount", "number", "number");
        def("deals", "dealinformation", "closedate", "datetime", "date");
        def("deals", "dealinformation", "pipeline", "enumeration", "select").externalOptions = true;
        def("deals", "dealinformation", "dealstage", "enumeration", "radio").externalOptions = true;
        enumeration("deals", "dealinformation", "dealtype", "radio", "newbusiness", "existingbusiness");
        text("products", "productinformation", "name", "hs_sku", "description", "hs_recurring_billing_period",
                "hs_folder");
        def("products", "productinformation", "price", "number", "number");
        def("products", "productinformation", "hs_cost_of_goods_sold", "number", "number");
        text("line_items", "lineiteminformation", "name", "hs_sku", "description", "hs_recurring_billing_period");
        def("line_items", "lineiteminformation", "quantity", "number", "number");
        def("line_items", "lineiteminformation", "price", "number", "number");
        def("line_items", "lineiteminformation", "discount", "number", "number");
        def("line_items", "lineiteminformation", "hs_product_id", "number", "number");
        def("line_items", "lineiteminformation", "amount", "number", "number").readOnlyValue = true;
        def("meetings", "meetinginformation", "hs_timestamp", "datetime", "date");
        text("meetings", "meetinginformation", "hs_meeting_title", "hs_meeting_body", "hs_internal_meeting_notes",
                "hs_meeting_location", "hs_meeting_external_url", "hs_activity_type", "hs_attachment_ids");
        def("meetings", "meetinginformation", "hs_meeting_start_time", "datetime", "date");
        def("meetings", "meetinginformation", "hs_meeting_end_time", "datetime", "date");
        enumeration("meetings", "meetinginformation", "hs_meeting_outcome", "select", "SCHEDULED", "COMPLETED",
                "RESCHEDULED", "NO_SHOW", "CANCELED");
        def("notes", "noteinformation", "hs_timestamp", "datetime", "date");
        text("notes", "noteinformation", "hs_note_body", "hs_attachment_ids");

        Pipeline p = new Pipeline();
        p.id = "default";
        p.label = "Sales Pipeline";
        p.displayOrder = 0;
        p.createdAt = now;
        p.updatedAt = now;
        String[][] stages = {
                {"appointmentscheduled", "Appointment Scheduled", "0.2"},
                {"qualifiedtobuy", "Qualified To Buy", "0.4"},
                {"presentationscheduled", "Presentation Scheduled", "0.6"},
                {"decisionmakerboughtin", "Decision Maker Bought-In", "0.8"},
                {"contractsent", "Contract Sent", "0.9"},
                {"closedwon", "Closed Won", "1.0"},
                {"closedlost", "Closed Lost", "0.0"},
        };
        int order = 0;
        for (String[] s : stages) {
            Stage st = new Stage();
            st.id = s[0];
            st.label = s[1];
            st.displayOrder = order++;
            st.createdAt = now;
            st.metadata.put("isClosed", String.valueOf(s[0].startsWith("closed")));
            st.metadata.put("probability", s[2]);
            p.stages.add(st);
        }
        pipelines.put(p.id, p);
    }

    private PropDef def(String type, String group, String name, String ptype, String fieldType) {
        PropDef d = new PropDef();
        d.name = name;
        d.label = name;
        d.type = ptype;
        d.fieldType = fieldType;
        d.groupName = group;
        d.hubspotDefined = true;
        d.formField = true;
        d.createdAt = Instant.EPOCH;
        d.updatedAt = Instant.EPOCH;
        props.get(type).put(name, d);
        return d;
    }

    private void sys(String type, String group, String name, String ptype, String fieldType, boolean readOnly) {
        def(type, group, name, ptype, fieldType).readOnlyValue = readOnly;
    }

    private void text(String type, String group, String... names) {
        for (String n : names) {
            def(type, group, n, "string", "text");
        }
    }

    private void enumeration(String type, String group, String name, String fieldType, String... values) {
        PropDef d = def(type, group, name, "enumeration", fieldType);
        int i = 0;
        for (String v : values) {
            d.options.add(new Option(v, v, i++, false));
        }
    }

    // ------------------------------------------------------------------ records

    LinkedHashMap<String, StoredRecord> recordsOf(String type) {
        return records.get(type);
    }

    Optional<StoredRecord> active(String type, String id) {
        StoredRecord r = records.get(type).get(id);
        return r == null || r.archived ? Optional.empty() : Optional.of(r);
    }

    Optional<StoredRecord> anyType(String id) {
        for (Map<String, StoredRecord> m : records.values()) {
            StoredRecord r = m.get(id);
            if (r != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    String newObjectId() {
        return String.valueOf(nextObjectId++);
    }

    /** Whether idProperty may be used to identify records (unique property, or email on contacts when allowEmail). */
    boolean isUniqueIdProperty(String type, String prop, boolean allowEmail) {
        if (allowEmail && "contacts".equals(type) && "email".equals(prop)) {
            return true;
        }
        PropDef d = props.get(type).get(prop);
        return d != null && !d.archived && d.hasUniqueValue;
    }

    static boolean caseInsensitive(String type, String prop) {
        return "contacts".equals(type) && ("email".equals(prop) || "hs_additional_emails".equals(prop));
    }

    static String normalizeKey(String type, String prop, String value) {
        String v = value.trim();
        return caseInsensitive(type, prop) ? v.toLowerCase(Locale.ROOT) : v;
    }

    // Incremental lookups, so that a request costs O(its batch) rather than O(portal): a portal of a million
    // records must answer as fast as an empty one, or benchmarks measure the emulator instead of the client.
    /** type → property → normalized value → active record; a property is indexed from its first lookup on. */
    private final Map<String, Map<String, Map<String, StoredRecord>>> valueIndex = new HashMap<>();
    /** type → unique key space (see uniqueKeys) → normalized value → record id, for the active records. */
    private final Map<String, Map<String, Map<String, String>>> uniqueIndex = new HashMap<>();
    /** type → the unique properties uniqueIndex was built for; rebuilt when the property definitions change. */
    private final Map<String, List<String>> uniqueIndexProps = new HashMap<>();

    /** The active record of a type whose property holds this normalized value (hs_object_id: by id), or null. */
    StoredRecord byValue(String type, String prop, String normalized) {
        if ("hs_object_id".equals(prop)) {
            return active(type, normalized).orElse(null);
        }
        Map<String, Map<String, StoredRecord>> byProp = valueIndex.computeIfAbsent(type, t -> new HashMap<>());
        Map<String, StoredRecord> idx = byProp.get(prop);
        if (idx == null) {
            idx = new HashMap<>();
            for (StoredRecord r : records.get(type).values()) {
                String v = r.archived ? null : r.props.get(prop);
                if (v != null && !v.isEmpty()) {
                    idx.putIfAbsent(normalizeKey(type, prop, v), r);
                }
            }
            byProp.put(prop, idx);
        }
        return idx.get(normalized);
    }

    /** Drops a record's values from the indexes: before its properties change or it is archived. */
    void unindex(StoredRecord r) {
        Map<String, Map<String, StoredRecord>> byProp = valueIndex.get(r.type);
        if (byProp != null) {
            byProp.forEach((prop, idx) -> {
                String v = r.props.get(prop);
                if (v != null && !v.isEmpty()) {
                    idx.remove(normalizeKey(r.type, prop, v), r);
                }
            });
        }
        Map<String, Map<String, String>> spaces = uniqueIndex.get(r.type);
        if (spaces != null) {
            for (String[] kv : uniqueKeys(r.type, uniqueIndexProps.get(r.type), r.props)) {
                Map<String, String> space = spaces.get(kv[0]);
                if (space != null) {
                    space.remove(kv[1], r.id);
                }
            }
        }
    }

    /** Adds an active record's values to the indexes: after it is created or its properties changed. */
    void index(StoredRecord r) {
        if (r.archived) {
            return;
        }
        Map<String, Map<String, StoredRecord>> byProp = valueIndex.get(r.type);
        if (byProp != null) {
            byProp.forEach((prop, idx) -> {
                String v = r.props.get(prop);
                if (v != null && !v.isEmpty()) {
                    idx.putIfAbsent(normalizeKey(r.type, prop, v), r);
                }
            });
        }
        Map<String, Map<String, String>> spaces = uniqueIndex.get(r.type);
        if (spaces != null) {
            for (String[] kv : uniqueKeys(r.type, uniqueIndexProps.get(r.type), r.props)) {
                spaces.computeIfAbsent(kv[0], k -> new HashMap<>()).put(kv[1], r.id);
            }
        }
    }

    /** Unique key space → normalized value → id of the active record holding it. */
    private Map<String, Map<String, String>> uniqueSpaces(String type, List<String> uniqueProps) {
        Map<String, Map<String, String>> spaces = uniqueIndex.get(type);
        if (spaces == null || !uniqueProps.equals(uniqueIndexProps.get(type))) {
            spaces = new HashMap<>();
            for (StoredRecord r : records.get(type).values()) {
                if (!r.archived) {
                    for (String[] kv : uniqueKeys(type, uniqueProps, r.props)) {
                        spaces.computeIfAbsent(kv[0], k -> new HashMap<>()).put(kv[1], r.id);
                    }
                }
            }
            uniqueIndex.put(type, spaces);
            uniqueIndexProps.put(type, List.copyOf(uniqueProps));
        }
        return spaces;
    }

    /** Planned write for conflict detection: existingId is null for a new record. */
    record PlannedWrite(String existingId, Map<String, String> finalProps) {
    }

    /**
     * Checks that applying all planned writes keeps every unique value unique. Returns the 409 to throw, if any.
     */
    Optional<ApiException> uniqueConflict(String type, List<PlannedWrite> writes) {
        List<String> uniqueProps = new ArrayList<>();
        props.get(type).values().stream().filter(d -> d.hasUniqueValue && !d.archived)
                .forEach(d -> uniqueProps.add(d.name));
        boolean contacts = "contacts".equals(type);
        if (uniqueProps.isEmpty() && !contacts) {
            return Optional.empty();
        }
        Set<String> touched = new HashSet<>();
        writes.stream().filter(w -> w.existingId() != null).forEach(w -> touched.add(w.existingId()));
        Map<String, Map<String, String>> held = uniqueSpaces(type, uniqueProps);
        // key space -> normalized value -> record id: the portal's holders (minus the records this batch rewrites),
        // then this batch's planned values ("planned:<id>", empty id = new record) layered on top
        Map<String, Map<String, String>> seen = new HashMap<>();
        for (PlannedWrite w : writes) {
            for (String[] kv : uniqueKeys(type, uniqueProps, w.finalProps())) {
                Map<String, String> space = seen.computeIfAbsent(kv[0], k -> new HashMap<>());
                String holder = held.getOrDefault(kv[0], Map.of()).get(kv[1]);
                if (holder != null && !touched.contains(holder)) {
                    space.putIfAbsent(kv[1], holder);
                }
            }
        }
        for (PlannedWrite w : writes) {
            for (String[] kv : uniqueKeys(type, uniqueProps, w.finalProps())) {
                Map<String, String> space = seen.computeIfAbsent(kv[0], k -> new HashMap<>());
                String self = "planned:" + (w.existingId() == null ? "" : w.existingId());
                if (space.containsKey(kv[1]) && !(w.existingId() != null && self.equals(space.get(kv[1])))) {
                    String holder = space.get(kv[1]);
                    boolean heldByPlanned = holder.startsWith("planned:");
                    String existingId = heldByPlanned ? holder.substring("planned:".length()) : holder;
                    if ("email".equals(kv[0])) {
                        if (!heldByPlanned || !existingId.isEmpty()) {
                            return Optional.of(ApiException.conflict("Contact already exists. Existing ID: " + existingId));
                        }
                        return Optional.of(ApiException.conflict(
                                "Duplicate email \"" + kv[2] + "\" in batch input; Contact already exists in this request"));
                    }
                    String singular = ObjectTypes.require(type).singular();
                    String msg = "A " + singular + " with the unique value \"" + kv[2] + "\" for property \"" + kv[0]
                            + "\" already exists: " + (existingId.isEmpty()
                                    ? "another input already has that value. Duplicate value within batch input."
                                    : singular + " " + existingId + " already has that value. Existing ID: "
                                            + existingId);
                    return Optional.of(ApiException.conflict(msg));
                }
                space.put(kv[1], self);
            }
        }
        return Optional.empty();
    }

    /** Returns [keySpace, normalizedValue, rawValue] triples for the unique values held in a property map. */
    private static List<String[]> uniqueKeys(String type, List<String> uniqueProps, Map<String, String> p) {
        List<String[]> out = new ArrayList<>();
        for (String prop : uniqueProps) {
            String v = p.get(prop);
            if (v != null && !v.isBlank()) {
                out.add(new String[] {prop, normalizeKey(type, prop, v), v});
            }
        }
        if ("contacts".equals(type)) {
            String email = p.get("email");
            Set<String> mine = new HashSet<>();
            if (email != null && !email.isBlank()) {
                mine.add(email.trim().toLowerCase(Locale.ROOT));
                out.add(new String[] {"email", email.trim().toLowerCase(Locale.ROOT), email.trim()});
            }
            String extra = p.get("hs_additional_emails");
            if (extra != null) {
                for (String e : extra.split(";")) {
                    String n = e.trim().toLowerCase(Locale.ROOT);
                    if (!n.isEmpty() && mine.add(n)) {
                        out.add(new String[] {"email", n, e.trim()});
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ property value validation

    static ObjectNode problem(String name, String error, String message) {
        ObjectNode n = Json.object();
        n.put("isValid", false);
        n.put("message", message);
        n.put("error", error);
        n.put("name", name);
        return n;
    }

    /** HubSpot's "Property values were not valid" error body for the given problems. */
    static ObjectNode propertyErrorBody(List<ObjectNode> problems) {
        ObjectNode body = Json.error("VALIDATION_ERROR", propertyErrorMessage(problems));
        ArrayNode errors = body.putArray("errors");
        for (ObjectNode p : problems) {
            ObjectNode e = errors.addObject();
            e.put("message", p.path("message").asString());
            e.put("code", p.path("error").asString());
            e.putObject("context").set("propertyName", Json.strings(p.path("name").asString()));
        }
        return body;
    }

    static String propertyErrorMessage(List<ObjectNode> problems) {
        ArrayNode arr = Json.array();
        problems.forEach(arr::add);
        return "Property values were not valid: " + arr;
    }

    /**
     * Validates incoming values for a write. Values are normalized; an empty string means "clear". existing may be null.
     */
    Validated validate(String type, Map<String, String> incoming, StoredRecord existing, boolean creating) {
        Map<String, String> out = new LinkedHashMap<>();
        List<ObjectNode> problems = new ArrayList<>();
        Map<String, PropDef> defs = props.get(type);
        for (Map.Entry<String, String> e : incoming.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            PropDef d = defs.get(name);
            if (d == null || d.archived) {
                problems.add(problem(name, "PROPERTY_DOESNT_EXIST", "Property \"" + name + "\" does not exist"));
                continue;
            }
            if (d.readOnlyValue) {
                if ("hs_object_id".equals(name) && existing != null && existing.id.equals(value)) {
                    continue;
                }
                problems.add(problem(name, "READ_ONLY_VALUE", "\"" + name + "\" is a read only property; its value cannot be set."));
                continue;
            }
            if (value.isEmpty()) {
                out.put(name, "");
                continue;
            }
            String normalized = normalizeValue(type, d, value, incoming, existing, problems);
            if (normalized != null) {
                out.put(name, normalized);
            }
        }
        if (creating && ("notes".equals(type) || "meetings".equals(type))) {
            String ts = out.get("hs_timestamp");
            boolean alreadyReported = problems.stream().anyMatch(pr -> "hs_timestamp".equals(pr.path("name").asString()));
            if ((ts == null || ts.isEmpty()) && !alreadyReported) {
                problems.add(problem("hs_timestamp", "REQUIRED_PROPERTY", "Property \"hs_timestamp\" is required"));
            }
        }
        return new Validated(out, problems);
    }

    private String normalizeValue(String type, PropDef d, String value, Map<String, String> incoming,
            StoredRecord existing, List<ObjectNode> problems) {
        String name = d.name;
        switch (d.type) {
            case "number" -> {
                try {
                    new BigDecimal(value.trim());
                    return value.trim();
                } catch (NumberFormatException ex) {
                    problems.add(problem(name, "INVALID_NUMBER", value + " was not a valid number."));
                    return null;
                }
            }
            case "date" -> {
                String v = value.trim();
                try {
                    if (v.matches("-?\\d+")) {
                        long ms = Long.parseLong(v);
                        Instant i = Instant.ofEpochMilli(ms);
                        LocalTime t = i.atOffset(ZoneOffset.UTC).toLocalTime();
                        if (!t.equals(LocalTime.MIDNIGHT)) {
                            problems.add(problem(name, "INVALID_DATE", v + " is at " + t.getHour() + ":" + t.getMinute()
                                    + ":" + t.getSecond() + "." + (ms % 1000 + 1000) % 1000 + " UTC, not midnight!"));
                            return null;
                        }
                        return i.atOffset(ZoneOffset.UTC).toLocalDate().toString();
                    }
                    return LocalDate.parse(v).toString();
                } catch (DateTimeParseException | ArithmeticException ex) {
                    problems.add(problem(name, "INVALID_DATE", v + " is not a valid date; use YYYY-MM-DD or epoch millis at midnight UTC"));
                    return null;
                }
            }
            case "datetime" -> {
                String v = value.trim();
                try {
                    if (v.matches("-?\\d+")) {
                        return Json.iso(Instant.ofEpochMilli(Long.parseLong(v)));
                    }
                    return Json.iso(OffsetDateTime.parse(v).toInstant());
                } catch (DateTimeParseException | ArithmeticException | NumberFormatException ex) {
                    problems.add(problem(name, "INVALID_DATE", v + " is not a valid datetime; use ISO-8601 or epoch millis"));
                    return null;
                }
            }
            case "bool" -> {
                String v = value.trim().toLowerCase(Locale.ROOT);
                if (v.equals("true") || v.equals("false")) {
                    return v;
                }
                problems.add(problem(name, "INVALID_BOOLEAN", value + " is not a valid boolean; use true or false"));
                return null;
            }
            case "enumeration" -> {
                return normalizeEnum(type, d, value, incoming, existing, problems);
            }
            default -> {
                if (value.length() > 65_536) {
                    problems.add(problem(name, "INVALID_STRING_LENGTH", "Property \"" + name + "\" value is longer than 65536 characters"));
                    return null;
                }
                return value;
            }
        }
    }

    private String normalizeEnum(String type, PropDef d, String value, Map<String, String> incoming,
            StoredRecord existing, List<ObjectNode> problems) {
        String name = d.name;
        List<String> allowed;
        if ("hubspot_owner_id".equals(name)) {
            allowed = new ArrayList<>(owners.keySet());
        } else if ("deals".equals(type) && "pipeline".equals(name)) {
            allowed = new ArrayList<>(pipelines.keySet());
        } else if ("deals".equals(type) && "dealstage".equals(name)) {
            String pid = incoming.get("pipeline");
            if (pid == null || pid.isEmpty()) {
                pid = existing != null ? existing.props.get("pipeline") : null;
            }
            if (pid == null || pid.isEmpty()) {
                pid = "default";
            }
            Pipeline p = pipelines.get(pid);
            allowed = p == null ? List.of() : p.stages.stream().map(s -> s.id).toList();
        } else if ("booleancheckbox".equals(d.fieldType) && d.options.isEmpty()) {
            allowed = List.of("true", "false");
        } else {
            allowed = d.options.stream().map(Option::value).toList();
        }
        if ("checkbox".equals(d.fieldType)) {
            boolean append = value.startsWith(";");
            List<String> parts = Arrays.stream(value.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String part : parts) {
                if (!allowed.contains(part)) {
                    problems.add(invalidOption(name, part, allowed));
                    return null;
                }
            }
            if (append && existing != null && existing.props.get(name) != null && !existing.props.get(name).isEmpty()) {
                LinkedHashSet<String> merged = new LinkedHashSet<>(Arrays.asList(existing.props.get(name).split(";")));
                merged.addAll(parts);
                return String.join(";", merged);
            }
            return String.join(";", parts);
        }
        String v = "booleancheckbox".equals(d.fieldType) ? value.trim().toLowerCase(Locale.ROOT) : value;
        if (!allowed.contains(v)) {
            problems.add(invalidOption(name, value, allowed));
            return null;
        }
        return v;
    }

    private static ObjectNode invalidOption(String name, String value, List<String> allowed) {
        return problem(name, "INVALID_OPTION",
                value + " was not one of the allowed options: [" + String.join(", ", allowed) + "]");
    }

    /** Test hook: "type.property" → how the portal alters a written value (see HubSpotEmulator.alterOnWrite). */
    static final Map<String, java.util.function.UnaryOperator<String>> ALTER = new java.util.concurrent.ConcurrentHashMap<>();

    /** Applies validated values to a record (empty string clears), keeping the indexes current. */
    void update(StoredRecord r, Map<String, String> values, Instant now) {
        remember(r);
        unindex(r);
        apply(r, values, now);
        index(r);
    }

    /** Archives a record and removes its associations, as deleting it in HubSpot does. */
    void archive(StoredRecord r, Instant now) {
        remember(r);
        unindex(r);
        r.archived = true;
        r.updatedAt = now;
        assocs.removeAllOf(r.type, r.id);
    }

    /**
     * Keeps the record's current state for a lagging search before it changes, and drops the states the lag no
     * longer reaches. Does nothing (and forgets any history) while no search lag is set.
     */
    private void remember(StoredRecord r) {
        if (searchLag.isZero()) {
            r.history = null;
            return;
        }
        Instant now = Instant.now();
        if (r.history == null) {
            r.history = new ArrayDeque<>(2);
        }
        Instant horizon = now.minus(searchLag);
        while (!r.history.isEmpty() && !r.history.peekFirst().until().isAfter(horizon)) {
            r.history.pollFirst();
        }
        r.history.addLast(new Version(new LinkedHashMap<>(r.props), r.updatedAt, r.archived, now));
    }

    /**
     * The record as search sees it at {@code now}: the state it had {@link #searchLag} ago. Null when it was
     * created less than the lag ago or was archived then; the record itself when there is no lag or no change since.
     * Changes made while no lag was set are seen at once.
     */
    StoredRecord searchView(StoredRecord r, Instant now) {
        if (searchLag.isZero()) {
            return r.archived ? null : r;
        }
        Instant horizon = now.minus(searchLag);
        if (r.createdAt.isAfter(horizon)) {
            return null;
        }
        if (r.history != null) {
            for (Version v : r.history) {
                if (v.until().isAfter(horizon)) {
                    if (v.archived()) {
                        return null;
                    }
                    StoredRecord view = new StoredRecord(r.id, r.type, r.createdAt);
                    view.props.putAll(v.props());
                    view.updatedAt = v.updatedAt();
                    return view;
                }
            }
        }
        return r.archived ? null : r;
    }

    /** Applies validated values to a record (empty string clears); use {@link #update} for stored records. */
    private static void apply(StoredRecord r, Map<String, String> values, Instant now) {
        values.forEach((k, v) -> {
            if (v.isEmpty()) {
                r.props.remove(k);
            } else {
                r.props.put(k, ALTER.getOrDefault(r.type + "." + k, java.util.function.UnaryOperator.identity()).apply(v));
            }
        });
        r.updatedAt = now;
        r.props.put("hs_lastmodifieddate", Json.iso(now));
        if ("contacts".equals(r.type)) {
            r.props.put("lastmodifieddate", Json.iso(now));
        }
    }

    /** Creates a record from validated values (not yet checked for conflicts by this method). */
    StoredRecord create(String type, Map<String, String> values, Instant now) {
        StoredRecord r = new StoredRecord(newObjectId(), type, now);
        r.props.put("hs_object_id", r.id);
        r.props.put("createdate", Json.iso(now));
        if ("deals".equals(type) && (values.get("pipeline") == null || values.get("pipeline").isEmpty())) {
            r.props.put("pipeline", "default");
        }
        apply(r, values, now);
        if (r.props.get("createdate") == null) {
            r.props.put("createdate", Json.iso(now));
        }
        records.get(type).put(r.id, r);
        index(r);
        return r;
    }

    /** Final property map after applying values to an existing record (or a new one). */
    static Map<String, String> merged(StoredRecord existing, Map<String, String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        if (existing != null) {
            m.putAll(existing.props);
        }
        values.forEach((k, v) -> {
            if (v.isEmpty()) {
                m.remove(k);
            } else {
                m.put(k, v);
            }
        });
        return m;
    }

    // ------------------------------------------------------------------ associations

    /** Adds an association and its inverse; returns false if the edge already existed. */
    boolean associate(String fromType, String fromId, String toType, String toId, int typeId) {
        boolean added = assocs.add(new Assoc(fromType, fromId, toType, toId, typeId));
        ObjectTypes.inverseOf(fromType, toType, typeId)
                .ifPresent(inv -> assocs.add(new Assoc(toType, toId, fromType, fromId, inv.typeId())));
        return added;
    }

    void removeAssociations(String fromType, String fromId, String toType, String toId) {
        assocs.removePair(fromType, fromId, toType, toId, a -> true);
    }

    /**
     * Every association edge in insertion order, plus an index by the record each edge starts from, so reading or
     * removing one record's associations costs O(its edges).
     */
    static final class AssocStore implements Iterable<Assoc> {
        private final Set<Assoc> all = new LinkedHashSet<>();
        private final Map<String, Set<Assoc>> byFrom = new HashMap<>();
        private final Map<String, Set<Assoc>> byTo = new HashMap<>();

        private static String key(String type, String id) {
            return type + ':' + id;
        }

        boolean add(Assoc a) {
            if (!all.add(a)) {
                return false;
            }
            byFrom.computeIfAbsent(key(a.fromType(), a.fromId()), k -> new LinkedHashSet<>()).add(a);
            byTo.computeIfAbsent(key(a.toType(), a.toId()), k -> new LinkedHashSet<>()).add(a);
            return true;
        }

        private void remove(Assoc a) {
            all.remove(a);
            unlink(byFrom, key(a.fromType(), a.fromId()), a);
            unlink(byTo, key(a.toType(), a.toId()), a);
        }

        private static void unlink(Map<String, Set<Assoc>> index, String key, Assoc a) {
            Set<Assoc> edges = index.get(key);
            if (edges != null && edges.remove(a) && edges.isEmpty()) {
                index.remove(key);
            }
        }

        /** Edges from one record, in insertion order (a copy). */
        List<Assoc> from(String type, String id) {
            return List.copyOf(byFrom.getOrDefault(key(type, id), Set.of()));
        }

        /** Removes the edges between two records, both directions, that match the filter. */
        void removePair(String aType, String aId, String bType, String bId, java.util.function.Predicate<Assoc> filter) {
            for (Assoc e : from(aType, aId)) {
                if (e.toType().equals(bType) && e.toId().equals(bId) && filter.test(e)) {
                    remove(e);
                }
            }
            for (Assoc e : from(bType, bId)) {
                if (e.toType().equals(aType) && e.toId().equals(aId) && filter.test(e)) {
                    remove(e);
                }
            }
        }

        /** Removes every edge from or to a record. */
        void removeAllOf(String type, String id) {
            for (Assoc e : from(type, id)) {
                remove(e);
            }
            for (Assoc e : List.copyOf(byTo.getOrDefault(key(type, id), Set.of()))) {
                remove(e);
            }
        }

        java.util.stream.Stream<Assoc> stream() {
            return all.stream();
        }

        void clear() {
            all.clear();
            byFrom.clear();
            byTo.clear();
        }

        @Override
        public java.util.Iterator<Assoc> iterator() {
            return java.util.Collections.unmodifiableSet(all).iterator();
        }
    }
}
