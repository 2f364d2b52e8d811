package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.InvoiceItem;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ClinikoEmulatorTests {

    private static final String USER_AGENT = "cliniko-bridge-tests (ops@example.com)";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Clinic clinic;
    private static ClinikoEmulator emulator;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        clinic = ClinicGenerator.generate(42, 230);
        emulator = new ClinikoEmulator(clinic, "testkey-au1");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void reset() {
        emulator.clearRateLimit();
        emulator.clearFaults();
        emulator.setStrictArchivedLookup(false);
        emulator.load(clinic);
    }

    @Test
    void pagingWithArchivedFilterReturnsEveryPatientExactlyOnce() throws Exception {
        // given
        String first = emulator.baseUrl() + "/patients?per_page=100&q%5B%5D=archived_at:*";

        // when
        List<JsonNode> pages = followPages(first);

        // then
        List<String> ids = new ArrayList<>();
        pages.forEach(page -> page.get("patients").forEach(p -> ids.add(p.get("id").asString())));
        assertThat(ids).doesNotHaveDuplicates().hasSize(clinic.patients().size());
        assertThat(ids).containsExactlyInAnyOrderElementsOf(
                clinic.patients().stream().map(p -> Long.toString(p.id())).toList());
        assertThat(pages).hasSize((clinic.patients().size() + 99) / 100);
        assertThat(pages.get(0).get("total_entries").asInt()).isEqualTo(clinic.patients().size());
        assertThat(pages.get(0).get("links").has("previous")).isFalse();
        assertThat(pages.get(pages.size() - 1).get("links").has("next")).isFalse();
        assertThat(pages.get(1).get("links").get("previous").asString()).startsWith("http://127.0.0.1:");
    }

    @Test
    void withoutFilterArchivedAndMergedPatientsAreExcluded() throws Exception {
        // given
        assertThat(clinic.archivedPatients()).isNotEmpty();

        // when
        List<JsonNode> pages = followPages(emulator.baseUrl() + "/patients?per_page=100");

        // then
        Set<String> ids = new HashSet<>();
        pages.forEach(page -> page.get("patients").forEach(p -> ids.add(p.get("id").asString())));
        assertThat(ids).isEqualTo(clinic.activePatients().stream().map(p -> Long.toString(p.id()))
                .collect(Collectors.toSet()));
        assertThat(pages.get(0).get("total_entries").asInt()).isEqualTo(clinic.activePatients().size());
    }

    @Test
    void patientJsonFollowsClinikoShapes() throws Exception {
        // given
        Patient merged = clinic.mergedPatients().get(0);

        // when
        HttpResponse<String> response = get(emulator.baseUrl() + "/patients/" + merged.id());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("id").isString()).isTrue();
        assertThat(body.get("id").asString()).isEqualTo(Long.toString(merged.id()));
        assertThat(body.get("archived_at").asString()).endsWith("Z");
        assertThat(body.get("merged_at").asString()).isEqualTo(merged.mergedAt().toString());
        assertThat(body.get("merged_with_patient").get("links").get("self").asString())
                .isEqualTo(emulator.baseUrl() + "/patients/" + merged.mergedWithPatientId());
        assertThat(body.get("links").get("self").asString())
                .isEqualTo(emulator.baseUrl() + "/patients/" + merged.id());
        assertThat(body.get("patient_phone_numbers").isArray()).isTrue();
    }

    @Test
    void invoicesHaveDecimalStringsAndLegacyAppointmentLinks() throws Exception {
        // when
        JsonNode page = JSON.readTree(get(emulator.baseUrl() + "/invoices?per_page=100").body());

        // then
        JsonNode first = page.get("invoices").get(0);
        assertThat(first.get("total_amount").isString()).isTrue();
        assertThat(first.get("total_amount").asString()).matches("-?\\d+\\.\\d{1,2}");
        assertThat(first.get("status").isInt()).isTrue();
        assertThat(first.get("number").isInt()).isTrue();
        assertThat(first.get("issue_date").asString()).matches("\\d{4}-\\d{2}-\\d{2}");
        boolean anyAppointmentLink = false;
        for (JsonNode invoice : page.get("invoices")) {
            if (!invoice.get("appointment").isNull()) {
                anyAppointmentLink = true;
                assertThat(invoice.get("appointment").get("links").get("self").asString())
                        .contains("/v1/appointments/");
            }
        }
        assertThat(anyAppointmentLink).isTrue();
    }

    @Test
    void appointmentsExcludeCancelledUnlessFilteredAndFiltersAreAnded() throws Exception {
        // given
        IndividualAppointment cancelled = clinic.cancelledAppointments().get(0);
        String patient = "q%5B%5D=patient_id:=" + cancelled.patientId();

        // when
        JsonNode withoutCancelled = JSON.readTree(get(emulator.baseUrl() + "/individual_appointments?" + patient)
                .body());
        JsonNode withCancelled = JSON.readTree(get(emulator.baseUrl() + "/individual_appointments?" + patient
                + "&q%5B%5D=cancelled_at:*").body());

        // then
        List<IndividualAppointment> all = clinic.appointmentsOf(cancelled.patientId());
        assertThat(withCancelled.get("total_entries").asInt()).isEqualTo(all.size());
        assertThat(withoutCancelled.get("total_entries").asInt())
                .isEqualTo((int) all.stream().filter(a -> !a.isCancelled()).count());
        assertThat(ids(withCancelled, "individual_appointments")).contains(Long.toString(cancelled.id()));
        assertThat(ids(withoutCancelled, "individual_appointments")).doesNotContain(Long.toString(cancelled.id()));
    }

    @Test
    void updatedAtIdListAndIdGreaterThanFiltersWork() throws Exception {
        // given
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        List<Patient> sample = clinic.activePatients().subList(0, 3);
        String idList = sample.stream().map(p -> Long.toString(p.id())).collect(Collectors.joining(","));
        long pivot = clinic.patients().get(100).id();

        // when
        JsonNode delta = JSON.readTree(get(emulator.baseUrl()
                + "/patients?per_page=100&q%5B%5D=archived_at:*&q%5B%5D=updated_at:%3E" + since).body());
        JsonNode byIds = JSON.readTree(get(emulator.baseUrl() + "/patients?q%5B%5D=id:=" + idList).body());
        JsonNode after = JSON.readTree(get(emulator.baseUrl()
                + "/patients?per_page=100&q%5B%5D=archived_at:*&q%5B%5D=id:%3E" + pivot + "&sort=id:desc").body());

        // then
        assertThat(delta.get("total_entries").asInt()).isEqualTo((int) clinic.patients().stream()
                .filter(p -> p.updatedAt().isAfter(since)).count());
        assertThat(ids(byIds, "patients")).containsExactlyInAnyOrder(idList.split(","));
        List<String> afterIds = ids(after, "patients");
        assertThat(after.get("total_entries").asInt()).isEqualTo((int) clinic.patients().stream()
                .filter(p -> p.id() > pivot).count());
        assertThat(afterIds.stream().map(Long::parseLong).toList()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void practitionersSplitIntoActiveAndInactiveAndUsersCarryEmails() throws Exception {
        // when
        JsonNode active = JSON.readTree(get(emulator.baseUrl() + "/practitioners").body());
        JsonNode inactive = JSON.readTree(get(emulator.baseUrl() + "/practitioners/inactive").body());
        String userUrl = inactive.get("practitioners").get(0).get("user").get("links").get("self").asString();
        JsonNode user = JSON.readTree(get(userUrl).body());

        // then
        assertThat(active.get("practitioners")).hasSize(5);
        assertThat(inactive.get("practitioners")).hasSize(1);
        assertThat(user.get("email").asString()).isEqualTo("emma.fitzwilliam@example.com");
        assertThat(JSON.readTree(get(emulator.baseUrl() + "/businesses").body()).get("businesses")).hasSize(2);
        assertThat(JSON.readTree(get(emulator.baseUrl() + "/appointment_types").body()).get("appointment_types"))
                .hasSize(4);
    }

    @Test
    void rejectsMissingOrWrongAuthButAcceptsKeyWithoutShard() throws Exception {
        // given
        long rejectedBefore = emulator.rejectedCount();

        // when
        HttpResponse<String> noAuth = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/patients"))
                .header("User-Agent", USER_AGENT).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongKey = get(emulator.baseUrl() + "/patients", "nope-au1", USER_AGENT);
        HttpResponse<String> shardless = get(emulator.baseUrl() + "/patients", "testkey", USER_AGENT);

        // then
        assertThat(noAuth.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noAuth.body()).get("message").asString()).isNotBlank();
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(shardless.statusCode()).isEqualTo(200);
        assertThat(emulator.rejectedCount() - rejectedBefore).isEqualTo(2);
    }

    @Test
    void rejectsRequestsWithoutContactUserAgent() throws Exception {
        // when: the JDK client's default User-Agent has no contact email
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/users"))
                .header("Authorization", basic("testkey-au1")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> nameOnly = get(emulator.baseUrl() + "/users", "testkey-au1", "cliniko-bridge");

        // then
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("message").asString()).startsWith("User-Agent");
        assertThat(nameOnly.statusCode()).isEqualTo(403);
    }

    @Test
    void throttlesWith429AndRateLimitResetHeader() throws Exception {
        // given
        emulator.setRateLimit(20, Duration.ofSeconds(1));
        long throttledBefore = emulator.throttledCount();

        // when
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            responses.add(get(emulator.baseUrl() + "/businesses"));
        }

        // then
        List<HttpResponse<String>> limited = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(limited).isNotEmpty();
        assertThat(responses.stream().filter(r -> r.statusCode() == 200).count()).isBetween(20L, 29L);
        long reset = Long.parseLong(limited.get(0).headers().firstValue("X-RateLimit-Reset").orElseThrow());
        long now = Instant.now().getEpochSecond();
        assertThat(reset).isBetween(now - 1, now + 2);
        assertThat(emulator.throttledCount() - throttledBefore).isEqualTo(limited.size());

        // and after the reset the client may continue
        Thread.sleep(Math.max(0, reset * 1000 - System.currentTimeMillis()) + 50);
        assertThat(get(emulator.baseUrl() + "/businesses").statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsBadPagingAndUnknownFilterFields() throws Exception {
        // when
        HttpResponse<String> tooBig = get(emulator.baseUrl() + "/patients?per_page=101");
        HttpResponse<String> unknownField = get(emulator.baseUrl() + "/patients?q%5B%5D=shoe_size:=42");
        HttpResponse<String> badDate = get(emulator.baseUrl() + "/patients?q%5B%5D=updated_at:%3Eyesterday");
        HttpResponse<String> beyondLast = get(emulator.baseUrl() + "/patients?page=99");

        // then
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(beyondLast.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(beyondLast.body()).get("patients")).isEmpty();
    }

    @Test
    void injectsFaultsAndCountsRequestsPerPath() throws Exception {
        // given
        emulator.failEveryNth(3, 503);
        long patientsBefore = emulator.requestCount("/v1/patients");

        // when
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(get(emulator.baseUrl() + "/patients?per_page=1").statusCode());
        }
        emulator.clearFaults();
        emulator.failAllAfter(1);
        int beforeOutage = get(emulator.baseUrl() + "/users").statusCode();
        int duringOutage = get(emulator.baseUrl() + "/users").statusCode();
        emulator.clearFaults();
        int afterOutage = get(emulator.baseUrl() + "/users").statusCode();

        // then
        assertThat(statuses).containsExactly(200, 200, 503, 200, 200, 503);
        assertThat(beforeOutage).isEqualTo(200);
        assertThat(duringOutage).isEqualTo(503);
        assertThat(afterOutage).isEqualTo(200);
        assertThat(emulator.requestCount("/v1/patients") - patientsBefore).isEqualTo(6);
    }

    @Test
    void loadReplacesServedClinic() throws Exception {
        // given
        Clinic small = ClinicGenerator.generate(7, 12);

        // when
        emulator.load(small);
        JsonNode page = JSON.readTree(get(emulator.baseUrl() + "/patients?q%5B%5D=archived_at:*").body());

        // then
        assertThat(page.get("total_entries").asInt()).isEqualTo(12);
    }

    @Test
    void generatorIsDeterministicAndHasTheRequestedMix() {
        // when
        Clinic again = ClinicGenerator.generate(42, 230);

        // then
        assertThat(again).isEqualTo(clinic);
        assertThat(clinic.patients()).hasSize(230);
        assertThat(clinic.practitioners()).hasSize(6);
        assertThat(clinic.practitioners().stream().filter(p -> !p.active())).hasSize(1);
        assertThat(ClinicGenerator.hubSpotOwnerEmails(clinic)).hasSize(5)
                .doesNotContain(ClinicGenerator.UNMATCHED_PRACTITIONER_EMAIL);
        assertThat(clinic.sharedEmailGroups()).isNotEmpty().allSatisfy((email, members) ->
                assertThat(members.stream().map(Patient::email).distinct().count()).isGreaterThan(1));
        assertThat(clinic.mergedPatients()).allSatisfy(p -> {
            assertThat(p.isArchived()).isTrue();
            assertThat(clinic.patient(clinic.survivorId(p.id())).orElseThrow().isMerged()).isFalse();
        });
        assertThat(clinic.futureAppointments()).isNotEmpty();
        assertThat(clinic.invoiceCountByStatus()).containsOnlyKeys(10, 20, 30, 40);
    }

    @Test
    void pagingTreatmentNotesWithArchivedIncludedReturnsEveryNoteOnce() throws Exception {
        // given
        List<TreatmentNote> archived = clinic.treatmentNotes().stream().filter(t -> t.archivedAt() != null).toList();
        assertThat(archived).isNotEmpty();

        // when
        List<JsonNode> all = followPages(emulator.baseUrl() + "/treatment_notes?per_page=100&q%5B%5D=archived_at:*");
        JsonNode unfiltered = JSON.readTree(get(emulator.baseUrl() + "/treatment_notes?per_page=1").body());

        // then
        List<String> ids = new ArrayList<>();
        all.forEach(page -> page.get("treatment_notes").forEach(n -> ids.add(n.get("id").asString())));
        assertThat(ids).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(clinic.treatmentNotes().stream()
                        .map(t -> Long.toString(t.id())).toList());
        assertThat(all).hasSize((clinic.treatmentNotes().size() + 99) / 100);
        assertThat(unfiltered.get("total_entries").asInt())
                .isEqualTo(clinic.treatmentNotes().size() - archived.size());
        JsonNode first = all.get(0).get("treatment_notes").get(0);
        assertThat(first.get("patient").get("links").get("self").asString()).contains("/v1/patients/");
        assertThat(first.get("links").get("self").asString()).isEqualTo(emulator.baseUrl() + "/treatment_notes/"
                + first.get("id").asString());
    }

    @Test
    void treatmentNotesCarryDraftsNullContentAndEveryQuestionType() throws Exception {
        // given
        TreatmentNote draft = clinic.treatmentNotes().stream().filter(t -> t.draft() && t.content() == null)
                .findFirst().orElseThrow();
        TreatmentNote fin = clinic.treatmentNotes().stream().filter(t -> !t.draft() && t.bookingId() != null)
                .findFirst().orElseThrow();

        // when
        JsonNode draftJson = JSON.readTree(get(emulator.baseUrl() + "/treatment_notes/" + draft.id()).body());
        JsonNode finJson = JSON.readTree(get(emulator.baseUrl() + "/treatment_notes/" + fin.id()).body());
        JsonNode drafts = JSON.readTree(get(emulator.baseUrl() + "/treatment_notes?q%5B%5D=draft:=true"
                + "&q%5B%5D=archived_at:*").body());

        // then
        assertThat(draftJson.get("draft").asBoolean()).isTrue();
        assertThat(draftJson.get("content").isNull()).isTrue();
        assertThat(draftJson.get("finalized_at").isNull()).isTrue();
        assertThat(finJson.get("finalized_at").asString()).endsWith("Z");
        assertThat(finJson.get("booking").get("links").get("self").asString())
                .isEqualTo(emulator.baseUrl() + "/bookings/" + fin.bookingId());
        Set<String> types = new HashSet<>();
        finJson.get("content").get("sections").forEach(section -> section.get("questions").forEach(q -> {
            types.add(q.get("type").asString());
            if (q.has("answers")) {
                assertThat(q.get("other").has("enabled")).isTrue();
            } else {
                assertThat(q.get("answer").isString()).isTrue();
            }
        }));
        assertThat(types).contains("text", "paragraph", "date", "checkboxes", "radiobuttons");
        assertThat(drafts.get("total_entries").asInt())
                .isEqualTo((int) clinic.treatmentNotes().stream().filter(TreatmentNote::draft).count());
        assertThat(clinic.treatmentNotes()).anySatisfy(t -> assertThat(String.valueOf(t.content())).contains("<script>"));
    }

    @Test
    void invoiceItemsFilteredByInvoiceReturnExactlyThatInvoicesItems() throws Exception {
        // given an invoice with several lines
        Invoice invoice = clinic.invoices().stream().filter(i -> clinic.invoiceItemsOf(i.id()).size() >= 2)
                .findFirst().orElseThrow();
        List<InvoiceItem> expected = clinic.invoiceItemsOf(invoice.id());

        // when
        JsonNode page = JSON.readTree(get(emulator.baseUrl() + "/invoice_items?q%5B%5D=invoice_id:%3D" + invoice.id())
                .body());

        // then
        assertThat(ids(page, "invoice_items")).containsExactlyElementsOf(
                expected.stream().map(i -> Long.toString(i.id())).toList());
        BigDecimal net = BigDecimal.ZERO;
        for (JsonNode item : page.get("invoice_items")) {
            assertThat(item.get("invoice").get("links").get("self").asString())
                    .isEqualTo(emulator.baseUrl() + "/invoices/" + invoice.id());
            assertThat(item.get("total_including_tax").isNumber()).isTrue();
            assertThat(item.get("quantity").asString()).matches("\\d+\\.\\d+");
            assertThat(item.get("billable_item").isNull() != item.get("product").isNull()).isTrue();
            net = net.add(new BigDecimal(item.get("net_price").asString()));
        }
        assertThat(net).isEqualByComparingTo(invoice.netAmount());
        assertThat(clinic.invoices()).allSatisfy(i -> assertThat(clinic.invoiceItemsOf(i.id())).hasSizeBetween(1, 3));
    }

    @Test
    void settingsDefinitionContainsEveryCustomFieldTypeAndPatientsCarryAnswers() throws Exception {
        // given
        Patient answered = clinic.patients().stream().filter(p -> clinic.customFieldsOf(p.id()) != null)
                .findFirst().orElseThrow();
        Patient unanswered = clinic.patients().stream().filter(p -> clinic.customFieldsOf(p.id()) == null)
                .findFirst().orElseThrow();

        // when
        JsonNode settings = JSON.readTree(get(emulator.baseUrl() + "/settings").body());
        JsonNode withAnswers = JSON.readTree(get(emulator.baseUrl() + "/patients/" + answered.id()).body());
        JsonNode withoutAnswers = JSON.readTree(get(emulator.baseUrl() + "/patients/" + unanswered.id()).body());

        // then
        assertThat(settings.get("account").get("country_code").asString()).isEqualTo("AU");
        assertThat(settings.get("account").get("currency_symbol").asString()).isEqualTo("$");
        JsonNode sections = settings.get("patient_custom_fields_definition").get("sections");
        assertThat(sections).hasSize(2);
        Set<String> types = new HashSet<>();
        List<String> names = new ArrayList<>();
        boolean anyArchived = false;
        for (JsonNode section : sections) {
            for (JsonNode field : section.get("fields")) {
                types.add(field.get("type").asString());
                names.add(field.get("name").asString());
                anyArchived |= field.get("archived").asBoolean();
                assertThat(field.has("value")).isFalse();
                if (field.has("options")) {
                    assertThat(field.get("other").has("enabled")).isTrue();
                }
            }
        }
        assertThat(types).containsExactlyInAnyOrder("text", "paragraph", "date", "checkboxes", "radiobuttons");
        assertThat(anyArchived).isTrue();
        assertThat(names.stream().filter("Notes"::equals)).hasSize(2);
        assertThat(withAnswers.get("custom_fields").get("sections").get(0).get("fields")).isNotEmpty();
        assertThat(withoutAnswers.get("custom_fields").isNull()).isTrue();
    }

    @Test
    void referralSourceIs404WhenPatientHasNoneAndLinksTypeAndReferrerOtherwise() throws Exception {
        // given
        Patient without = clinic.patients().stream().filter(p -> clinic.referralSourceOf(p.id()).isEmpty())
                .findFirst().orElseThrow();
        Clinic.ReferralSource source = clinic.referralSources().stream().filter(r -> r.referrerId() != null)
                .findFirst().orElseThrow();

        // when
        HttpResponse<String> missing = get(emulator.baseUrl() + "/patients/" + without.id() + "/referral_source");
        HttpResponse<String> found = get(emulator.baseUrl() + "/patients/" + source.patientId() + "/referral_source");
        JsonNode all = JSON.readTree(get(emulator.baseUrl() + "/referral_sources?per_page=100").body());

        // then
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(found.body());
        assertThat(body.get("referral_source_type").get("links").get("self").asString())
                .isEqualTo(emulator.baseUrl() + "/referral_source_types/" + source.referralSourceTypeId());
        assertThat(body.get("referrer_type").asString()).isIn("Patient", "Contact");
        assertThat(body.get("referrer").get("links").get("self").asString()).endsWith("/" + source.referrerId());
        assertThat(all.get("total_entries").asInt()).isEqualTo(clinic.referralSources().size());
    }

    @Test
    void contactsMedicalAlertsAndReferringDoctorsAreConsistent() throws Exception {
        // given
        Patient referred = clinic.patient(clinic.referringDoctorByPatient().keySet().iterator().next()).orElseThrow();
        Patient alerted = clinic.patients().stream().filter(p -> p.medicalAlerts().size() > 0).findFirst()
                .orElseThrow();

        // when
        JsonNode patient = JSON.readTree(get(emulator.baseUrl() + "/patients/" + referred.id()).body());
        JsonNode doctor = JSON.readTree(get(patient.get("referring_doctor").get("links").get("self").asString())
                .body());
        JsonNode contacts = JSON.readTree(get(emulator.baseUrl() + "/contacts?per_page=100").body());
        JsonNode allContacts = JSON.readTree(get(emulator.baseUrl() + "/contacts?per_page=100&q%5B%5D=archived_at:*")
                .body());
        JsonNode alerts = JSON.readTree(get(emulator.baseUrl() + "/medical_alerts?q%5B%5D=patient_id:%3D"
                + alerted.id()).body());

        // then
        assertThat(doctor.get("type").asString()).isEqualTo("Doctor");
        assertThat(doctor.get("type_code").asInt()).isEqualTo(1);
        assertThat(allContacts.get("total_entries").asInt()).isEqualTo(clinic.contacts().size());
        assertThat(contacts.get("total_entries").asInt()).isEqualTo(clinic.contacts().size() - 1);
        List<String> alertNames = new ArrayList<>();
        alerts.get("medical_alerts").forEach(a -> alertNames.add(a.get("name").asString()));
        assertThat(alertNames).containsExactlyElementsOf(alerted.medicalAlerts());
    }

    @Test
    void guaranteedMergeChainCanBeFollowedThroughTheApi() throws Exception {
        // given a clinic generated with the merge guarantees
        Clinic chained = ClinicGenerator.generate(42, 230, true);
        emulator.load(chained);
        Patient start = chained.mergeChainStarts().get(0);

        // when following merged_with_patient links
        List<JsonNode> chain = new ArrayList<>();
        String url = emulator.baseUrl() + "/patients/" + start.id();
        while (url != null && chain.size() < 10) {
            JsonNode p = JSON.readTree(get(url).body());
            chain.add(p);
            JsonNode next = p.get("merged_with_patient");
            url = next == null || next.isNull() ? null : next.get("links").get("self").asString();
        }
        JsonNode notes = JSON.readTree(get(emulator.baseUrl() + "/treatment_notes?q%5B%5D=archived_at:*"
                + "&q%5B%5D=patient_id:%3D" + start.id()).body());

        // then
        assertThat(chain).hasSizeGreaterThanOrEqualTo(3);
        assertThat(chain.get(chain.size() - 1).get("merged_at").isNull()).isTrue();
        assertThat(chain.get(chain.size() - 1).get("id").asString())
                .isEqualTo(Long.toString(chained.survivorId(start.id())));
        assertThat(notes.get("total_entries").asInt()).isPositive();
        assertThat(chained.mergedPatients()).allSatisfy(p -> {
            assertThat(chained.appointmentsOf(p.id())).isNotEmpty();
            assertThat(chained.invoicesOf(p.id())).isNotEmpty();
            assertThat(chained.treatmentNotesOf(p.id())).isNotEmpty();
        });
    }

    @Test
    void extraDataLeavesTheBaseListsOfTheSameSeedUnchanged() throws Exception {
        // given the hash of patients, appointments and invoices for seed 42 / 230 before the extra data existed
        String before = "e97cee1a659979186719114f27ba40567d12fd359ead4251ffb5215905c1f3f8";

        // when
        String now = sha256(clinic.patients().toString() + clinic.individualAppointments() + clinic.invoices());

        // then
        assertThat(now).isEqualTo(before);
    }

    // ------------------------------------------------------------------ helpers

    private static List<JsonNode> followPages(String firstUrl) throws IOException, InterruptedException {
        List<JsonNode> pages = new ArrayList<>();
        String url = firstUrl;
        while (url != null) {
            HttpResponse<String> response = get(url);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            pages.add(page);
            JsonNode next = page.get("links").get("next");
            url = next == null ? null : next.asString();
            assertThat(pages).hasSizeLessThan(1000);
        }
        return pages;
    }

    private static List<String> ids(JsonNode page, String plural) {
        List<String> ids = new ArrayList<>();
        page.get(plural).forEach(n -> ids.add(n.get("id").asString()));
        return ids;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return get(url, "testkey-au1", USER_AGENT);
    }

    private static HttpResponse<String> get(String url, String key, String userAgent)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", basic(key))
                .header("User-Agent", userAgent)
                .header("Accept", "application/json")
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }
}
