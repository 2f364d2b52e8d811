package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.emulator.cliniko.ClinicGenerator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static com.clinikobridge.job.MigrationFunctionalTests.byProperty;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole generated clinic, every object type, from the Cliniko API emulator into the HubSpot
 * emulator; plus the schema command, --objects, the mapping file and a portal without room
 * for another pipeline.
 */
class FullClinicFunctionalTests extends FunctionalTestBase {

	@Test
	void everyObjectAndAssociationMigratesFromTheApi() {
		try (ClinicScenario s = new ClinicScenario(42, 230, work, true)) {
			Clinic clinic = s.clinic;

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then every object is there once, and the run says so
			assertThat(exit).as(s.out + s.err).isZero();
			JsonNode objects = s.summary(s.lastRunId()).path("objects");
			assertThat(objects.path("contacts").path("created").asLong()).isEqualTo(clinic.contacts().size());
			assertThat(objects.path("products").path("created").asLong())
				.isEqualTo(clinic.billableItems().size() + clinic.products().size());
			assertThat(objects.path("treatment_notes").path("created").asLong()).isEqualTo(clinic.treatmentNotes().size());
			assertThat(objects.path("invoice_items").path("created").asLong()).isEqualTo(clinic.invoiceItems().size());
			long merged = clinic.patients().stream().filter(Clinic.Patient::isMerged).count();
			assertThat(merged).isGreaterThanOrEqualTo(2);
			assertThat(objects.path("patients").path("unchanged").asLong()).isEqualTo(merged);
			MigrationFunctionalTests.assertMigrated(s, false);

			Map<String, RecordSnapshot> companies = byProperty(s.hubspot.records("companies"), "cliniko_contact_id");
			Map<String, RecordSnapshot> contacts = byProperty(s.hubspot.records("contacts"), "cliniko_patient_id");
			Map<String, RecordSnapshot> products = byProperty(s.hubspot.records("products"), "cliniko_item_key");
			Map<String, RecordSnapshot> notes = byProperty(s.hubspot.records("notes"), "cliniko_treatment_note_id");
			Map<String, RecordSnapshot> deals = byProperty(s.hubspot.records("deals"), "cliniko_invoice_id");
			Map<String, RecordSnapshot> lineItems = byProperty(s.hubspot.records("line_items"), "cliniko_invoice_item_id");
			assertThat(companies).hasSize(clinic.contacts().size());
			assertThat(products).hasSize(clinic.billableItems().size() + clinic.products().size());
			assertThat(notes).hasSize(clinic.treatmentNotes().size());
			assertThat(lineItems).hasSize(clinic.invoiceItems().size());

			// contacts → companies
			for (Clinic.Contact c : clinic.contacts()) {
				RecordSnapshot company = companies.get(Long.toString(c.id()));
				assertThat(company.properties().get("name"))
					.isEqualTo(c.companyName() != null ? c.companyName() : c.firstName() + " " + c.lastName());
				assertThat(company.properties().get("cliniko_contact_type")).isEqualTo(c.type());
			}

			// patient → referring company (279), custom fields, alerts, referral source
			Set<String> companyLinks = links(s, "contacts", "companies", 279);
			int referred = 0;
			int withCustomFields = 0;
			for (Clinic.Patient p : clinic.patients()) {
				if (p.isMerged()) {
					continue;
				}
				RecordSnapshot contact = contacts.get(Long.toString(p.id()));
				Optional<Long> referrer = clinic.referringDoctor(p.id())
					.map(Clinic.Contact::id)
					.or(() -> clinic.referralSourceOf(p.id())
						.filter(r -> "Contact".equals(r.referrerType()))
						.map(Clinic.ReferralSource::referrerId));
				if (referrer.isPresent()) {
					referred++;
					assertThat(companyLinks).contains(contact.id() + "->" + companies.get(referrer.get().toString()).id());
				}
				List<String> alerts = clinic.medicalAlertsOf(p.id())
					.stream()
					.filter(a -> a.archivedAt() == null)
					.map(Clinic.MedicalAlert::name)
					.toList();
				// archived alerts are history, not alerts
				assertThat(contact.properties().get("cliniko_medical_alerts"))
					.isEqualTo(alerts.isEmpty() ? null : String.join("\n", alerts));
				if (clinic.referralSourceOf(p.id()).isPresent()) {
					assertThat(contact.properties().get("cliniko_referral_source")).isNotBlank();
				}
				List<Clinic.CustomFieldSection> answers = clinic.customFieldsOf(p.id());
				if (answers != null) {
					for (Clinic.CustomFieldSection section : answers) {
						for (Clinic.CustomField field : section.fields()) {
							if (field.type().equals("text") && field.value() != null) {
								withCustomFields++;
								assertThat(contact.properties()).containsValue(field.value());
							}
						}
					}
				}
			}
			assertThat(referred).isPositive();
			assertThat(withCustomFields).isPositive();
			assertThat(s.hubspot.properties("contacts")).extracting(pr -> pr.name())
				.contains("cliniko_cf_notes", "cliniko_cf_notes_2");

			// treatment notes → notes (202), sanitised, with status; merged patients' notes go to the survivor
			Set<String> noteLinks = links(s, "notes", "contacts", 202);
			for (Clinic.TreatmentNote n : clinic.treatmentNotes()) {
				RecordSnapshot note = notes.get(Long.toString(n.id()));
				assertThat(note.properties().get("cliniko_note_status")).isEqualTo(n.draft() ? "draft" : "final");
				String body = note.properties().getOrDefault("hs_note_body", "");
				assertThat(body).doesNotContain("<script", "onerror", "style=");
				String survivor = Long.toString(clinic.survivorId(n.patientId()));
				assertThat(noteLinks).contains(note.id() + "->" + contacts.get(survivor).id());
			}

			// invoice items → line items (20) with hs_product_id
			Set<String> dealLinks = links(s, "line_items", "deals", 20);
			for (Clinic.InvoiceItem i : clinic.invoiceItems()) {
				RecordSnapshot item = lineItems.get(Long.toString(i.id()));
				assertThat(dealLinks).contains(item.id() + "->" + deals.get(Long.toString(i.invoiceId())).id());
				String key = i.billableItemId() != null ? "billable_item:" + i.billableItemId() : "product:" + i.productId();
				assertThat(item.properties().get("hs_product_id")).isEqualTo(products.get(key).id());
				assertThat(new java.math.BigDecimal(item.properties().get("price"))).isEqualByComparingTo(i.unitPrice());
			}

			// the chain of merges ends at the last survivor
			Clinic.Patient start = clinic.mergeChainStarts().get(0);
			long survivor = clinic.survivorId(start.id());
			assertThat(survivor).isNotEqualTo(start.mergedWithPatientId());
			assertThat(contacts).doesNotContainKey(Long.toString(start.id()));
			assertThat(contacts).containsKey(Long.toString(survivor));

			// the unresolved practitioner's records have no owner
			long unresolved = clinic.practitioners()
				.stream()
				.filter(p -> clinic.practitionerEmail(p).equals(ClinicGenerator.UNMATCHED_PRACTITIONER_EMAIL))
				.findFirst()
				.orElseThrow()
				.id();
			clinic.treatmentNotes()
				.stream()
				.filter(n -> n.practitionerId() == unresolved)
				.forEach(n -> assertThat(notes.get(Long.toString(n.id())).properties().get("hubspot_owner_id")).isNull());
			assertThat(s.report(s.lastRunId(), "owners.csv")).contains("unresolved");
		}
	}

