package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.clinikobridge.cli.BridgeCommands;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.ClinicChanges;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.PostgresTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a test (surefire runs only *Tests): migrates a generated clinic from the API,
 * then prints what a nightly {@code sync} costs when nothing changed and when 1% of the
 * patients and their next appointments changed. Run:
 *
 * <pre>
 * TEST_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/test ./mvnw test -Dtest=SyncBenchmark -Dbenchmark.patients=5000
 * </pre>
 */
class SyncBenchmark extends PostgresTestBase {

	@Autowired
	BridgeCommands commands;

	@Test
	void benchmark() throws Exception {
		int patients = Integer.getInteger("benchmark.patients", 5000);
		Path work = Files.createTempDirectory("cliniko-bridge-sync-benchmark");
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(42, patients, work)) {
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api")).as(s.err).isIn(0, 3);
			print(s, "unchanged", measure(s));
			ClinicChanges changes = new ClinicChanges(s.clinic, Instant.parse("2026-11-21T12:00:00Z"));
			s.clinic.patients()
				.stream()
				.filter(p -> !p.isMerged())
				.limit(Math.max(1, patients / 100))
				.map(Patient::id)
				.forEach(id -> changes.renamePatient(id, "Changed"));
			s.cliniko.load(changes.clinic());
			print(s, "1%-patients-renamed", measure(s));
		}
	}

	private long[] measure(ClinicScenario s) {
		java.util.Map<String, Long> byPath = s.cliniko.requestsByPath();
		long cliniko = s.cliniko.requestCount();
		long hubspot = s.hubspot.requestCount();
		long writes = SyncFunctionalTests.writes(s.hubspot);
		long started = System.nanoTime();
		assertThat(s.run(commands, "sync")).as(s.err).isZero();
		long wallMs = (System.nanoTime() - started) / 1_000_000;
		java.util.Map<String, Long> after = new java.util.TreeMap<>(s.cliniko.requestsByPath());
		after.replaceAll((path, n) -> n - byPath.getOrDefault(path, 0L));
		after.values().removeIf(n -> n == 0);
		System.out.println("BENCHMARK cliniko requests by path: " + after);
		return new long[] { wallMs, s.cliniko.requestCount() - cliniko, s.hubspot.requestCount() - hubspot,
				SyncFunctionalTests.writes(s.hubspot) - writes };
	}

	private static void print(ClinicScenario s, String delta, long[] m) {
		JsonNode summary = s.summary(s.lastRunId());
		long read = 0;
		long written = 0;
		for (JsonNode o : summary.path("objects")) {
			read += o.path("read").asLong();
			written += o.path("created").asLong() + o.path("updated").asLong();
		}
		System.out.printf("BENCHMARK sync delta=%s patients=%d wall_ms=%d records_read=%d records_written=%d"
				+ " cliniko_requests=%d hubspot_requests=%d hubspot_writes=%d%n", delta,
				s.clinic.patients().size(), m[0], read, written, m[1], m[2], m[3]);
	}
}
