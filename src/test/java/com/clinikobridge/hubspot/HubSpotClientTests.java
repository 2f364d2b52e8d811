package com.clinikobridge.hubspot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import com.clinikobridge.http.ApiUnavailableException;
import com.clinikobridge.http.RetryBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HubSpot client against the HubSpot emulator over loopback HTTP. */
class HubSpotClientTests {

	private static final RetryBudget FAST = new RetryBudget(4, Duration.ofMillis(5), Duration.ofMillis(20),
			Duration.ofSeconds(2));

	HubSpotEmulator emulator;

	HubSpotClient client;

	@BeforeEach
	void start() {
		emulator = HubSpotEmulator.start();
		client = new HubSpotClient(emulator.token(), emulator.baseUrl(), HubSpotPaths.of("v3"), 0,
				Duration.ofMillis(200), FAST, Duration.ofSeconds(5));
		new SchemaSetup(client).ensureProperties(Map.of("contacts",
				List.of(PropertySpec.uniqueId("cliniko_patient_id", "id"), PropertySpec.date("cliniko_date_of_birth", "dob"))));
	}

	@AfterEach
	void stop() {
		emulator.close();
	}

	private static Map<String, Map<String, String>> contacts(String... idsAndEmails) {
		Map<String, Map<String, String>> inputs = new LinkedHashMap<>();
		for (int i = 0; i < idsAndEmails.length; i += 2) {
			inputs.put(idsAndEmails[i], Map.of("cliniko_patient_id", idsAndEmails[i], "email", idsAndEmails[i + 1],
					"firstname", "P" + i));
		}
		return inputs;
	}

	@Test
	void upsertCreatesThenUpdatesTheSameRecords() {
		// when the same three records are upserted twice
		HubSpotClient.UpsertOutcome first = client.upsert("contacts", "cliniko_patient_id",
				contacts("1", "a@example.com", "2", "b@example.com", "3", "c@example.com"));
		HubSpotClient.UpsertOutcome second = client.upsert("contacts", "cliniko_patient_id",
				contacts("1", "a@example.com", "2", "b@example.com", "3", "c@example.com"));

		// then three records exist, new the first time only, with the same ids
		assertThat(emulator.records("contacts")).hasSize(3);
		assertThat(first.written().values()).allMatch(HubSpotClient.Written::isNew);
		assertThat(second.written().values()).noneMatch(HubSpotClient.Written::isNew);
		assertThat(second.written().get("2").hubspotId()).isEqualTo(first.written().get("2").hubspotId());
	}

	@Test
	void createAssociatedLinksNewRecordsInOneRequestAndLeavesExistingOnesToTheCaller() {
		// given a company, and contact 2 already in HubSpot (an earlier attempt created it)
		String company = emulator.seedRecord("companies", Map.of("name", "Example Physio"));
		client.upsert("contacts", "cliniko_patient_id", contacts("2", "b@example.com"));
		int before = emulator.requestCount();
		Map<String, List<HubSpotClient.Association>> links = Map.of("1",
				List.of(new HubSpotClient.Association(null, company, 279)));

		// when contacts 1 and 3 are created together, then 1 and 2
		Map<String, HubSpotClient.Written> fresh = client.createAssociated("contacts", "cliniko_patient_id",
				contacts("1", "a@example.com", "3", "c@example.com"), links);
		Map<String, HubSpotClient.Written> clash = client.createAssociated("contacts", "cliniko_patient_id",
				contacts("4", "d@example.com", "2", "b@example.com"), Map.of());

		// then 1 and 3 exist with 1 associated, in one request; the batch holding 2 creates nothing
		assertThat(fresh).containsOnlyKeys("1", "3");
		assertThat(emulator.requestCount() - before).isEqualTo(2);
		assertThat(emulator.associations("contacts", "companies"))
			.containsExactly(new HubSpotEmulator.AssociationSnapshot(fresh.get("1").hubspotId(), company, 279));
		assertThat(clash).isEmpty();
		assertThat(emulator.records("contacts")).hasSize(3);
	}

	@Test
	void partialResultRefusesOnlyTheBadRecordWithHubSpotsMessage() {
		// given one record with a date that is not a date
		Map<String, Map<String, String>> inputs = contacts("1", "a@example.com", "2", "b@example.com");
		inputs.put("3", Map.of("cliniko_patient_id", "3", "cliniko_date_of_birth", "1990-02-31T10:00"));

		// when
		HubSpotClient.UpsertOutcome outcome = client.upsert("contacts", "cliniko_patient_id", inputs);

		// then the two good ones land and the bad one is refused with the reason
		assertThat(outcome.written()).containsOnlyKeys("1", "2");
		assertThat(outcome.refused()).containsOnlyKeys("3");
		assertThat(outcome.refused().get("3")).contains("cliniko_date_of_birth");
		assertThat(emulator.records("contacts")).hasSize(2);
	}