	@Test
	void schemaShowsWhatIsMissingAndApplyCreatesItOnce() {
		try (ClinicScenario s = new ClinicScenario(2, 20, work)) {
			// when the portal is new
			assertThat(s.run(commands, "schema", "--source=api")).as(s.err).isZero();

			// then the difference lists groups, properties and the pipeline
			assertThat(s.out).contains("contacts: create property group 'cliniko'")
				.contains("contacts: create property cliniko_patient_id (string/text, unique)")
				.contains("contacts: create property cliniko_cf_notes")
				.contains("deals: create pipeline 'Cliniko invoices'");
			assertThat(s.hubspot.properties("contacts")).extracting(p -> p.name()).doesNotContain("cliniko_patient_id");

			// when applied twice
			assertThat(s.run(commands, "schema", "--apply", "--source=api")).isZero();
			int pipelines = s.hubspot.pipelines().size();
			assertThat(s.run(commands, "schema", "--apply", "--source=api")).isZero();

			// then everything exists once and nothing is left to do
			assertThat(s.out).contains("has everything the mapping needs");
			assertThat(s.hubspot.pipelines()).hasSize(pipelines);
			assertThat(s.hubspot.property("contacts", "cliniko_patient_id").orElseThrow().hasUniqueValue()).isTrue();
			assertThat(s.hubspot.property("line_items", "cliniko_invoice_item_id").orElseThrow().groupName())
				.isEqualTo("cliniko");
		}
	}

