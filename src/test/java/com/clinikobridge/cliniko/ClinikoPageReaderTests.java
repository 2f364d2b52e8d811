package com.clinikobridge.cliniko;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.emulator.cliniko.ClinicGenerator;
import com.clinikobridge.emulator.cliniko.ClinikoEmulator;
import com.clinikobridge.http.RateLimit;
import com.clinikobridge.http.RetryBudget;
import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Cliniko client and paging reader against the Cliniko emulator over loopback HTTP. */
class ClinikoPageReaderTests {

	private static final RetryBudget FAST = new RetryBudget(6, Duration.ofMillis(5), Duration.ofMillis(20),
			Duration.ofSeconds(3));

	private static ClinikoClient client(ClinikoEmulator emulator) {
		return new ClinikoClient(emulator.apiKey(), emulator.baseUrl(), "cliniko-bridge tests (ops@example.com)",
				new RateLimit(0, Duration.ofMinutes(1)), FAST, Duration.ofSeconds(5));
	}

	private static List<Long> readAll(ClinikoPageReader<ClinikoPatient> reader, ExecutionContext context) {
		reader.open(context);
		List<Long> ids = new ArrayList<>();
		SourceItem<ClinikoPatient> item;
		while ((item = reader.read()) != null) {
			ids.add(item.record().id());
		}
		return ids;
	}

	@Test
	void readsEveryPatientIncludingArchivedInIdOrderWhileThrottledAndFailing() {
		Clinic clinic = ClinicGenerator.generate(21, 260);
		try (ClinikoEmulator emulator = new ClinikoEmulator(clinic)) {
			// given a throttled API that also fails every 4th request
			emulator.setRateLimit(2, Duration.ofMillis(500));
			emulator.failEveryNth(4, 500);
			ClinikoClient client = client(emulator);

			// when
			List<Long> ids = readAll(ClinikoPageReader.patients(client, PatientDetails.none()), new ExecutionContext());

			// then each patient once, archived included, sorted by id
			assertThat(ids).hasSize(clinic.patients().size()).doesNotHaveDuplicates().isSorted();
			assertThat(ids).containsAll(clinic.archivedPatients().stream().map(Clinic.Patient::id).toList());
			assertThat(client.stats().throttled()).isPositive();
			assertThat(emulator.throttledCount()).isEqualTo(client.stats().throttled());
		}
	}

	@Test
	void restartResumesFromTheSavedPageWithoutReadingAnyRecordTwice() {
		Clinic clinic = ClinicGenerator.generate(22, 230);
		try (ClinikoEmulator emulator = new ClinikoEmulator(clinic)) {
			ClinikoClient client = client(emulator);
			// given 150 patients read and committed, and 20 more read but not committed
			ClinikoPageReader<ClinikoPatient> first = ClinikoPageReader.patients(client, PatientDetails.none());
			ExecutionContext context = new ExecutionContext();
			first.open(context);
			Set<Long> committed = new HashSet<>();
			for (int i = 0; i < 150; i++) {
				committed.add(first.read().record().id());
			}
			first.update(context);
			for (int i = 0; i < 20; i++) {
				first.read();
			}

			// when a new reader opens with the committed state
			List<Long> rest = readAll(ClinikoPageReader.patients(client, PatientDetails.none()), context);

			// then it reads exactly the others
			assertThat(rest).hasSize(clinic.patients().size() - 150).doesNotContainAnyElementsOf(committed);
		}
	}

	@Test
	void wrongKeyIsAClearFailureNotARetryLoop() {
		try (ClinikoEmulator emulator = new ClinikoEmulator(ClinicGenerator.generate(1, 3))) {
			ClinikoClient wrong = new ClinikoClient("nope-au1", emulator.baseUrl(), "x (ops@example.com)",
					new RateLimit(0, Duration.ofMinutes(1)), FAST, Duration.ofSeconds(5));
			assertThatThrownBy(() -> wrong.get("/patients")).hasMessageContaining("401")
				.hasMessageContaining("CLINIKO_API_KEY");
			assertThat(wrong.stats().requests()).isEqualTo(1);
		}
	}

	@Test
	void theShardComesFromTheKey() {
		assertThat(ClinikoClient.baseUrlForKey("MS0xabc-uk2")).isEqualTo("https://api.uk2.cliniko.com/v1");
		assertThat(ClinikoClient.baseUrlForKey("oldkeywithoutshard")).isEqualTo("https://api.au1.cliniko.com/v1");
		assertThatThrownBy(() -> ClinikoClient.baseUrlForKey("abc-nowhere")).hasMessageContaining("shard");
	}
}
