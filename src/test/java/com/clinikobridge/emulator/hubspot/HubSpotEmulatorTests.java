package com.clinikobridge.emulator.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HubSpotEmulatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HubSpotEmulator hubspot;
    private HttpClient http;

    @BeforeEach
    void setUp() {
        hubspot = HubSpotEmulator.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void tearDown() {
        hubspot.close();
    }

    // ------------------------------------------------------------------ helpers

    private record Result(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Result call(String method, String path, String body) {
        return call(method, path, body, hubspot.token());
    }

    private Result call(String method, String path, String body, String token) {
        HttpResponse<String> r = send(method, path, body, token);
        JsonNode json = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Result(r.statusCode(), json, r);
    }

    /** The answer as received, not parsed (it may not be JSON). */
    private HttpResponse<String> send(String method, String path, String body) {
        return send(method, path, body, hubspot.token());
    }

    private HttpResponse<String> send(String method, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hubspot.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private void givenPatientIdProperty() {
        Result group = call("POST", "/crm/v3/properties/contacts/groups",
                json(Map.of("name", "cliniko", "label", "Cliniko", "displayOrder", 1)));
        assertThat(group.status()).isEqualTo(201);
        Result prop = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "cliniko_patient_id", "label", "Cliniko patient id", "groupName", "cliniko",
                "type", "string", "fieldType", "text", "hasUniqueValue", true)));
        assertThat(prop.status()).isEqualTo(201);
    }

    private static Map<String, Object> upsertInput(String patientId, Map<String, String> props) {
        return Map.of("id", patientId, "idProperty", "cliniko_patient_id", "properties", props);
    }

    private Result upsertContacts(List<Map<String, Object>> inputs) {
        return call("POST", "/crm/v3/objects/contacts/batch/upsert", json(Map.of("inputs", inputs)));
    }

    /** Contacts search with one EQ filter (or none when property is null), asking for firstname. */
    private Result searchContacts(String path, String property, String value) {
        Map<String, Object> body = property == null
                ? Map.of("properties", List.of("firstname"), "limit", 100)
                : Map.of("properties", List.of("firstname"), "limit", 100, "filterGroups", List.of(Map.of("filters",
                        List.of(Map.of("propertyName", property, "operator", "EQ", "value", value)))));
        return call("POST", path, json(body));
    }

    private static List<String> ids(Result result) {
        List<String> ids = new ArrayList<>();
        result.body().path("results").forEach(r -> ids.add(r.path("id").asString()));
        return ids;
    }

    private static String firstnameOf(Result result, String id) {
        for (JsonNode r : result.body().path("results")) {
            if (r.path("id").asString().equals(id)) {
                return r.path("properties").path("firstname").asString(null);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ properties

    @Test
    void createsUniquePropertyInCustomGroupAndRejectsDuplicates() {
        // given
        givenPatientIdProperty();

        // when
        Result duplicate = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "cliniko_patient_id", "label", "Again", "groupName", "cliniko", "type", "string",
                "fieldType", "text")));
        Result duplicateGroup = call("POST", "/crm/v3/properties/contacts/groups",
                json(Map.of("name", "cliniko", "label", "Cliniko")));
        Result read = call("GET", "/crm/v3/properties/contacts/cliniko_patient_id", null);

        // then
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.body().path("category").asString()).isEqualTo("CONFLICT");
        assertThat(duplicate.body().path("correlationId").asString()).isNotBlank();
        assertThat(duplicateGroup.status()).isEqualTo(409);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().path("hasUniqueValue").asBoolean()).isTrue();
        assertThat(read.body().path("groupName").asString()).isEqualTo("cliniko");
        assertThat(hubspot.property("contacts", "cliniko_patient_id")).get()
                .extracting(HubSpotEmulator.PropertySnapshot::hasUniqueValue).isEqualTo(true);
        assertThat(hubspot.groups("contacts")).extracting(HubSpotEmulator.GroupSnapshot::name).contains("cliniko");
    }

    @Test
    void validatesPropertyDefinitions() {
        // given
        givenPatientIdProperty();

        // when
        Result badName = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "Bad-Name", "label", "x", "groupName", "cliniko", "type", "string", "fieldType", "text")));
        Result badCombo = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "x_num", "label", "x", "groupName", "cliniko", "type", "number", "fieldType", "text")));
        Result enumWithoutOptions = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "x_enum", "label", "x", "groupName", "cliniko", "type", "enumeration", "fieldType", "select")));
        Result uniqueNumber = call("POST", "/crm/v3/properties/contacts", json(Map.of(
                "name", "x_unique_num", "label", "x", "groupName", "cliniko", "type", "number", "fieldType", "number",
                "hasUniqueValue", true)));
        Result batch = call("POST", "/crm/v3/properties/contacts/batch/create", json(Map.of("inputs", List.of(
                Map.of("name", "cliniko_created_at", "label", "Created", "groupName", "cliniko", "type", "datetime",
                        "fieldType", "date"),
                Map.of("name", "cliniko_patient_id", "label", "dup", "groupName", "cliniko", "type", "string",
                        "fieldType", "text")))));
        hubspot.refuseUniqueProperties("companies");
        Result refused = call("POST", "/crm/v3/properties/companies", json(Map.of(
                "name", "cliniko_business_id", "label", "x", "groupName", "companyinformation", "type", "string",
                "fieldType", "text", "hasUniqueValue", true)));

        // then
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badCombo.status()).isEqualTo(400);
        assertThat(enumWithoutOptions.status()).isEqualTo(400);
        assertThat(uniqueNumber.status()).isEqualTo(400);
        assertThat(batch.status()).isEqualTo(207);
        assertThat(batch.body().path("results")).hasSize(1);
        assertThat(batch.body().path("errors")).hasSize(1);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("category").asString()).isEqualTo("VALIDATION_ERROR");
    }

    // ------------------------------------------------------------------ upsert

    @Test
    void upsertingTheSameContactsTwiceCreatesThenUpdates() {
        // given
        givenPatientIdProperty();
        List<Map<String, Object>> inputs = List.of(
                upsertInput("p1", Map.of("email", "ann@example.com", "firstname", "Ann")),
                upsertInput("p2", Map.of("email", "bob@example.com", "firstname", "Bob")),
                upsertInput("p3", Map.of("firstname", "Cat")));

        // when
        Result first = upsertContacts(inputs);
        Result second = upsertContacts(inputs);

        // then
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("status").asString()).isEqualTo("COMPLETE");
        assertThat(first.body().path("results")).hasSize(3)
                .allSatisfy(r -> assertThat(r.path("new").asBoolean()).isTrue());
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("results")).hasSize(3)
                .allSatisfy(r -> assertThat(r.path("new").asBoolean()).isFalse());
        assertThat(hubspot.records("contacts")).hasSize(3);
        assertThat(hubspot.findByProperty("contacts", "cliniko_patient_id", "p2")).get()
                .extracting(r -> r.property("firstname")).isEqualTo("Bob");
        assertThat(hubspot.kindCount("upsert")).isEqualTo(2);
    }

    @Test
    void upsertWithOneInvalidInputReturns207AndWritesTheOthers() {
        // given
        givenPatientIdProperty();
        List<Map<String, Object>> inputs = List.of(
                upsertInput("p1", Map.of("firstname", "Ann")),
                Map.of("id", "p2", "idProperty", "cliniko_patient_id", "objectWriteTraceId", "trace-2",
                        "properties", Map.of("firstname", "Bob", "favourite_colour", "blue")),
                upsertInput("p3", Map.of("firstname", "Cat")));

        // when
        Result result = upsertContacts(inputs);

        // then
        assertThat(result.status()).isEqualTo(207);
        assertThat(result.body().path("results")).hasSize(2);
        assertThat(result.body().path("numErrors").asInt()).isEqualTo(1);
        JsonNode error = result.body().path("errors").get(0);
        assertThat(error.path("status").asString()).isEqualTo("error");
        assertThat(error.path("category").asString()).isEqualTo("VALIDATION_ERROR");
        assertThat(error.path("message").asString()).isEqualTo("Property values were not valid: "
                + "[{\"isValid\":false,\"message\":\"Property \\\"favourite_colour\\\" does not exist\","
                + "\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"favourite_colour\"}]");
        assertThat(error.path("context").path("ids").get(0).asString()).isEqualTo("p2");
        assertThat(error.path("context").path("objectWriteTraceId").get(0).asString()).isEqualTo("trace-2");
        assertThat(hubspot.records("contacts")).extracting(r -> r.property("cliniko_patient_id"))
                .containsExactlyInAnyOrder("p1", "p3");
    }

    @Test
    void upsertWithAnEmailHeldByAnotherContactFailsTheWholeBatch() {
        // given
        givenPatientIdProperty();
        String existingId = hubspot.seedRecord("contacts", Map.of("email", "taken@example.com"));

        // when
        Result result = upsertContacts(List.of(
                upsertInput("p1", Map.of("email", "fresh@example.com")),
                upsertInput("p2", Map.of("email", "TAKEN@example.com"))));

        // then
        assertThat(result.status()).isEqualTo(409);
        assertThat(result.body().path("category").asString()).isEqualTo("CONFLICT");
        assertThat(result.body().path("message").asString()).isEqualTo("Contact already exists. Existing ID: " + existingId);
        assertThat(hubspot.records("contacts")).hasSize(1);
        assertThat(hubspot.findByProperty("contacts", "email", "fresh@example.com")).isEmpty();
    }

    @Test
    void secondaryEmailsAreUniqueToo() {
        // given
        hubspot.seedRecord("contacts", Map.of("email", "a@example.com", "hs_additional_emails", "old@example.com"));

        // when
        Result result = call("POST", "/crm/v3/objects/contacts/batch/create", json(Map.of("inputs", List.of(
                Map.of("properties", Map.of("email", "Old@Example.com"))))));

        // then
        assertThat(result.status()).isEqualTo(409);
        assertThat(hubspot.records("contacts")).hasSize(1);
    }

    @Test
    void upsertRulesOnIdPropertyAndDuplicates() {
        // given
        givenPatientIdProperty();

        // when
        Result nonUnique = upsertContacts(List.of(
                Map.of("id", "Ann", "idProperty", "firstname", "properties", Map.of())));
        Result duplicates = upsertContacts(List.of(upsertInput("p1", Map.of()), upsertInput("p1", Map.of())));
        Result byEmail = call("POST", "/crm/v3/objects/contacts/batch/upsert", json(Map.of("inputs", List.of(
                Map.of("id", "zed@example.com", "idProperty", "email", "properties", Map.of("firstname", "Zed"))))));
        Result updateByEmail = call("POST", "/crm/v3/objects/contacts/batch/update", json(Map.of("inputs", List.of(
                Map.of("id", "zed@example.com", "idProperty", "email", "properties", Map.of("firstname", "Z"))))));

        // then
        assertThat(nonUnique.status()).isEqualTo(400);
        assertThat(nonUnique.body().path("message").asString()).contains("non-unique 0-1 property firstname");
        assertThat(duplicates.status()).isEqualTo(400);
        assertThat(byEmail.status()).isEqualTo(200);
        assertThat(byEmail.body().path("results").get(0).path("properties").path("email").asString())
                .isEqualTo("zed@example.com");
        assertThat(updateByEmail.status()).isEqualTo(400);
    }

    @Test
    void batchesAboveOneHundredInputsAreRejected() {
        // given
        givenPatientIdProperty();
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            inputs.add(upsertInput("p" + i, Map.of("firstname", "N" + i)));
        }

        // when
        Result result = upsertContacts(inputs);
        Result hundred = upsertContacts(inputs.subList(0, 100));

        // then
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.body().path("category").asString()).isEqualTo("VALIDATION_ERROR");
        assertThat(hundred.status()).isEqualTo(200);
        assertThat(hubspot.records("contacts")).hasSize(100);
    }

    // ------------------------------------------------------------------ create / read / values

    @Test
    void batchCreateIsAllOrNothingWithoutTraceIdsAndPartialWithThem() {
        // given
        List<Map<String, Object>> plain = List.of(
                Map.of("properties", Map.of("email", "a@example.com")),
                Map.of("properties", Map.of("nope", "x")));
        List<Map<String, Object>> traced = List.of(
                Map.of("objectWriteTraceId", "t1", "properties", Map.of("email", "a@example.com")),
                Map.of("objectWriteTraceId", "t2", "properties", Map.of("nope", "x")));

        // when
        Result whole = call("POST", "/crm/v3/objects/contacts/batch/create", json(Map.of("inputs", plain)));
        int afterWhole = hubspot.records("contacts").size();
        Result partial = call("POST", "/crm/v3/objects/contacts/batch/create", json(Map.of("inputs", traced)));

        // then
        assertThat(whole.status()).isEqualTo(400);
        assertThat(whole.body().path("message").asString()).contains("PROPERTY_DOESNT_EXIST");
        assertThat(whole.body().path("errors").get(0).path("code").asString()).isEqualTo("PROPERTY_DOESNT_EXIST");
        assertThat(afterWhole).isZero();
        assertThat(partial.status()).isEqualTo(207);
        assertThat(partial.body().path("results")).hasSize(1);
        assertThat(partial.body().path("errors").get(0).path("context").path("objectWriteTraceId").get(0).asString())
                .isEqualTo("t2");
    }

    @Test
    void validatesValuesAndReadsByIdProperty() {
        // given
        givenPatientIdProperty();
        String owner = hubspot.addOwner("doc@example.com", "Doc", "Tor");
        upsertContacts(List.of(upsertInput("p1", Map.of("firstname", "Ann"))));

        // when
        Result badMeeting = call("POST", "/crm/v3/objects/meetings", json(Map.of("properties", Map.of(
                "hs_timestamp", "2024-05-01T10:00:00Z", "hs_meeting_outcome", "MAYBE"))));
        Result noTimestamp = call("POST", "/crm/v3/objects/notes", json(Map.of("properties", Map.of("hs_note_body", "x"))));
        Result goodMeeting = call("POST", "/crm/v3/objects/meetings", json(Map.of("properties", Map.of(
                "hs_timestamp", "1714557600000", "hs_meeting_outcome", "COMPLETED", "hubspot_owner_id", owner))));
        Result badDeal = call("POST", "/crm/v3/objects/deals", json(Map.of("properties", Map.of(
                "dealname", "x", "pipeline", "default", "dealstage", "nosuchstage"))));
        Result badOwner = call("POST", "/crm/v3/objects/deals", json(Map.of("properties", Map.of(
                "dealname", "x", "dealstage", "closedwon", "hubspot_owner_id", "12"))));
        Result badDate = call("POST", "/crm/v3/properties/contacts", json(Map.of("name", "dob", "label", "DOB",
                "groupName", "cliniko", "type", "date", "fieldType", "date")));
        Result notMidnight = call("POST", "/crm/v3/objects/contacts/batch/update", json(Map.of("inputs", List.of(
                Map.of("id", "p1", "idProperty", "cliniko_patient_id", "properties", Map.of("dob", "1606768561954"))))));
        Result read = call("POST", "/crm/v3/objects/contacts/batch/read", json(Map.of(
                "idProperty", "cliniko_patient_id", "properties", List.of("firstname"),
                "inputs", List.of(Map.of("id", "p1"), Map.of("id", "missing")))));

        // then
        assertThat(badMeeting.status()).isEqualTo(400);
        assertThat(badMeeting.body().path("message").asString()).contains("INVALID_OPTION");
        assertThat(noTimestamp.status()).isEqualTo(400);
        assertThat(goodMeeting.status()).isEqualTo(201);
        assertThat(goodMeeting.body().path("properties").path("hs_timestamp").asString()).isEqualTo("2024-05-01T10:00:00.000Z");
        assertThat(badDeal.status()).isEqualTo(400);
        assertThat(badDeal.body().path("message").asString()).contains("INVALID_OPTION", "dealstage");
        assertThat(badOwner.status()).isEqualTo(400);
        assertThat(badDate.status()).isEqualTo(201);
        assertThat(notMidnight.status()).isEqualTo(207);
        assertThat(notMidnight.body().path("errors").get(0).path("message").asString()).contains("INVALID_DATE", "not midnight");
        assertThat(read.status()).isEqualTo(207);
        assertThat(read.body().path("results")).hasSize(1);
        assertThat(read.body().path("results").get(0).path("properties").path("firstname").asString()).isEqualTo("Ann");
        assertThat(read.body().path("errors").get(0).path("category").asString()).isEqualTo("OBJECT_NOT_FOUND");
    }

    @Test
    void batchCreateWithAUniqueValueAnotherRecordHoldsFailsTheWholeBatch() {
        // given
        givenPatientIdProperty();
        String existing = hubspot.seedRecord("contacts", Map.of("cliniko_patient_id", "p1"));

        // when
        Result conflict = call("POST", "/crm/v3/objects/contacts/batch/create", json(Map.of("inputs", List.of(
                Map.of("objectWriteTraceId", "p2", "properties", Map.of("cliniko_patient_id", "p2")),
                Map.of("objectWriteTraceId", "p1", "properties", Map.of("cliniko_patient_id", "p1"))))));
        Result twiceInBatch = call("POST", "/crm/objects/2026-03/contacts/batch/create", json(Map.of("inputs", List.of(
                Map.of("objectWriteTraceId", "a", "properties", Map.of("cliniko_patient_id", "p3")),
                Map.of("objectWriteTraceId", "b", "properties", Map.of("cliniko_patient_id", "p3"))))));
        Result created = call("POST", "/crm/v3/objects/contacts/batch/create", json(Map.of("inputs", List.of(
                Map.of("objectWriteTraceId", "p4", "properties", Map.of("cliniko_patient_id", "p4"))))));
        Result upsert = upsertContacts(List.of(upsertInput("p4", Map.of("firstname", "Dee")),
                upsertInput("p5", Map.of("firstname", "Eve"))));

        // then
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body().path("status").asString()).isEqualTo("error");
        assertThat(conflict.body().path("category").asString()).isEqualTo("CONFLICT");
        assertThat(conflict.body().path("message").asString())
                .contains("already has that value.", "cliniko_patient_id", "Existing ID: " + existing);
        assertThat(twiceInBatch.status()).isEqualTo(409);
        assertThat(twiceInBatch.body().path("message").asString()).contains("already has that value.");
        assertThat(hubspot.findByProperty("contacts", "cliniko_patient_id", "p2")).isEmpty();
        assertThat(hubspot.findByProperty("contacts", "cliniko_patient_id", "p3")).isEmpty();
        assertThat(created.status()).isEqualTo(201);
        JsonNode record = created.body().path("results").get(0);
        assertThat(Instant.parse(record.path("createdAt").asString())).isEqualTo(hubspot.record("contacts",
                record.path("id").asString()).orElseThrow().createdAt().truncatedTo(ChronoUnit.MILLIS));
        assertThat(upsert.status()).isEqualTo(200);
        assertThat(upsert.body().path("results")).extracting(r -> r.path("properties").path("firstname").asString()
                + "=" + r.path("new").asBoolean()).containsExactlyInAnyOrder("Dee=false", "Eve=true");
    }

    @Test
    void editRecordIsVisibleToBatchReadAtOnceEvenWithSearchLag() {
        // given
        givenPatientIdProperty();
        hubspot.searchLag(Duration.ofHours(1));
        String id = hubspot.seedRecord("contacts", Map.of("cliniko_patient_id", "p1", "firstname", "Ann"));
        String read = "/crm/v3/objects/contacts/batch/read";

        // when
        Result before = call("POST", read, json(Map.of("idProperty", "cliniko_patient_id",
                "properties", List.of("firstname"), "inputs", List.of(Map.of("id", "p1")))));
        hubspot.editRecord("contacts", id, "firstname", "Anna");
        hubspot.editRecord("contacts", id, "cliniko_patient_id", "p1b");
        Result byId = call("POST", read, json(Map.of("properties", List.of("firstname", "cliniko_patient_id"),
                "inputs", List.of(Map.of("id", id)))));
        Result byNewKey = call("POST", read, json(Map.of("idProperty", "cliniko_patient_id",
                "properties", List.of("firstname"), "inputs", List.of(Map.of("id", "p1b")))));
        Result byOldKey = call("POST", read, json(Map.of("idProperty", "cliniko_patient_id",
                "properties", List.of("firstname"), "inputs", List.of(Map.of("id", "p1")))));

        // then
        assertThat(firstnameOf(before, id)).isEqualTo("Ann");
        assertThat(byId.status()).isEqualTo(200);
        assertThat(firstnameOf(byId, id)).isEqualTo("Anna");
        assertThat(byId.body().path("results").get(0).path("properties").path("cliniko_patient_id").asString())
                .isEqualTo("p1b");
        assertThat(byNewKey.status()).isEqualTo(200);
        assertThat(firstnameOf(byNewKey, id)).isEqualTo("Anna");
        assertThat(byOldKey.status()).isEqualTo(207);
        assertThat(byOldKey.body().path("results")).isEmpty();
        assertThat(byOldKey.body().path("errors").get(0).path("category").asString()).isEqualTo("OBJECT_NOT_FOUND");
        assertThat(hubspot.records("contacts")).singleElement().satisfies(r -> {
            assertThat(r.property("firstname")).isEqualTo("Anna");
            assertThat(r.createdAt()).isNotNull();
        });
    }

    // ------------------------------------------------------------------ search

    @Test
    void searchSeesRecordsAsTheyWereTheLagAgo() throws InterruptedException {
        // given
        hubspot.searchLag(Duration.ofSeconds(2));
        String ann = hubspot.seedRecord("contacts", Map.of("email", "ann@example.com", "firstname", "Ann"));
        String bob = hubspot.seedRecord("contacts", Map.of("email", "bob@example.com", "firstname", "Bob"));
        Thread.sleep(2_200);
        String v3 = "/crm/v3/objects/contacts/search";
        String dated = "/crm/objects/2026-03/contacts/search";

        // when
        hubspot.editRecord("contacts", ann, "firstname", "Anna");
        hubspot.deleteRecord("contacts", bob);
        Result created = call("POST", "/crm/v3/objects/contacts",
                json(Map.of("properties", Map.of("email", "cat@example.com", "firstname", "Cat"))));
        String cat = created.body().path("id").asString();
        Result all = searchContacts(v3, null, null);
        Result byOldName = searchContacts(dated, "firstname", "Ann");
        Result byNewName = searchContacts(v3, "firstname", "Anna");
        Result newRecord = searchContacts(dated, "email", "cat@example.com");
        Result read = call("POST", "/crm/v3/objects/contacts/batch/read", json(Map.of(
                "properties", List.of("firstname"), "inputs", List.of(Map.of("id", ann), Map.of("id", cat)))));
        Result get = call("GET", "/crm/v3/objects/contacts/" + ann + "?properties=firstname", null);
        Thread.sleep(2_200);
        Result later = searchContacts(v3, null, null);
        Result laterByNewName = searchContacts(dated, "firstname", "Anna");

        // then
        assertThat(all.body().path("total").asInt()).isEqualTo(2);
        assertThat(ids(all)).containsExactly(ann, bob);
        assertThat(firstnameOf(all, ann)).isEqualTo("Ann");
        assertThat(ids(byOldName)).containsExactly(ann);
        assertThat(byNewName.body().path("total").asInt()).isZero();
        assertThat(byNewName.body().path("results")).isEmpty();
        assertThat(newRecord.body().path("total").asInt()).isZero();
        assertThat(read.status()).isEqualTo(200);
        assertThat(firstnameOf(read, ann)).isEqualTo("Anna");
        assertThat(firstnameOf(read, cat)).isEqualTo("Cat");
        assertThat(get.body().path("properties").path("firstname").asString()).isEqualTo("Anna");
        assertThat(later.body().path("total").asInt()).isEqualTo(2);
        assertThat(ids(later)).containsExactly(ann, cat);
        assertThat(firstnameOf(later, ann)).isEqualTo("Anna");
        assertThat(ids(laterByNewName)).containsExactly(ann);
    }

    @Test
    void searchWithoutLagSeesEveryChangeAtOnce() {
        // given
        hubspot.searchLag(Duration.ofHours(1)).reset();
        String ann = hubspot.seedRecord("contacts", Map.of("email", "ann@example.com", "firstname", "Ann"));

        // when
        hubspot.editRecord("contacts", ann, "firstname", "Anna");
        Result byNewName = searchContacts("/crm/v3/objects/contacts/search", "firstname", "Anna");

        // then
        assertThat(byNewName.body().path("total").asInt()).isEqualTo(1);
        assertThat(firstnameOf(byNewName, ann)).isEqualTo("Anna");
    }

    // ------------------------------------------------------------------ associations

    @Test
    void associationTypeIdsAreCheckedPerDirection() {
        // given
        String contact = hubspot.seedRecord("contacts", Map.of("email", "a@example.com"));
        String company = hubspot.seedRecord("companies", Map.of("name", "Clinic"));
        String deal = hubspot.seedRecord("deals", Map.of("dealname", "Deal", "dealstage", "closedwon"));
        Map<String, Object> contactToCompany = Map.of("from", Map.of("id", contact), "to", Map.of("id", company),
                "types", List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 279)));

        // when
        Result ok = call("POST", "/crm/v4/associations/contacts/companies/batch/create",
                json(Map.of("inputs", List.of(contactToCompany))));
        Result again = call("POST", "/crm/v4/associations/contact/company/batch/create",
                json(Map.of("inputs", List.of(contactToCompany))));
        Result wrong = call("POST", "/crm/v4/associations/deals/companies/batch/create", json(Map.of("inputs", List.of(
                Map.of("from", Map.of("id", deal), "to", Map.of("id", company),
                        "types", List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 1))),
                Map.of("from", Map.of("id", deal), "to", Map.of("id", company), "types", List.of()),
                Map.of("from", Map.of("id", deal), "to", Map.of("id", "999999"),
                        "types", List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 341))),
                Map.of("from", Map.of("id", deal), "to", Map.of("id", company),
                        "types", List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 5)))))));
        Result listed = call("GET", "/crm/v4/objects/companies/" + company + "/associations/contacts", null);

        // then
        assertThat(ok.status()).isEqualTo(201);
        JsonNode pair = ok.body().path("results").get(0);
        assertThat(pair.path("fromObjectTypeId").asString()).isEqualTo("0-1");
        assertThat(pair.path("toObjectId").asString()).isEqualTo(company);
        assertThat(again.status()).isEqualTo(201);
        assertThat(hubspot.associations("contacts", "companies"))
                .containsExactly(new HubSpotEmulator.AssociationSnapshot(contact, company, 279));
        assertThat(hubspot.associations("companies", "contacts"))
                .containsExactly(new HubSpotEmulator.AssociationSnapshot(company, contact, 280));
        assertThat(wrong.status()).isEqualTo(207);
        assertThat(wrong.body().path("results")).hasSize(1);
        assertThat(wrong.body().path("errors")).hasSize(3);
        assertThat(wrong.body().path("errors").get(0).path("message").asString()).isEqualTo("One or more associations are invalid");
        assertThat(hubspot.associations("deals", "companies"))
                .containsExactly(new HubSpotEmulator.AssociationSnapshot(deal, company, 5));
        assertThat(listed.body().path("results").get(0).path("associationTypes").get(0).path("typeId").asInt()).isEqualTo(280);
    }

    @Test
    void inlineAssociationsOnCreate() {
        // given
        String contact = hubspot.seedRecord("contacts", Map.of("email", "a@example.com"));

        // when
        Result note = call("POST", "/crm/v3/objects/notes/batch/create", json(Map.of("inputs", List.of(Map.of(
                "properties", Map.of("hs_timestamp", "2024-01-01T00:00:00Z", "hs_note_body", "hi"),
                "associations", List.of(Map.of("to", Map.of("id", contact), "types",
                        List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 202)))))))));
        Result wrongDirection = call("POST", "/crm/v3/objects/notes/batch/create", json(Map.of("inputs", List.of(Map.of(
                "properties", Map.of("hs_timestamp", "2024-01-01T00:00:00Z"),
                "associations", List.of(Map.of("to", Map.of("id", contact), "types",
                        List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 201)))))))));

        // then
        assertThat(note.status()).isEqualTo(201);
        String noteId = note.body().path("results").get(0).path("id").asString();
        assertThat(hubspot.associations("notes", "contacts"))
                .containsExactly(new HubSpotEmulator.AssociationSnapshot(noteId, contact, 202));
        assertThat(wrongDirection.status()).isEqualTo(400);
        assertThat(hubspot.records("notes")).hasSize(1);
    }

    // ------------------------------------------------------------------ rate limits, auth, faults

    @Test
    void throttlesWithTheTenSecondlyBody() {
        // given
        hubspot.tenSecondlyLimit(2, Duration.ofSeconds(10)).retryAfterHeader(true);

        // when
        Result first = call("GET", "/crm/v3/owners", null);
        Result second = call("GET", "/crm/v3/owners", null);
        Result third = call("GET", "/crm/v3/owners", null);

        // then
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.raw().headers().firstValue("X-HubSpot-RateLimit-Max")).hasValue("2");
        assertThat(first.raw().headers().firstValue("X-HubSpot-RateLimit-Remaining")).hasValue("1");
        assertThat(first.raw().headers().firstValue("X-HubSpot-RateLimit-Interval-Milliseconds")).hasValue("10000");
        assertThat(second.status()).isEqualTo(200);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body().path("status").asString()).isEqualTo("error");
        assertThat(third.body().path("message").asString()).isEqualTo("You have reached your ten_secondly_rolling limit.");
        assertThat(third.body().path("errorType").asString()).isEqualTo("RATE_LIMIT");
        assertThat(third.body().path("policyName").asString()).isEqualTo("TEN_SECONDLY_ROLLING");
        assertThat(third.body().path("groupName").asString()).isNotBlank();
        assertThat(third.body().path("correlationId").asString()).isNotBlank();
        assertThat(third.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(hubspot.throttledCount()).isEqualTo(1);
    }

    @Test
    void rejectsMissingOrWrongToken() {
        // when
        Result none = call("GET", "/crm/v3/owners", null, null);
        Result wrong = call("GET", "/crm/v3/owners", null, "pat-na1-wrong");

        // then
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().path("category").asString()).isEqualTo("INVALID_AUTHENTICATION");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("correlationId").asString()).isNotBlank();
    }

    @Test
    void injectsFaultsAndLostResponses() {
        // given
        givenPatientIdProperty();
        hubspot.failEveryNth(2, 503);

        // when
        Result ok = call("GET", "/crm/v3/owners", null);
        Result failed = call("GET", "/crm/v3/owners", null);
        hubspot.clearFaults().dropResponseEveryNth(1);
        Result dropped = upsertContacts(List.of(upsertInput("p1", Map.of("firstname", "Ann"))));
        hubspot.clearFaults().failAllAfter(1);
        Result served = call("GET", "/crm/v3/owners", null);
        Result outage = call("GET", "/crm/v3/owners", null);

        // then
        assertThat(ok.status()).isEqualTo(200);
        assertThat(failed.status()).isEqualTo(503);
        assertThat(dropped.status()).isEqualTo(502);
        assertThat(hubspot.records("contacts")).hasSize(1);
        assertThat(served.status()).isEqualTo(200);
        assertThat(outage.status()).isEqualTo(503);
        assertThat(hubspot.requestCount("/crm/v3/owners")).isEqualTo(4);
        assertThat(hubspot.kindCount("owners")).isEqualTo(4);
    }

    @Test
    void lostAnswersArePerformedSeededAndCountedAsFaults() {
        // given
        givenPatientIdProperty();
        hubspot.lostAnswerRate(0.5, 7);

        // when
        List<Integer> first = new ArrayList<>();
        List<JsonNode> lostBodies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Result r = upsertContacts(List.of(upsertInput("p" + i, Map.of("firstname", "N" + i))));
            first.add(r.status());
            if (r.status() == 502) {
                lostBodies.add(r.body());
            }
        }
        int faults = hubspot.faultCount();
        int contacts = hubspot.records("contacts").size();
        hubspot.reset();
        givenPatientIdProperty();
        hubspot.lostAnswerRate(0.5, 7);
        List<Integer> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            second.add(upsertContacts(List.of(upsertInput("p" + i, Map.of("firstname", "N" + i)))).status());
        }
        hubspot.clearFaults();
        Result afterClear = call("GET", "/crm/v3/owners", null);

        // then
        assertThat(first).containsOnly(200, 502).contains(200, 502);
        assertThat(second).isEqualTo(first);
        assertThat(contacts).isEqualTo(30);
        assertThat(faults).isEqualTo(lostBodies.size());
        assertThat(lostBodies).allSatisfy(b -> {
            assertThat(b.path("status").asString()).isEqualTo("error");
            assertThat(b.path("category").asString()).isEqualTo("INTERNAL_ERROR");
        });
        assertThat(afterClear.status()).isEqualTo(200);
    }

    @Test
    void malformedBatchReadsAnswer200WithAnEmptyHtmlOrTruncatedBody() {
        // given
        String id = hubspot.seedRecord("contacts", Map.of("email", "a@example.com", "firstname", "Ann"));
        String company = hubspot.seedRecord("companies", Map.of("name", "Clinic"));
        String contactsRead = json(Map.of("properties", List.of("firstname"), "inputs", List.of(Map.of("id", id))));
        hubspot.malformedBatchReads(2, "empty");

        // when
        Result get = call("GET", "/crm/v3/objects/contacts/" + id, null);
        HttpResponse<String> empty = send("POST", "/crm/v3/objects/contacts/batch/read", contactsRead);
        HttpResponse<String> emptyCompanies = send("POST", "/crm/objects/2026-03/companies/batch/read",
                json(Map.of("inputs", List.of(Map.of("id", company)))));
        HttpResponse<String> whole = send("POST", "/crm/v3/objects/contacts/batch/read", contactsRead);
        hubspot.malformedBatchReads(1, "html");
        HttpResponse<String> html = send("POST", "/crm/v3/objects/contacts/batch/read", contactsRead);
        hubspot.malformedBatchReads(1, "truncated");
        HttpResponse<String> truncated = send("POST", "/crm/v3/objects/contacts/batch/read", contactsRead);
        hubspot.malformedBatchReads(3, "html").clearFaults();
        HttpResponse<String> afterClear = send("POST", "/crm/v3/objects/contacts/batch/read", contactsRead);

        // then
        assertThat(get.status()).isEqualTo(200);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(empty.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(emptyCompanies.statusCode()).isEqualTo(200);
        assertThat(emptyCompanies.body()).isEmpty();
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(whole.body()).path("results").get(0).path("id").asString()).isEqualTo(id);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).isEqualTo("<html><body>Gateway</body></html>");
        assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/html"));
        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThat(truncated.body()).startsWith("{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"" + id + "\"");
        assertThat(truncated.body().length()).isBetween(whole.body().length() / 2 - 2, whole.body().length() / 2 + 2);
        assertThatThrownBy(() -> JSON.readTree(truncated.body())).isInstanceOf(RuntimeException.class);
        assertThat(afterClear.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(afterClear.body()).path("results")).hasSize(1);
        assertThat(hubspot.faultCount()).isEqualTo(4);
        assertThatThrownBy(() -> hubspot.malformedBatchReads(1, "xml")).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ owners, pipelines, path styles

    @Test
    void pagesOwnersAndFiltersByEmail() {
        // given
        String first = hubspot.addOwner("a@example.com", "A", "One");
        hubspot.addOwner("b@example.com", "B", "Two");
        String third = hubspot.addOwner("c@example.com", "C", "Three");

        // when
        Result page1 = call("GET", "/crm/v3/owners?limit=2", null);
        String after = page1.body().path("paging").path("next").path("after").asString();
        Result page2 = call("GET", "/crm/v3/owners?limit=2&after=" + after, null);
        Result byEmail = call("GET", "/crm/v3/owners?email=C@example.com", null);

        // then
        assertThat(page1.body().path("results")).hasSize(2);
        assertThat(page1.body().path("results").get(0).path("id").asString()).isEqualTo(first);
        assertThat(page1.body().path("results").get(0).path("type").asString()).isEqualTo("PERSON");
        assertThat(page2.body().path("results")).hasSize(1);
        assertThat(page2.body().has("paging")).isFalse();
        assertThat(byEmail.body().path("results")).hasSize(1);
        assertThat(byEmail.body().path("results").get(0).path("id").asString()).isEqualTo(third);
    }

    @Test
    void createsPipelinesWithinPortalLimits() {
        // given
        Map<String, Object> pipeline = Map.of("label", "Clinic", "displayOrder", 1, "stages", List.of(
                Map.of("label", "Booked", "displayOrder", 0, "metadata", Map.of("probability", "0.5")),
                Map.of("label", "Paid", "displayOrder", 1, "metadata", Map.of("probability", "1.0"))));

        // when
        Result created = call("POST", "/crm/v3/pipelines/deals", json(pipeline));
        Result duplicate = call("POST", "/crm/v3/pipelines/deals", json(pipeline));
        Result badProbability = call("POST", "/crm/v3/pipelines/deals", json(Map.of("label", "Other", "stages",
                List.of(Map.of("label", "S", "metadata", Map.of("probability", "1.5"))))));
        hubspot.maxPipelines(2);
        Result full = call("POST", "/crm/v3/pipelines/deals", json(Map.of("label", "Third", "stages",
                List.of(Map.of("label", "S", "metadata", Map.of("probability", "0.1"))))));
        String stageId = created.body().path("stages").get(0).path("id").asString();
        Result deal = call("POST", "/crm/v3/objects/deals", json(Map.of("properties", Map.of("dealname", "d",
                "pipeline", created.body().path("id").asString(), "dealstage", stageId))));

        // then
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("stages")).hasSize(2);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(badProbability.status()).isEqualTo(400);
        assertThat(full.status()).isEqualTo(400);
        assertThat(deal.status()).isEqualTo(201);
        assertThat(hubspot.pipelines()).extracting(HubSpotEmulator.PipelineSnapshot::id)
                .containsExactly("default", created.body().path("id").asString());
    }

    @Test
    void servesLegacyAndDateBasedPaths() {
        // given
        String owner = hubspot.addOwner("doc@example.com", "Doc", "Tor");

        // when
        Result group = call("POST", "/crm/properties/2026-03/contacts/groups", json(Map.of("name", "cliniko", "label", "C")));
        Result prop = call("POST", "/crm/properties/2026-03/contacts", json(Map.of("name", "cliniko_patient_id",
                "label", "P", "groupName", "cliniko", "type", "string", "fieldType", "text", "hasUniqueValue", true)));
        Result upsert = call("POST", "/crm/objects/2026-03/contacts/batch/upsert", json(Map.of("inputs", List.of(
                upsertInput("p1", Map.of("email", "a@example.com", "hubspot_owner_id", owner))))));
        String contactId = upsert.body().path("results").get(0).path("id").asString();
        Result v3Get = call("GET", "/crm/v3/objects/contacts/p1?idProperty=cliniko_patient_id&properties=email", null);
        Result dateGet = call("GET", "/crm/objects/2026-03/0-1/" + contactId, null);
        Result company = call("POST", "/crm/objects/2026-03/companies", json(Map.of("properties", Map.of("name", "Clinic"))));
        String companyId = company.body().path("id").asString();
        Result assoc = call("POST", "/crm/associations/2026-03/contacts/companies/batch/create", json(Map.of("inputs",
                List.of(Map.of("from", Map.of("id", contactId), "to", Map.of("id", companyId), "types",
                        List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", 1)))))));
        Result owners = call("GET", "/crm/owners/2026-03?limit=10", null);
        Result pipelinesDate = call("GET", "/crm/pipelines/2026-03/deals", null);
        Result pipelinesV3 = call("GET", "/crm/v3/pipelines/deals/default", null);
        Result list = call("GET", "/crm/v3/objects/contacts?limit=1&properties=email", null);

        // then
        assertThat(group.status()).isEqualTo(201);
        assertThat(prop.status()).isEqualTo(201);
        assertThat(upsert.status()).isEqualTo(200);
        assertThat(v3Get.status()).isEqualTo(200);
        assertThat(v3Get.body().path("id").asString()).isEqualTo(contactId);
        assertThat(v3Get.body().path("properties").path("email").asString()).isEqualTo("a@example.com");
        assertThat(dateGet.status()).isEqualTo(200);
        assertThat(company.status()).isEqualTo(201);
        assertThat(assoc.status()).isEqualTo(201);
        assertThat(hubspot.associations("contacts", "companies"))
                .containsExactly(new HubSpotEmulator.AssociationSnapshot(contactId, companyId, 1));
        assertThat(owners.body().path("results").get(0).path("email").asString()).isEqualTo("doc@example.com");
        assertThat(pipelinesDate.body().path("results").get(0).path("id").asString()).isEqualTo("default");
        assertThat(pipelinesV3.body().path("stages")).hasSize(7);
        assertThat(list.body().path("results")).hasSize(1);
        assertThat(hubspot.requestCount("/crm/objects/2026-03")).isEqualTo(3);
    }
}