	@Test
	void objectsEnforcesDependenciesUnlessTheyAreInTheLedger() {
		try (ClinicScenario s = new ClinicScenario(4, 40, work)) {
			// line items alone, with no deals migrated yet: refused, naming what is missing
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api", "--objects=invoice_items")).isEqualTo(2);
			assertThat(s.err).contains("--objects").contains("invoice_items need invoices");
			assertThat(s.hubspot.requestCount()).isZero();

			// contacts from a CSV export: not there
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--objects=contacts")).isEqualTo(2);
			assertThat(s.err).contains("CSV exports");

			// patients and invoices first, then the line items on their own
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api", "--objects=patients,invoices")).as(s.err).isZero();
			assertThat(s.summary(s.lastRunId()).path("objects").properties()).extracting(Map.Entry::getKey)
				.containsExactly("patients", "invoices");
			assertThat(s.hubspot.records("meetings")).isEmpty();
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api", "--objects=invoice_items")).as(s.err).isZero();
			assertThat(s.hubspot.records("line_items")).hasSize(s.clinic.invoiceItems().size());
			assertThat(s.hubspot.associations("line_items", "deals")).hasSize(s.clinic.invoiceItems().size());
		}
	}

	@Test
	void mappingFileRenamesPropertiesAndBadFilesExitTwoWithTheLine() throws Exception {
		try (ClinicScenario s = new ClinicScenario(6, 15, work)) {
			// given a mapping that moves occupation to a property of ours and drops sex
			Path mapping = work.resolve("mapping.yml");
			Files.writeString(mapping, "objects:\n  patients:\n    properties:\n      occupation: cliniko_occupation\n"
					+ "      sex: \"\"\n");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--mapping=" + mapping);

			// then
			assertThat(exit).as(s.err).isZero();
			Clinic.Patient worker = s.clinic.patients().stream().filter(p -> p.occupation() != null).findFirst().orElseThrow();
			RecordSnapshot contact = s.hubspot.findByProperty("contacts", "cliniko_patient_id", Long.toString(worker.id()))
				.orElseThrow();
			assertThat(contact.properties().get("cliniko_occupation")).isEqualTo(worker.occupation());
			assertThat(contact.properties()).doesNotContainKeys("jobtitle", "cliniko_sex");

			// and a mistake in the file stops the run before anything happens
			int requests = s.hubspot.requestCount();
			int upserts = s.hubspot.kindCount("upsert");
			Files.writeString(mapping, "objects:\n  patients:\n    properties:\n      ocupation: jobtitle\n");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--mapping=" + mapping)).isEqualTo(2);
			assertThat(s.err).contains("mapping.yml line 4").contains("unknown field 'ocupation'");
			assertThat(s.hubspot.requestCount()).isEqualTo(requests);

			// and so does a property the portal does not have
			Files.writeString(mapping, "objects:\n  patients:\n    properties:\n\n      occupation: jobtitel\n");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--mapping=" + mapping))
				.isEqualTo(2);
			assertThat(s.err).contains("mapping.yml line 5").contains("no property 'jobtitel'");
			assertThat(s.hubspot.kindCount("upsert")).isEqualTo(upserts);
		}
	}