	@Test
	void wholeBatchConflictIsBisectedSoTheRestLands() {
		// given a contact that already holds an email outside Cliniko
		emulator.seedRecord("contacts", Map.of("email", "taken@example.com"));

		// when a batch of five has one record with that email
		HubSpotClient.UpsertOutcome outcome = client.upsert("contacts", "cliniko_patient_id",
				contacts("1", "a@example.com", "2", "b@example.com", "3", "TAKEN@example.com", "4", "d@example.com",
						"5", "e@example.com"));

		// then only that one is refused, as "already exists"
		assertThat(outcome.refused()).containsOnlyKeys("3");
		assertThat(outcome.refused().get("3")).contains("already exists");
		assertThat(outcome.written()).containsOnlyKeys("1", "2", "4", "5");
		assertThat(emulator.records("contacts")).hasSize(5);
	}

	@Test
	void associationsAreCreatedOnceAndWrongDirectionsRefused() {
		// given a contact and two meetings
		String contact = client.upsert("contacts", "cliniko_patient_id", contacts("1", "a@example.com"))
			.written()
			.get("1")
			.hubspotId();
		String m1 = emulator.seedRecord("meetings", Map.of("hs_timestamp", "2025-01-01T10:00:00Z"));
		String m2 = emulator.seedRecord("meetings", Map.of("hs_timestamp", "2025-01-02T10:00:00Z"));

		// when associating twice, plus once with the contact→company type id
		List<String> refused = client.associate("meetings", "contacts", List.of(
				new HubSpotClient.Association(m1, contact, 200), new HubSpotClient.Association(m2, contact, 200)));
		List<String> again = client.associate("meetings", "contacts",
				List.of(new HubSpotClient.Association(m1, contact, 200)));
		List<String> wrong = client.associate("meetings", "contacts",
				List.of(new HubSpotClient.Association(m2, contact, 279)));

		// then
		assertThat(refused).isEmpty();
		assertThat(again).isEmpty();
		assertThat(wrong).hasSize(1);
		assertThat(emulator.associations("meetings", "contacts")).filteredOn(a -> a.typeId() == 200).hasSize(2);
	}

	@Test
	void ownersArePagedAndTenSecondly429sAreWaitedOut() {
		// given 250 owners and a portal allowing 2 requests per 200 ms window
		for (int i = 0; i < 250; i++) {
			emulator.addOwner("owner" + i + "@example.com", "O", "N" + i);
		}
		emulator.tenSecondlyLimit(2, Duration.ofMillis(200));

		// when
		List<HubSpotClient.Owner> owners = client.owners();

		// then every owner came back, after at least one 429 that was retried
		assertThat(owners).hasSize(250).extracting(HubSpotClient.Owner::email).doesNotHaveDuplicates();
		assertThat(client.stats().throttled()).isPositive();
		assertThat(client.stats().retried()).isGreaterThanOrEqualTo(client.stats().throttled());
	}

	@Test
	void dailyLimitStopsTheRunInsteadOfRetrying() {
		// given a portal whose daily limit is spent
		emulator.dailyLimit(0);
		long before = client.stats().requests();

		// then the client gives up at once with a restartable failure
		assertThatThrownBy(() -> client.owners()).isInstanceOf(ApiUnavailableException.class).hasMessageContaining("429");
		assertThat(client.stats().requests() - before).isEqualTo(1);
	}

	@Test
	void serverErrorsAreRetriedUntilTheBudgetIsSpent() {
		// given a portal that fails every request
		emulator.failAllAfter(0, 503);
		long before = client.stats().retried();

		// then four attempts are made, then the run stops
		assertThatThrownBy(() -> client.owners()).isInstanceOf(ApiUnavailableException.class)
			.hasMessageContaining("after 4 attempts");
		assertThat(client.stats().retried() - before).isEqualTo(3);
	}

	@Test
	void newChoicesOfACustomFieldAreAddedToItsProperty() {
		// given a choice property created by an earlier run
		SchemaSetup setup = new SchemaSetup(client);
		setup.ensureProperties(Map.of("contacts", List.of(new PropertySpec("cliniko_cf_times", "Times", "enumeration",
				"checkbox", false, List.of("Morning", "Evening")))));

		// when Cliniko has a new choice
		setup.ensureProperties(Map.of("contacts", List.of(new PropertySpec("cliniko_cf_times", "Times", "enumeration",
				"checkbox", false, List.of("Morning", "Afternoon", "Evening")))));

		// then the property has every choice, and a value with the new one is accepted
		assertThat(emulator.property("contacts", "cliniko_cf_times").orElseThrow().optionValues())
			.containsExactlyInAnyOrder("Morning", "Afternoon", "Evening");
		Map<String, Map<String, String>> input = new LinkedHashMap<>();
		input.put("7", Map.of("cliniko_patient_id", "7", "cliniko_cf_times", "Afternoon"));
		assertThat(client.upsert("contacts", "cliniko_patient_id", input).refused()).isEmpty();
	}

	@Test
	void dateBasedPathsWorkLikeTheLegacyOnes() {
		// given a client on the 2026-03 paths
		HubSpotClient dated = new HubSpotClient(emulator.token(), emulator.baseUrl(), HubSpotPaths.of("2026-03"), 0,
				Duration.ofMillis(200), FAST, Duration.ofSeconds(5));

		// when
		HubSpotClient.UpsertOutcome outcome = dated.upsert("contacts", "cliniko_patient_id",
				contacts("9", "z@example.com"));

		// then
		assertThat(outcome.written()).containsOnlyKeys("9");
		assertThat(emulator.requestCount("/crm/objects/2026-03/contacts")).isEqualTo(1);
	}
}