	@Test
	void portalWithoutRoomForAPipelineUsesAConfiguredOne() throws Exception {
		try (ClinicScenario s = new ClinicScenario(8, 15, work)) {
			// given a portal that allows no further pipeline
			s.hubspot.maxPipelines(1);

			// when migrating with the default mapping: the run stops and says what to configure
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder)).isEqualTo(1);
			assertThat(s.out).contains("objects.invoices.pipeline.id");

			// when the mapping names the existing pipeline and its stages
			var pipeline = s.hubspot.pipelines().get(0);
			Map<String, String> stageIds = new HashMap<>();
			pipeline.stages().forEach(st -> stageIds.put(st.label(), st.id()));
			Path mapping = work.resolve("mapping.yml");
			String first = pipeline.stages().get(0).id();
			String won = pipeline.stages().stream().filter(st -> st.probability().startsWith("1")).findFirst().orElseThrow().id();
			String lost = pipeline.stages().stream().filter(st -> st.probability().startsWith("0.0") || st.probability().equals("0"))
				.findFirst().orElseThrow().id();
			Files.writeString(mapping, "objects:\n  invoices:\n    pipeline:\n      id: " + pipeline.id() + "\n    stages:\n"
					+ "      open: " + first + "\n      paid: " + won + "\n      closed: " + lost + "\n      open_credit: "
					+ first + "\n");
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--mapping=" + mapping);

			// then the deals land in it with the configured stages
			assertThat(exit).as(s.out + s.err).isZero();
			assertThat(s.hubspot.records("deals")).hasSize(s.clinic.invoices().size())
				.allMatch(d -> d.properties().get("pipeline").equals(pipeline.id()));
			Clinic.Invoice paid = s.clinic.invoices().stream().filter(i -> i.status() == 20).findFirst().orElseThrow();
			assertThat(s.hubspot.findByProperty("deals", "cliniko_invoice_id", Long.toString(paid.id())).orElseThrow()
				.properties().get("dealstage")).isEqualTo(won);
		}
	}

	@Test
	void portalRefusingUniquePropertiesGetsNoDuplicatesThroughLostAnswersWithoutARestart() {
		try (ClinicScenario s = new ClinicScenario(9, 120, work)) {
			// given a portal that refuses unique ID properties on meetings and deals, and loses
			// the answer to every 4th request (the write lands, the client sees a 502)
			s.hubspot.refuseUniqueProperties("meetings");
			s.hubspot.refuseUniqueProperties("deals");
			s.hubspot.dropResponseEveryNth(4);

			// when the run is started once
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");
			String runId = s.lastRunId();

			// then it resolves its lost creates itself (adopting what landed): it completes, every
			// meeting and deal exists exactly once, associated, and the report says how
			assertThat(exit).as(s.out + s.err).isZero();
			assertThat(s.hubspot.faultCount()).as("answers were lost").isPositive();
			assertThat(s.hubspot.property("meetings", "cliniko_appointment_id").orElseThrow().hasUniqueValue()).isFalse();
			assertThat(s.hubspot.records("meetings")).hasSize(s.clinic.individualAppointments().size());
			assertThat(byProperty(s.hubspot.records("meetings"), "cliniko_appointment_id"))
				.hasSize(s.clinic.individualAppointments().size());
			assertThat(byProperty(s.hubspot.records("deals"), "cliniko_invoice_id")).hasSize(s.clinic.invoices().size());
			assertThat(s.hubspot.associations("meetings", "contacts")).filteredOn(a -> a.typeId() == 200)
				.hasSize(s.clinic.individualAppointments().size());
			assertThat(s.out).contains("refused a unique ID property on meetings, deals");
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("objects").path("appointments").path("created").asLong())
				.isEqualTo(s.clinic.individualAppointments().size());

			// and a second run updates in place
			s.hubspot.clearFaults();
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api")).isZero();
			assertThat(s.hubspot.records("meetings")).hasSize(s.clinic.individualAppointments().size());
		}
	}

	private static Set<String> links(ClinicScenario s, String from, String to, int typeId) {
		return s.hubspot.associations(from, to)
			.stream()
			.filter(a -> a.typeId() == typeId)
			.map(a -> a.fromId() + "->" + a.toId())
			.collect(Collectors.toSet());
	}
}
